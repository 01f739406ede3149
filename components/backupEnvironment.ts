import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_FLEET, deadManHours, lifecycleEnabled, partitionOf, type EnvironmentSpec } from "../core/environment";
import { BackupWindow, FALLBACK_RATE_CONTROL } from "./backupWindow";
import { MaintenanceWindowTaskRole } from "./maintenanceWindowTaskRole";
import { attachToExistingRoles } from "./existingInstanceRoles";
import { childName, existingRolesPolicyArn, resourceTags } from "./naming";
import { recycleBinRule } from "./recycleBin";
import { SnapshotInstanceRole } from "./snapshotInstanceRole";
import { lifecycleSettingsOf } from "../core/lifecycle/lifecycleSettings";
import { SnapshotLifecycle } from "./snapshotLifecycle";
import { VssSnapshotDocument } from "./vssSnapshotDocument";

export interface BackupEnvironmentArgs {
    /** The validated environment (parseEnvironment); its name names the resources. */
    readonly spec: EnvironmentSpec;
    /** The fleet the environment belongs to, written on every snapshot; default DEFAULT_FLEET ("vss-fleet"). */
    readonly fleet?: string;
    /** Attach the snapshot policy to this existing instance role instead of creating a role and profile. */
    readonly existingInstanceRoleName?: pulumi.Input<string>;
}

/** The snapshot task runs first; the lifecycle function's task takes the next number. */
const SNAPSHOT_TASK_PRIORITY = 1;

/** Everything one environment needs for daily VSS-consistent snapshots of its Windows instances. */
export class BackupEnvironment extends pulumi.ComponentResource {
    public readonly instanceRole: SnapshotInstanceRole;
    public readonly taskRole: MaintenanceWindowTaskRole;
    public readonly document: VssSnapshotDocument;
    public readonly window: BackupWindow;
    /** Verification, alarms, retention and drills; undefined when the spec switches the lifecycle off. */
    public readonly lifecycle?: SnapshotLifecycle;
    public readonly windowId: pulumi.Output<string>;
    public readonly documentName: pulumi.Output<string>;
    public readonly instanceRoleName: pulumi.Output<string>;
    public readonly instanceProfileName: pulumi.Output<string | undefined>;
    public readonly taskRoleArn: pulumi.Output<string>;
    public readonly targetTags: Readonly<Record<string, string>>;
    /** The SNS topic that lifecycle alerts go to (subscribe to it); undefined without the lifecycle. */
    public readonly alertTopicArn: pulumi.Output<string | undefined>;
    /** The lifecycle function, to invoke on demand (a drill now); undefined without the lifecycle. */
    public readonly lifecycleFunctionName: pulumi.Output<string | undefined>;

    constructor(name: string, args: BackupEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:backup:BackupEnvironment", name, {}, opts);
        const { spec } = args;
        const fleet = args.fleet ?? DEFAULT_FLEET;
        const scope = { partition: partitionOf(spec.region), region: spec.region, accountId: spec.accountId };
        const tags = resourceTags(spec.name, fleet);
        const child = { parent: this };

        this.document = new VssSnapshotDocument(
            childName(name, "snapshot"),
            {
                context: { environment: spec.name, fleet, engine: spec.engine, vss: spec.vss, snapshotTags: spec.snapshotTags },
                tags,
            },
            child,
        );
        this.instanceRole = new SnapshotInstanceRole(
            childName(name, "instance"),
            {
                scope,
                environment: spec.name,
                engine: spec.engine,
                logging: spec.logging,
                existingRoleName: args.existingInstanceRoleName,
                tags,
            },
            child,
        );
        if (spec.existingInstanceRoleNames) {
            const policyArn = existingRolesPolicyArn(scope.partition, spec.accountId, spec.name);
            attachToExistingRoles(childName(name, "instance"), spec.existingInstanceRoleNames, policyArn, child);
        }
        this.taskRole = new MaintenanceWindowTaskRole(
            childName(name, "task"),
            {
                scope,
                environment: spec.name,
                documentName: this.document.document.name,
                targetTags: spec.targetTags,
                notificationTopicArn: spec.notifications?.snsTopicArn,
                tags,
            },
            child,
        );
        const notificationRole = this.taskRole.notificationRole;
        this.window = new BackupWindow(
            childName(name, "backup"),
            {
                description: `vss-fleet ${spec.name}: daily VSS snapshots (${spec.engine}).`,
                schedule: spec.schedule,
                scheduleTimezone: spec.scheduleTimezone,
                scheduleOffset: spec.scheduleOffset,
                durationHours: spec.durationHours,
                cutoffHours: spec.cutoffHours,
                targetTags: spec.targetTags,
                documentName: this.document.document.name,
                documentVersion: this.document.latestVersion,
                documentParameters: this.document.taskParameters,
                taskRoleArn: this.taskRole.role.arn,
                // Unset: the plan or the driver derived none either (see FALLBACK_RATE_CONTROL).
                maxConcurrency: spec.maxConcurrency ?? FALLBACK_RATE_CONTROL.maxConcurrency,
                maxErrors: spec.maxErrors ?? FALLBACK_RATE_CONTROL.maxErrors,
                logging: spec.logging,
                logRetentionDays: spec.logRetentionDays,
                notifications:
                    spec.notifications?.snsTopicArn && notificationRole
                        ? { snsTopicArn: spec.notifications.snsTopicArn, events: spec.notifications.events, roleArn: notificationRole.arn }
                        : undefined,
                priority: SNAPSHOT_TASK_PRIORITY,
                tags,
            },
            child,
        );

        if (lifecycleEnabled(spec)) {
            this.lifecycle = new SnapshotLifecycle(
                childName(name, "lifecycle"),
                {
                    scope,
                    settings: lifecycleSettingsOf(spec, fleet),
                    windowId: this.window.window.id,
                    snapshotTaskPriority: SNAPSHOT_TASK_PRIORITY,
                    taskRoleName: this.taskRole.role.name,
                    taskRoleArn: this.taskRole.role.arn,
                    documentName: this.document.document.name,
                    logRetentionDays: spec.logRetentionDays,
                    alertTopicKmsKeyArn: spec.alertTopicKmsKeyArn,
                    reservedConcurrency: spec.lifecycleReservedConcurrency,
                    deadManHours: deadManHours(spec),
                    subscriptions: spec.notifications?.subscriptions,
                    tags,
                },
                child,
            );
        }
        recycleBinRule(childName(name, "recycle-bin"), spec.name, spec.recycleBinDays, tags, child);

        this.windowId = this.window.window.id;
        this.documentName = this.document.document.name;
        this.instanceRoleName = this.instanceRole.roleName;
        this.instanceProfileName = this.instanceRole.instanceProfile?.name ?? pulumi.output(undefined);
        this.taskRoleArn = this.taskRole.role.arn;
        this.targetTags = spec.targetTags;
        this.alertTopicArn = this.lifecycle?.alertTopicArn ?? pulumi.output(undefined);
        this.lifecycleFunctionName = this.lifecycle?.function.name ?? pulumi.output(undefined);
        this.registerOutputs({
            windowId: this.windowId,
            documentName: this.documentName,
            instanceRoleName: this.instanceRoleName,
            instanceProfileName: this.instanceProfileName,
            taskRoleArn: this.taskRoleArn,
            targetTags: this.targetTags,
            alertTopicArn: this.alertTopicArn,
            lifecycleFunctionName: this.lifecycleFunctionName,
        });
    }
}
