/**
 * What the function reads about an environment: the instances its window targets (by the same tags)
 * and their snapshot sets. Every Describe call is filtered on the server and paginated.
 */
import { EC2Client, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { describeAttachments, describeEnvironmentSnapshots } from "../../core/lifecycle/awsShapes";
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

/** Each instance's snapshot sets (newest first), from this environment's snapshots only. */
export async function instanceSets(
    ec2: EC2Client,
    config: LifecycleConfig,
    instances: readonly FleetInstance[],
): Promise<Map<string, SnapshotSet[]>> {
    const [attachments, snapshots] = await Promise.all([
        describeAttachments(
            ec2,
            instances.map((i) => i.instanceId),
        ),
        describeEnvironmentSnapshots(ec2, config.environment),
    ]);
    const root = new Map(instances.map((i) => [i.instanceId, i.rootDeviceName]));
    return snapshotSets(snapshots, attachments, {
        environment: config.environment,
        excludeBootVolume: config.excludeBootVolume,
        rootDeviceOf: (id) => root.get(id),
    });
}
