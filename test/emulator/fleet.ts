/**
 * A simulated fleet on the emulator, and the parts of AWS the emulator does not run by itself: the
 * maintenance window's scheduler and the SSM agent executing each engine's document. Snapshots are
 * made the way each engine makes them (components/document/), through the real EC2 API:
 * - aws-vss: AWSEC2-CreateVssSnapshot takes ONE CreateSnapshots of the instance with the document's
 *   `description` ("vss-fleet <fleet>/<environment>") and `tags`, AWS's AwsVssConfig (the snapshot set)
 *   and, once VSS reports the freeze held, Device and AppConsistent=true on each snapshot.
 * - diskshadow: VssFleetSnapshot.ps1 takes ONE CreateSnapshots with description
 *   "vss-fleet <environment> <shadow set id>", the document's tags plus vss-fleet:instance-id,
 *   vss-fleet:shadow-set-id, vss-fleet:volume-paths and vss-fleet:consistency, CopyTagsFromSource volume.
 */
import { randomUUID } from "crypto";
import {
    AttachVolumeCommand,
    CreateSnapshotsCommand,
    CreateTagsCommand,
    CreateVolumeCommand,
    DetachVolumeCommand,
    EC2Client,
    RunInstancesCommand,
    type Tag,
} from "@aws-sdk/client-ec2";
import {
    CreateDocumentCommand,
    CreateMaintenanceWindowCommand,
    RegisterTargetWithMaintenanceWindowCommand,
    RegisterTaskWithMaintenanceWindowCommand,
    SendCommandCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { awsVssDocument } from "../../components/document/awsVss";
import { diskshadowDocument } from "../../components/document/diskshadow";
import type { CommandDocument } from "../../components/document/types";
import { resourceTags, tagTargets } from "../../components/naming";
import type { EnvironmentSpec } from "../../core/environment";
import type { Emulator } from "./server";

/** moto's Windows Server image (Platform "windows"); ami-1e749f67 is an Ubuntu one. */
export const WINDOWS_AMI = "ami-12c6146b";
export const LINUX_AMI = "ami-1e749f67";

export interface SimVolume {
    readonly volumeId: string;
    readonly device: string;
}

export interface SimInstance {
    readonly instanceId: string;
    readonly name: string;
    readonly availabilityZone: string;
    /** Attached volumes, root first; the month adds and detaches some. */
    volumes: SimVolume[];
}

const tagList = (tags: Readonly<Record<string, string>>): (Tag & { Key: string; Value: string })[] =>
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** A Windows instance with its root volume and `dataVolumes` more, tagged `tags`. */
export async function launchWindows(
    ec2: EC2Client,
    options: { name: string; availabilityZone: string; tags: Readonly<Record<string, string>>; dataVolumes: number; imageId?: string },
): Promise<SimInstance> {
    const run = await ec2.send(
        new RunInstancesCommand({
            ImageId: options.imageId ?? WINDOWS_AMI,
            MinCount: 1,
            MaxCount: 1,
            InstanceType: "m5.large",
            Placement: { AvailabilityZone: options.availabilityZone },
            TagSpecifications: [{ ResourceType: "instance", Tags: tagList({ Name: options.name, ...options.tags }) }],
        }),
    );
    const described = run.Instances?.[0];
    const root = described?.BlockDeviceMappings?.[0];
    if (!described?.InstanceId || !root?.DeviceName || !root.Ebs?.VolumeId) {
        throw new Error(`RunInstances returned no instance with a root volume: ${JSON.stringify(run.Instances)}`);
    }
    const instance: SimInstance = {
        instanceId: described.InstanceId,
        name: options.name,
        availabilityZone: options.availabilityZone,
        volumes: [{ volumeId: root.Ebs.VolumeId, device: root.DeviceName }],
    };
    for (let i = 0; i < options.dataVolumes; i++) {
        await addVolume(ec2, instance);
    }
    return instance;
}

/** Creates and attaches one more data volume (xvdf, xvdg, ...). */
export async function addVolume(ec2: EC2Client, instance: SimInstance): Promise<SimVolume> {
    const device = `xvd${String.fromCharCode("f".charCodeAt(0) + instance.volumes.length - 1)}`;
    const created = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: instance.availabilityZone, Size: 20, VolumeType: "gp3" }));
    await ec2.send(new AttachVolumeCommand({ VolumeId: created.VolumeId, InstanceId: instance.instanceId, Device: device }));
    const volume = { volumeId: created.VolumeId ?? "", device };
    instance.volumes.push(volume);
    return volume;
}

export async function detachVolume(ec2: EC2Client, instance: SimInstance, volumeId: string): Promise<void> {
    await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: instance.instanceId }));
    instance.volumes = instance.volumes.filter((v) => v.volumeId !== volumeId);
}

export interface SimEnvironment {
    readonly spec: EnvironmentSpec;
    readonly fleet: string;
    readonly documentName: string;
    readonly windowId: string;
    /** aws-vss: the document's `description` parameter, written on every snapshot. */
    readonly description: string;
    /** What the document hands the engine: the tags every snapshot carries (see documentTags). */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The tags the document hands its engine: the default of its `tags` (aws-vss) or `Tags`
 * (diskshadow) parameter, in AWSEC2-CreateVssSnapshot's Key=k,Value=v;... format. Read from the
 * built document, so the simulation follows whatever the document writes.
 */
export function documentTags(document: CommandDocument): Record<string, string> {
    const text = (document.parameters.tags ?? document.parameters.Tags)?.default ?? "";
    return Object.fromEntries(
        text.split(";").map((pair) => {
            const match = /^Key=([^,]+),Value=(.*)$/.exec(pair);
            if (!match) {
                throw new Error(`the document's tags are not Key=k,Value=v pairs: '${pair}'`);
            }
            return [match[1], match[2]];
        }),
    );
}

/** What SSM fills in before the agent sees a parameter: the target's instance id. */
function forInstance(tags: Readonly<Record<string, string>>, instanceId: string): Record<string, string> {
    return Object.fromEntries(
        Object.entries(tags).map(([k, v]) => [k, v.replace(/\{\{\s*(RESOURCE_ID|TARGET_ID|INSTANCE_ID)\s*\}\}/g, instanceId)]),
    );
}

/**
 * The environment's SSM document (built by the component), maintenance window, tag target and
 * Run Command task, as the stack creates them (components/backupWindow.ts), with its resource tags.
 */
export async function deployEnvironment(ssm: SSMClient, spec: EnvironmentSpec, fleet: string): Promise<SimEnvironment> {
    const context = { environment: spec.name, fleet, engine: spec.engine, vss: spec.vss, snapshotTags: spec.snapshotTags };
    const document = spec.engine === "diskshadow" ? diskshadowDocument(context) : awsVssDocument(context);
    const documentName = `${spec.name}-vss-snapshot`;
    const Tags = tagList(resourceTags(spec.name, fleet));
    await ssm.send(new CreateDocumentCommand({ Name: documentName, Content: JSON.stringify(document), DocumentType: "Command", Tags }));
    const window = await ssm.send(
        new CreateMaintenanceWindowCommand({
            Name: `${spec.name}-vss-backup`,
            Schedule: spec.schedule,
            ScheduleTimezone: spec.scheduleTimezone,
            Duration: spec.durationHours,
            Cutoff: spec.cutoffHours,
            AllowUnassociatedTargets: false,
            Tags,
        }),
    );
    const windowId = window.WindowId ?? "";
    const targets = tagTargets(spec.targetTags).map((t) => ({ Key: t.key, Values: t.values }));
    const target = await ssm.send(
        new RegisterTargetWithMaintenanceWindowCommand({ WindowId: windowId, ResourceType: "INSTANCE", Targets: targets }),
    );
    await ssm.send(
        new RegisterTaskWithMaintenanceWindowCommand({
            WindowId: windowId,
            TaskType: "RUN_COMMAND",
            TaskArn: documentName,
            Priority: 1,
            Targets: [{ Key: "WindowTargetIds", Values: [target.WindowTargetId ?? ""] }],
            MaxConcurrency: spec.maxConcurrency,
            MaxErrors: spec.maxErrors,
        }),
    );
    const description = document.parameters.description?.default ?? "";
    return { spec, fleet, documentName, windowId, tags: documentTags(document), description };
}

/** What the agent does with one instance in one run. */
export type AgentFault =
    /** The document fails before any snapshot (e.g. AwsVssComponents would not install). */
    | "fail"
    /** Snapshots are made but EBS keeps them pending (the harness holds their state). */
    | "pending";

export interface AgentResult {
    readonly instanceId: string;
    readonly snapshotIds: string[];
    /** The set's grouping value (AwsVssConfig or shadow set id); undefined when nothing was made. */
    readonly setKey?: string;
    readonly volumeIds: string[];
}

/** Plays the SSM agent running the environment's document on one instance. */
export async function runDocument(
    ec2: EC2Client,
    env: SimEnvironment,
    instance: SimInstance,
    fault: AgentFault | undefined,
    emulator: Emulator,
): Promise<AgentResult> {
    if (fault === "fail") {
        return { instanceId: instance.instanceId, snapshotIds: [], volumeIds: [] };
    }
    const excludeBootVolume = env.spec.vss.excludeBootVolume;
    let setKey: string;
    let created;
    if (env.spec.engine === "diskshadow") {
        setKey = `{${randomUUID()}}`;
        const paths = instance.volumes.map((_, i) => (i === 0 ? "C:\\" : `${String.fromCharCode(68 + i - 1)}:\\`)).join(",");
        created = await ec2.send(
            new CreateSnapshotsCommand({
                InstanceSpecification: { InstanceId: instance.instanceId, ExcludeBootVolume: excludeBootVolume },
                Description: `vss-fleet ${env.spec.name} ${setKey}`,
                CopyTagsFromSource: "volume",
                TagSpecifications: [
                    {
                        ResourceType: "snapshot",
                        Tags: tagList({
                            ...forInstance(env.tags, instance.instanceId),
                            "vss-fleet:instance-id": instance.instanceId,
                            "vss-fleet:shadow-set-id": setKey,
                            "vss-fleet:volume-paths": paths,
                            "vss-fleet:consistency": "crash-consistent-volume;app-consistent-shadow-copy",
                        }),
                    },
                ],
            }),
        );
    } else {
        // AwsVssConfig: AWS documents that it carries the AwsVssComponents version and the snapshot set id.
        setKey = `AwsVssComponents=2.3.1;SnapshotSetId=${randomUUID()}`;
        created = await ec2.send(
            new CreateSnapshotsCommand({
                InstanceSpecification: { InstanceId: instance.instanceId, ExcludeBootVolume: excludeBootVolume },
                Description: env.description,
                TagSpecifications: [
                    { ResourceType: "snapshot", Tags: tagList({ ...forInstance(env.tags, instance.instanceId), AwsVssConfig: setKey }) },
                ],
            }),
        );
    }
    const snapshots = created.Snapshots ?? [];
    if (env.spec.engine === "aws-vss") {
        await Promise.all(
            snapshots.map((snapshot) => {
                const device = instance.volumes.find((v) => v.volumeId === snapshot.VolumeId)?.device ?? "unknown";
                return ec2.send(
                    new CreateTagsCommand({
                        Resources: [snapshot.SnapshotId ?? ""],
                        Tags: tagList({ Device: device, AppConsistent: "true" }),
                    }),
                );
            }),
        );
    }
    const snapshotIds = snapshots.map((s) => s.SnapshotId ?? "");
    if (fault === "pending") {
        await emulator.control("snapshot-state", { snapshotIds, state: "pending" });
    }
    return { instanceId: instance.instanceId, snapshotIds, setKey, volumeIds: snapshots.map((s) => s.VolumeId ?? "") };
}

export interface RunOutcome {
    readonly windowExecutionId: string;
    readonly results: AgentResult[];
}

/**
 * One maintenance-window execution of `instances` (the running targets the window resolves to):
 * Run Command sends the document to them, the agent runs it on each (all at once, inside the
 * window), reports each outcome, and the window's history records the execution with its
 * RUN_COMMAND task and the lifecycle function's LAMBDA task.
 */
export async function runWindow(
    clients: { ec2: EC2Client; ssm: SSMClient },
    emulator: Emulator,
    env: SimEnvironment,
    instances: readonly SimInstance[],
    start: Date,
    faults: ReadonlyMap<string, AgentFault> = new Map(),
): Promise<RunOutcome> {
    const at = (seconds: number) => emulator.control("clock", { now: new Date(start.getTime() + seconds * 1000).toISOString() });
    await at(0);
    // The window resolves its targets itself; `instances` are the running ones it would find.
    const targets = instances.map((i) => i.instanceId);
    const command = await clients.ssm.send(
        new SendCommandCommand({ DocumentName: env.documentName, InstanceIds: targets, MaxConcurrency: "100%", MaxErrors: "100%" }),
    );
    const commandId = command.Command?.CommandId ?? "";
    // MaxConcurrency 100%: every agent runs the document at once, a minute into the window.
    await at(60);
    const results = await Promise.all(instances.map((i) => runDocument(clients.ec2, env, i, faults.get(i.instanceId), emulator)));
    await emulator.control("command-outcome", {
        commandId,
        outcomes: targets.map((instanceId) => {
            const status = faults.get(instanceId) === "fail" ? "Failed" : "Success";
            return { instanceId, status, statusDetails: status };
        }),
    });
    const { windowExecutionId } = await emulator.control<{ windowExecutionId: string }>("window-executions", {
        region: env.spec.region,
        windowId: env.windowId,
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + 45 * 60_000).toISOString(),
        tasks: [
            { taskArn: env.documentName, taskType: "RUN_COMMAND", commandId },
            { taskArn: `arn:aws:lambda:${env.spec.region}:123456789012:function:${env.spec.name}-lifecycle-fn`, taskType: "LAMBDA" },
        ],
    });
    return { windowExecutionId, results };
}
