import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { notificationPublishPolicy, ssmTrustPolicy, taskRolePolicy, type ArnScope } from "./iam";
import { childName, rolePlacement } from "./naming";

export interface MaintenanceWindowTaskRoleArgs {
    /** Partition, account and region that every granted ARN is pinned to. */
    readonly scope: ArnScope;
    /** The environment: its IAM path and permissions boundary go on both roles. */
    readonly environment: string;
    /** The only document the window may send. */
    readonly documentName: pulumi.Input<string>;
    /** The only instances the window may send it to: those carrying all of these tags. */
    readonly targetTags: Readonly<Record<string, string>>;
    /** When set, a second role lets SSM publish Run Command notifications to this topic. */
    readonly notificationTopicArn?: pulumi.Input<string>;
    /** Tags for the roles. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The role the maintenance window assumes to run the snapshot task (AWS no longer recommends the
 * service-linked role for window tasks), and, with notifications, the role SSM passes to SNS.
 */
export class MaintenanceWindowTaskRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    /** The role SSM uses to publish to SNS; undefined without notifications. */
    public readonly notificationRole?: aws.iam.Role;

    constructor(name: string, args: MaintenanceWindowTaskRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:iam:MaintenanceWindowTaskRole", name, {}, opts);
        const trust = JSON.stringify(ssmTrustPolicy(args.scope.accountId));
        const placement = rolePlacement(args.scope.partition, args.scope.accountId, args.environment);
        // The deploy role may not rewrite a trust policy in place (iam:UpdateAssumeRolePolicy).
        const roleOptions = { parent: this, replaceOnChanges: ["assumeRolePolicy"] };
        if (args.notificationTopicArn !== undefined) {
            this.notificationRole = new aws.iam.Role(
                childName(name, "notify"),
                {
                    description: "vss-fleet: Systems Manager publishes snapshot command status to SNS.",
                    assumeRolePolicy: trust,
                    ...placement,
                    tags: args.tags,
                },
                roleOptions,
            );
            new aws.iam.RolePolicy(
                childName(name, "notify-publish"),
                {
                    role: this.notificationRole.id,
                    policy: pulumi.output(args.notificationTopicArn).apply((topic) => JSON.stringify(notificationPublishPolicy(topic))),
                },
                { parent: this },
            );
        }
        this.role = new aws.iam.Role(
            childName(name, "role"),
            {
                description: "vss-fleet: the maintenance window sends the snapshot document.",
                assumeRolePolicy: trust,
                ...placement,
                tags: args.tags,
            },
            roleOptions,
        );
        const notificationRoleArn = this.notificationRole?.arn ?? pulumi.output(undefined);
        new aws.iam.RolePolicy(
            childName(name, "send-snapshot-command"),
            {
                role: this.role.id,
                policy: pulumi
                    .all([args.documentName, notificationRoleArn])
                    .apply(([documentName, notifyArn]) =>
                        JSON.stringify(
                            taskRolePolicy({ ...args.scope, documentName, targetTags: args.targetTags, notificationRoleArn: notifyArn }),
                        ),
                    ),
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn, notificationRoleArn: this.notificationRole?.arn });
    }
}
