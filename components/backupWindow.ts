import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childName, tagTargets } from "./naming";

/**
 * The rate control of a stack whose config sets none and that no plan or driver sized from its
 * enrolled instances (a hand-written stack file, `pulumi up` before any inventory). Two ways to
 * fail safe, weighed:
 * - a percentage (SSM's "10%") scales with the fleet and finishes a big fleet in time, but at 2,000
 *   targets it starts 200 runs at once, past EC2's CreateSnapshots burst of 100 per account and
 *   region, and throttled runs fail their snapshots;
 * - a small count cannot burst however big the fleet, but a big fleet needs many waves and may run
 *   past the cutoff; the instances it misses are left unsnapshotted, which the lifecycle's RPO check
 *   reports, and `vss-fleet plan` warns about beforehand.
 * A failed snapshot is worse than a late one, so maxConcurrency is a count (10, as for a fleet the
 * plan has not seen yet). maxErrors is a percentage: "stop when a tenth fails" means the same at any
 * size, and a count would either stop a big fleet for a few offline agents or let a small one fail whole.
 */
export const FALLBACK_RATE_CONTROL = { maxConcurrency: "10", maxErrors: "10%" } as const;

/** What SSM needs to send Run Command status to SNS. */
export interface WindowNotifications {
    readonly snsTopicArn: pulumi.Input<string>;
    readonly events: readonly string[];
    /** The role SSM passes to SNS (MaintenanceWindowTaskRole.notificationRole). */
    readonly roleArn: pulumi.Input<string>;
}

export interface BackupWindowArgs {
    /** SSM schedule: cron(...), rate(...) or at(...), validated by the EnvironmentSpec. */
    readonly schedule: pulumi.Input<string>;
    /** IANA zone the schedule is read in. */
    readonly scheduleTimezone: pulumi.Input<string>;
    /** Days after the cron date to run (cron only). */
    readonly scheduleOffset?: pulumi.Input<number>;
    readonly durationHours: pulumi.Input<number>;
    /** No new invocation starts in the last `cutoffHours` of the window. */
    readonly cutoffHours: pulumi.Input<number>;
    /** The instances to snapshot: every instance carrying all of these tags. */
    readonly targetTags: Readonly<Record<string, string>>;
    /** The snapshot document, and the version of it to run. */
    readonly documentName: pulumi.Input<string>;
    readonly documentVersion: pulumi.Input<string>;
    /** Document parameters set on every run, pseudo-parameters such as {{WINDOW_EXECUTION_ID}} allowed. */
    readonly documentParameters?: Readonly<Record<string, readonly string[]>>;
    /** The role the window assumes to send the document. */
    readonly taskRoleArn: pulumi.Input<string>;
    readonly maxConcurrency: pulumi.Input<string>;
    readonly maxErrors: pulumi.Input<string>;
    /** Task priority; lower runs first. Later tasks (verification) take higher numbers. */
    readonly priority?: pulumi.Input<number>;
    /**
     * What happens to running invocations at the cutoff. Default CONTINUE_TASK: cancelling a
     * snapshot mid-run can leave a VSS freeze or shadow copies behind.
     */
    readonly cutoffBehavior?: pulumi.Input<"CONTINUE_TASK" | "CANCEL_TASK">;
    /** How long Run Command tries to DELIVER the command (not how long it may run). Default 600 s. */
    readonly deliveryTimeoutSeconds?: pulumi.Input<number>;
    readonly logging?: {
        readonly s3BucketName?: pulumi.Input<string>;
        readonly s3KeyPrefix?: pulumi.Input<string>;
        /** The stack creates this group, with a retention; left to Run Command, it would keep output forever. */
        readonly cloudWatchLogGroupName?: string;
    };
    /** Days to keep the Run Command output log group. Default 90. */
    readonly logRetentionDays?: number;
    readonly notifications?: WindowNotifications;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly description?: pulumi.Input<string>;
}

/** The daily backup: a maintenance window, the tag target it runs on, and the Run Command task. */
export class BackupWindow extends pulumi.ComponentResource {
    public readonly window: aws.ssm.MaintenanceWindow;
    public readonly target: aws.ssm.MaintenanceWindowTarget;
    public readonly task: aws.ssm.MaintenanceWindowTask;
    public readonly outputLogGroup?: aws.cloudwatch.LogGroup;

    constructor(name: string, args: BackupWindowArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:ssm:BackupWindow", name, {}, opts);
        this.window = new aws.ssm.MaintenanceWindow(
            childName(name, "window"),
            {
                description: args.description,
                schedule: args.schedule,
                scheduleTimezone: args.scheduleTimezone,
                scheduleOffset: args.scheduleOffset,
                duration: args.durationHours,
                cutoff: args.cutoffHours,
                // Only registered (tag) targets: an ad-hoc instance id cannot slip into the backup.
                allowUnassociatedTargets: false,
                enabled: true,
                tags: args.tags,
            },
            { parent: this },
        );
        this.target = new aws.ssm.MaintenanceWindowTarget(
            childName(name, "target"),
            {
                windowId: this.window.id,
                resourceType: "INSTANCE",
                targets: tagTargets(args.targetTags),
                description: "Instances carrying the environment's target tags.",
            },
            { parent: this },
        );
        const logGroupName = args.logging?.cloudWatchLogGroupName;
        if (logGroupName) {
            // A group that already exists (Run Command made it on an earlier run) must be imported once:
            // `pulumi import aws:cloudwatch/logGroup:LogGroup <this resource's name> <group name>`.
            this.outputLogGroup = new aws.cloudwatch.LogGroup(
                childName(name, "output-logs"),
                { name: logGroupName, retentionInDays: args.logRetentionDays ?? 90, tags: args.tags },
                { parent: this },
            );
        }
        this.task = new aws.ssm.MaintenanceWindowTask(
            childName(name, "task"),
            {
                windowId: this.window.id,
                taskType: "RUN_COMMAND",
                // In @pulumi/aws 7 the document goes in taskArn; runCommandParameters has no documentName.
                taskArn: args.documentName,
                serviceRoleArn: args.taskRoleArn,
                targets: [{ key: "WindowTargetIds", values: [this.target.id] }],
                maxConcurrency: args.maxConcurrency,
                maxErrors: args.maxErrors,
                priority: args.priority ?? 1,
                cutoffBehavior: args.cutoffBehavior ?? "CONTINUE_TASK",
                description: "VSS-consistent EBS snapshots of every targeted instance.",
                taskInvocationParameters: {
                    runCommandParameters: runCommandParameters(args),
                },
            },
            { parent: this, dependsOn: this.outputLogGroup ? [this.outputLogGroup] : [] },
        );
        this.registerOutputs({ windowId: this.window.id, targetId: this.target.id, taskId: this.task.id });
    }
}

function runCommandParameters(
    args: BackupWindowArgs,
): aws.types.input.ssm.MaintenanceWindowTaskTaskInvocationParametersRunCommandParameters {
    const { logging, notifications } = args;
    return {
        documentVersion: args.documentVersion,
        parameters: Object.entries(args.documentParameters ?? {}).map(([name, values]) => ({ name, values: [...values] })),
        timeoutSeconds: args.deliveryTimeoutSeconds ?? 600,
        comment: "vss-fleet snapshot",
        outputS3Bucket: logging?.s3BucketName,
        outputS3KeyPrefix: logging?.s3KeyPrefix,
        cloudwatchConfig: logging?.cloudWatchLogGroupName
            ? { cloudwatchLogGroupName: logging.cloudWatchLogGroupName, cloudwatchOutputEnabled: true }
            : undefined,
        notificationConfig: notifications
            ? { notificationArn: notifications.snsTopicArn, notificationEvents: [...notifications.events], notificationType: "Invocation" }
            : undefined,
        serviceRoleArn: notifications?.roleArn,
    };
}
