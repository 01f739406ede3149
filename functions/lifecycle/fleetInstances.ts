/**
 * What the function reads about an environment: the instances its window targets (by the same tags)
 * and their snapshot sets with the evidence of where they came from. Every Describe call is filtered
 * on the server and paginated.
 */
import { EC2Client, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { paginateDescribeMaintenanceWindowExecutions, SSMClient } from "@aws-sdk/client-ssm";
import { describeAttachments, describeEnvironmentSnapshots, describeVolumesById } from "../../core/lifecycle/awsShapes";
import { judgeSets, snapshotVolumeIds, type WindowExecution } from "../../core/lifecycle/provenance";
import { snapshotSets, type SnapshotSet } from "../../core/lifecycle/sets";
import type { LifecycleConfig } from "../../core/lifecycle/functionConfig";

export interface FleetInstance {
    readonly instanceId: string;
    readonly name?: string;
    /** running | stopped | ... : only running instances can take part in a run. */
    readonly state: string;
    readonly availabilityZone: string;
    readonly launchTime?: Date;
    readonly rootDeviceName?: string;
}

/** The instances carrying all of the window's target tags (what the window resolves its target to). */
export async function targetedInstances(ec2: EC2Client, targetTags: Readonly<Record<string, string>>): Promise<FleetInstance[]> {
    const filters = [
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
        ...Object.entries(targetTags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    ];
    const instances: FleetInstance[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: filters })) {
        for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
            if (!instance.InstanceId || !instance.Placement?.AvailabilityZone) {
                continue;
            }
            const name = instance.Tags?.find((t) => t.Key === "Name")?.Value;
            instances.push({
                instanceId: instance.InstanceId,
                ...(name ? { name } : {}),
                state: instance.State?.Name ?? "unknown",
                availabilityZone: instance.Placement.AvailabilityZone,
                ...(instance.LaunchTime ? { launchTime: new Date(instance.LaunchTime) } : {}),
                ...(instance.RootDeviceName ? { rootDeviceName: instance.RootDeviceName } : {}),
            });
        }
    }
    return instances.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/** The window's execution history, as far back as SSM keeps it (about 30 days). */
export async function windowExecutions(ssm: SSMClient, windowId: string): Promise<WindowExecution[]> {
    const out: WindowExecution[] = [];
    for await (const page of paginateDescribeMaintenanceWindowExecutions({ client: ssm, pageSize: 100 }, { WindowId: windowId })) {
        for (const e of page.WindowExecutions ?? []) {
            if (e.WindowExecutionId && e.StartTime) {
                out.push({ id: e.WindowExecutionId, start: new Date(e.StartTime), ...(e.EndTime ? { end: new Date(e.EndTime) } : {}) });
            }
        }
    }
    return out;
}

/**
 * Each instance's snapshot sets (newest first), from this environment's snapshots only, each judged
 * for provenance: the volumes the snapshots came from are read wherever they are attached, and the
 * window's execution history dates them.
 */
export async function instanceSets(
    clients: { readonly ec2: EC2Client; readonly ssm: SSMClient },
    config: LifecycleConfig,
    instances: readonly FleetInstance[],
    now: Date,
): Promise<Map<string, SnapshotSet[]>> {
    const [fleetVolumes, snapshots, executions] = await Promise.all([
        describeAttachments(
            clients.ec2,
            instances.map((i) => i.instanceId),
        ),
        describeEnvironmentSnapshots(clients.ec2, config.environment),
        windowExecutions(clients.ssm, config.windowId),
    ]);
    const known = new Set(fleetVolumes.map((a) => a.volumeId));
    const others = await describeVolumesById(
        clients.ec2,
        snapshotVolumeIds(snapshots).filter((id) => !known.has(id)),
    );
    const attachments = [...fleetVolumes, ...others.attachments];
    const root = new Map(instances.map((i) => [i.instanceId, i.rootDeviceName]));
    const sets = snapshotSets(snapshots, attachments, {
        environment: config.environment,
        excludeBootVolume: config.excludeBootVolume,
        rootDeviceOf: (id) => root.get(id),
    });
    return judgeSets(sets, {
        environment: config.environment,
        fleet: config.fleet,
        instanceIds: new Set(instances.map((i) => i.instanceId)),
        attachments,
        knownVolumeIds: new Set([...known, ...others.knownVolumeIds]),
        executions,
        now,
    });
}
