/**
 * What the function reads about an environment: the instances its window targets (by the same tags)
 * and their snapshot sets with the evidence of where they came from. Every Describe call is filtered
 * on the server and paginated.
 */
import { EC2Client, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { paginateDescribeMaintenanceWindowExecutions, SSMClient } from "@aws-sdk/client-ssm";
import { describeAttachments, describeEnvironmentSnapshots, describeVolumesById } from "../../core/lifecycle/awsShapes";
import {
    judgeSets,
    snapshotVolumeIds,
    untrustedSets,
    type ProvenanceEvidence,
    type WindowExecution,
} from "../../core/lifecycle/provenance";
import { snapshotSets, untiedSnapshots, type SnapshotRecord, type SnapshotSet } from "../../core/lifecycle/sets";
import type { LifecycleConfig } from "../../core/lifecycle/functionConfig";
import { readRun, type RunRecord } from "./runVerification";

/**
 * At most this many older executions are read per invocation to judge sets of instances the
 * environment does not target (four or five SSM calls each); the rest stay unproven until a later run.
 */
const EXECUTIONS_READ_PER_RUN = 5;

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

/** What instanceSets found: each instance's judged sets, and the snapshots no evidence ties to any instance. */
export interface EnvironmentSets {
    readonly sets: Map<string, SnapshotSet[]>;
    /** This environment's and fleet's tags and a set id, but no instance: never judged, never deleted, counted. */
    readonly untied: SnapshotRecord[];
}

/**
 * Each instance's snapshot sets (newest first), from this environment's snapshots only, each judged
 * for provenance: the volumes the snapshots came from are read wherever they are attached, and the
 * window's execution history dates them. `run` (this run's command invocations) and, for sets of an
 * instance the environment does not target, the invocations of the execution that dates them, tell
 * an instance that left the fleet (its sets stay unproven) from tags written on someone else's
 * snapshot (contradicted: the window never ran on that instance then).
 */
export async function instanceSets(
    clients: { readonly ec2: EC2Client; readonly ssm: SSMClient },
    config: LifecycleConfig,
    instances: readonly FleetInstance[],
    now: Date,
    run?: Pick<RunRecord, "windowExecutionId" | "outcomes">,
): Promise<EnvironmentSets> {
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
    const targets = new Map<string, ReadonlySet<string>>(run ? [[run.windowExecutionId, new Set(run.outcomes.keys())]] : []);
    const evidence: ProvenanceEvidence = {
        environment: config.environment,
        fleet: config.fleet,
        instanceIds: new Set(instances.map((i) => i.instanceId)),
        attachments,
        knownVolumeIds: new Set([...known, ...others.knownVolumeIds]),
        executions,
        executionTargets: targets,
        now,
    };
    let judged = judgeSets(sets, evidence);
    const unread = [
        ...new Set(
            untrustedSets(judged)
                .filter((s) => !evidence.instanceIds.has(s.instanceId))
                .map((s) => s.provenance?.windowExecutionId)
                .filter((id): id is string => id !== undefined && !targets.has(id)),
        ),
    ].slice(0, EXECUTIONS_READ_PER_RUN);
    for (const id of unread) {
        try {
            targets.set(id, new Set((await readRun(clients.ssm, id)).outcomes.keys()));
        } catch {
            // Unreadable (SSM has dropped it, or a throttle): the set stays unproven, which deletes nothing.
        }
    }
    if (unread.length > 0) {
        judged = judgeSets(sets, evidence);
    }
    return { sets: judged, untied: untiedSnapshots(snapshots, attachments, { environment: config.environment, fleet: config.fleet }) };
}
