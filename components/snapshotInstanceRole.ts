import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Engine } from "../core/environment";
import { ec2TrustPolicy, instanceSnapshotPolicy, managedPolicyArn, type ArnScope, type InstancePolicyInput } from "./iam";
import { childName, iamPath, rolePlacement } from "./naming";

export interface SnapshotInstanceRoleArgs {
    /** Partition, account and region that every granted ARN is pinned to. */
    readonly scope: ArnScope;
    /** The environment whose tag the instance must put on every snapshot it creates. */
    readonly environment: string;
    /** The snapshot engine; aws-vss adds the AWS VSS provider's after-create tagging. */
    readonly engine: Engine;
    /** Where Run Command output goes; it is written with the instance's credentials. */
    readonly logging?: InstancePolicyInput["logging"];
    /**
     * Attach the snapshot policy to this existing role instead of creating a role and an instance
     * profile (instances that already have a profile). That role must also carry
     * AmazonSSMManagedInstanceCore; vss-fleet does not attach it, so destroy never detaches it.
     */
    readonly existingRoleName?: pulumi.Input<string>;
    /** Tags for the role, profile and policy. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The identity an enrolled Windows instance runs with: Systems Manager core access plus a policy that
 * lets the instance snapshot only itself (see iam/instancePolicy.ts).
 */
export class SnapshotInstanceRole extends pulumi.ComponentResource {
    /** The snapshot policy (a managed policy, so it can also be attached to an existing role). */
    public readonly policy: aws.iam.Policy;
    /** The created role; undefined when attached to an existing role. */
    public readonly role?: aws.iam.Role;
    /** The instance profile to launch instances with; undefined when attached to an existing role. */
    public readonly instanceProfile?: aws.iam.InstanceProfile;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: SnapshotInstanceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:iam:SnapshotInstanceRole", name, {}, opts);
        const policyJson = JSON.stringify(
            instanceSnapshotPolicy({ ...args.scope, environment: args.environment, engine: args.engine, logging: args.logging }),
        );
        // Everything under the environment's IAM path: the deploy role's IAM grants reach nothing else.
        const placement = rolePlacement(args.scope.partition, args.scope.accountId, args.environment);
        this.policy = new aws.iam.Policy(
            childName(name, "snapshot"),
            {
                description: `vss-fleet ${args.environment}: an instance may snapshot only itself.`,
                path: iamPath(args.environment),
                policy: policyJson,
                tags: args.tags,
            },
            { parent: this },
        );
        if (args.existingRoleName !== undefined) {
            this.roleName = pulumi.output(args.existingRoleName);
        } else {
            this.role = new aws.iam.Role(
                childName(name, "role"),
                {
                    description: `vss-fleet ${args.environment}: Windows instances that take VSS snapshots of themselves.`,
                    assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
                    ...placement,
                    tags: args.tags,
                },
                // The deploy role may not rewrite a trust policy in place (iam:UpdateAssumeRolePolicy).
                { parent: this, replaceOnChanges: ["assumeRolePolicy"] },
            );
            this.roleName = this.role.name;
            new aws.iam.RolePolicyAttachment(
                childName(name, "ssm-core"),
                // Never the deprecated AmazonEC2RoleforSSM: it grants S3 and more to every instance.
                { role: this.role.name, policyArn: managedPolicyArn(args.scope.partition, "AmazonSSMManagedInstanceCore") },
                { parent: this },
            );
            this.instanceProfile = new aws.iam.InstanceProfile(
                childName(name, "profile"),
                { role: this.role.name, path: placement.path, tags: args.tags },
                { parent: this },
            );
        }
        new aws.iam.RolePolicyAttachment(
            childName(name, "snapshot"),
            { role: this.roleName, policyArn: this.policy.arn },
            { parent: this },
        );
        this.registerOutputs({
            policyArn: this.policy.arn,
            roleName: this.roleName,
            instanceProfileName: this.instanceProfile?.name,
        });
    }
}
