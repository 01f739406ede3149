/**
 * Restore drills: prove that the newest good set of a rotating sample of instances turns into
 * volumes. For each picked instance: create one volume per snapshot in the instance's Availability
 * Zone, wait until all are available, record the time, delete them. Every volume is tagged at
 * creation (the IAM policy insists) with the run's id, and each CreateVolume is recorded on the
 * snapshot it restores (run id and volume id, from the response): a crash leaves only volumes that
 * the next drill can prove it made, and sweeps. A tag alone proves nothing, as anyone may write it.
 */
import {
    CreateTagsCommand,
    CreateVolumeCommand,
    DeleteVolumeCommand,
    DescribeVolumesCommand,
    EC2Client,
    paginateDescribeVolumes,
} from "@aws-sdk/client-ec2";
import { describeEnvironmentSnapshots } from "../../core/lifecycle/awsShapes";
import type { SnapshotSet } from "../../core/lifecycle/sets";
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import {
    DRILL_RESULT_TAG_KEY,
    DRILL_RUN_TAG_KEY,
    DRILL_TAG_KEY,
    DRILL_VOLUME_TAG_KEY,
    DRILLED_AT_TAG_KEY,
} from "../../core/lifecycle/functionConfig";
import type { FleetInstance } from "./fleetInstances";
import type { Failure, Metric } from "./report";

export interface DrillPick {
    readonly instance: FleetInstance;
    readonly set: SnapshotSet;
}

function lastDrilled(sets: readonly SnapshotSet[]): string {
    const stamps = sets.flatMap((s) => s.snapshots.map((snap) => snap.tags[DRILLED_AT_TAG_KEY] ?? ""));
    return stamps.reduce((a, b) => (a > b ? a : b), "");
}

/**
 * The rotation: instances with a good set, least recently drilled first (never drilled before all),
 * then by instance id. The drill stamps live on the snapshots, so no state store is needed.
 */
export function drillPicks(
    instances: readonly FleetInstance[],
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    count: number,
    /**
     * Snapshots a drill volume still exists for (a drill running, or one that crashed and is not swept
     * yet). Their sets are not drilled again now: a new drill would overwrite the record on those
     * snapshots that the sweep needs to prove which leftover volumes are ours.
     */
    busySnapshots: ReadonlySet<string> = new Set(),
): DrillPick[] {
    const free = (set: SnapshotSet) => !set.snapshots.some((s) => busySnapshots.has(s.snapshotId));
    return instances
        .map((instance) => {
            const sets = setsByInstance.get(instance.instanceId) ?? [];
            return { instance, sets, set: sets.find((s) => s.good && free(s)), last: lastDrilled(sets) };
        })
        .filter((c): c is typeof c & { set: SnapshotSet } => c.set !== undefined)
        .sort((a, b) => a.last.localeCompare(b.last) || a.instance.instanceId.localeCompare(b.instance.instanceId))
        .slice(0, count)
        .map(({ instance, set }) => ({ instance, set }));
}

export interface DrillIdentity {
    readonly environment: string;
    readonly fleet: string;
    /** drill-<time>-<token>: the token is random per run, so no other party can predict it. */
    readonly runId: string;
    /** The run's random token: with the snapshot id, each CreateVolume's ClientToken (idempotent retries). */
    readonly token: string;
}

/** Tags on every drill volume: whose it is (IAM keys on DRILL_TAG_KEY) and which run made it. */
export function drillVolumeTags(identity: DrillIdentity, instanceId: string): { Key: string; Value: string }[] {
    return [
        { Key: DRILL_TAG_KEY, Value: identity.environment },
        { Key: DRILL_RUN_TAG_KEY, Value: identity.runId },
        { Key: ENVIRONMENT_TAG_KEY, Value: identity.environment },
        { Key: FLEET_TAG_KEY, Value: identity.fleet },
        { Key: "Name", Value: `vss-fleet restore drill of ${instanceId}` },
    ];
}

export interface DrillTiming {
    /** When waiting for volumes must stop (epoch ms)... */
    readonly deadline: number;
    /** ...and when clean-up must stop waiting for volumes to leave "creating" (a little later). */
    readonly cleanupDeadline: number;
    readonly pollMs: number;
    readonly clock: () => number;
    readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Each volume's state; "missing" for one EC2 does not show yet. EC2 is eventually consistent: a
 * volume created a moment ago can be absent from DescribeVolumes, or fail it with InvalidVolume.NotFound.
 */
async function volumeStates(ec2: EC2Client, volumeIds: readonly string[]): Promise<Map<string, string>> {
    const states = new Map(volumeIds.map((id) => [id, "missing"]));
    try {
        const { Volumes = [] } = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [...volumeIds] }));
        for (const volume of Volumes) {
            if (volume.VolumeId && volume.State) {
                states.set(volume.VolumeId, volume.State);
            }
        }
    } catch (error) {
        if (!(error instanceof Error && error.name === "InvalidVolume.NotFound")) {
            throw error;
        }
    }
    return states;
}

/** Waits until every volume is available; a volume in state error fails at once. */
async function waitAvailable(ec2: EC2Client, volumeIds: readonly string[], timing: DrillTiming): Promise<void> {
    for (;;) {
        const states = await volumeStates(ec2, volumeIds);
        const broken = volumeIds.filter((id) => states.get(id) === "error");
        if (broken.length > 0) {
            throw new Error(`volume ${broken.join(", ")} went into state error`);
        }
        if (volumeIds.every((id) => states.get(id) === "available")) {
            return;
        }
        if (timing.clock() + timing.pollMs > timing.deadline) {
            throw new Error(`volumes were not available before the function's deadline`);
        }
        await timing.sleep(timing.pollMs);
    }
}

/** DeleteVolume refuses a volume that is still "creating": wait for it to settle, until the clean-up deadline. */
async function waitSettled(ec2: EC2Client, volumeIds: readonly string[], timing: DrillTiming): Promise<void> {
    for (;;) {
        const states = await volumeStates(ec2, volumeIds).catch(() => undefined);
        const unsettled = !states || volumeIds.some((id) => ["creating", "missing"].includes(states.get(id) ?? "missing"));
        if (!unsettled || timing.clock() + timing.pollMs > timing.cleanupDeadline) {
            return;
        }
        await timing.sleep(timing.pollMs);
    }
}

/** The drill's record of a volume it created, on the snapshot it restores: what the sweep trusts. */
async function recordCreation(ec2: EC2Client, identity: DrillIdentity, snapshotId: string, volumeId: string, problems: string[]) {
    try {
        await ec2.send(
            new CreateTagsCommand({
                Resources: [snapshotId],
                Tags: [
                    { Key: DRILL_RUN_TAG_KEY, Value: identity.runId },
                    { Key: DRILL_VOLUME_TAG_KEY, Value: volumeId },
                ],
            }),
        );
    } catch (error) {
        problems.push(
            `could not record drill volume ${volumeId} on ${snapshotId} (${message(error)}); if this run crashes, delete it by hand`,
        );
    }
}

export interface DrillResult {
    readonly instanceId: string;
    readonly setKey: string;
    readonly ok: boolean;
    readonly durationSeconds?: number;
    readonly problems: string[];
    /** Drill volumes that could not be deleted (the next drill's sweep retries them). */
    readonly leftoverVolumeIds: string[];
}

const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export async function drillInstance(ec2: EC2Client, identity: DrillIdentity, pick: DrillPick, timing: DrillTiming): Promise<DrillResult> {
    const { instance, set } = pick;
    const created: string[] = [];
    const problems: string[] = [];
    const started = timing.clock();
    let durationSeconds: number | undefined;
    try {
        for (const snapshot of set.snapshots) {
            const volume = await ec2.send(
                new CreateVolumeCommand({
                    SnapshotId: snapshot.snapshotId,
                    AvailabilityZone: instance.availabilityZone,
                    VolumeType: "gp3",
                    ClientToken: `${identity.token}-${snapshot.snapshotId}`,
                    TagSpecifications: [{ ResourceType: "volume", Tags: drillVolumeTags(identity, instance.instanceId) }],
                }),
            );
            if (volume.VolumeId) {
                created.push(volume.VolumeId);
                await recordCreation(ec2, identity, snapshot.snapshotId, volume.VolumeId, problems);
            }
        }
        await waitAvailable(ec2, created, timing);
        durationSeconds = Math.round((timing.clock() - started) / 100) / 10;
    } catch (error) {
        problems.push(`restore failed: ${message(error)}`);
    }
    // Clean up whatever was created, whether the drill worked or not.
    const leftoverVolumeIds: string[] = [];
    if (durationSeconds === undefined && created.length > 0) {
        await waitSettled(ec2, created, timing);
    }
    for (const volumeId of created) {
        try {
            await ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
        } catch (error) {
            leftoverVolumeIds.push(volumeId);
            problems.push(`could not delete drill volume ${volumeId} (${message(error)}); the next drill retries`);
        }
    }
    const ok = durationSeconds !== undefined;
    try {
        await ec2.send(
            new CreateTagsCommand({
                Resources: set.snapshots.map((s) => s.snapshotId),
                Tags: [
                    { Key: DRILLED_AT_TAG_KEY, Value: new Date(started).toISOString() },
                    { Key: DRILL_RESULT_TAG_KEY, Value: ok ? "restored" : "failed" },
                ],
            }),
        );
    } catch (error) {
        problems.push(`could not record the drill on the snapshots (${message(error)})`);
    }
    return {
        instanceId: instance.instanceId,
        setKey: set.key,
        ok,
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
        problems,
        leftoverVolumeIds,
    };
}

/** No invocation lives longer than Lambda's 15 minutes, so an hour-old drill volume belongs to no running drill. */
const LEFTOVER_AGE_MS = 3_600_000;

export interface SweepOutcome {
    readonly deleted: string[];
    /** Ours by the record, but DeleteVolume failed. */
    readonly stuck: string[];
    /** Tagged as this environment's drill volume, but no drill of this function recorded creating it: left alone. */
    readonly unproven: string[];
    /** The snapshots of every drill volume that still exists after the sweep (young, unproven or stuck). */
    readonly busySnapshots: Set<string>;
}

/**
 * Deletes drill volumes that an earlier, crashed drill left behind, and only those: a volume tagged
 * as a drill volume is deleted when the snapshot it was created from (its SnapshotId, which no tag
 * can change) carries this function's record of that run creating exactly this volume.
 */
export async function sweepLeftovers(ec2: EC2Client, environment: string, now: Date): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { deleted: [], stuck: [], unproven: [], busySnapshots: new Set() };
    const filters = [{ Name: `tag:${DRILL_TAG_KEY}`, Values: [environment] }];
    const candidates: { volumeId: string; snapshotId?: string; runId?: string }[] = [];
    for await (const page of paginateDescribeVolumes({ client: ec2, pageSize: 500 }, { Filters: filters })) {
        for (const volume of page.Volumes ?? []) {
            const created = volume.CreateTime ? new Date(volume.CreateTime).getTime() : 0;
            if (!volume.VolumeId || now.getTime() - created < LEFTOVER_AGE_MS) {
                if (volume.SnapshotId) {
                    outcome.busySnapshots.add(volume.SnapshotId);
                }
                continue; // possibly a drill running right now
            }
            const runId = volume.Tags?.find((t) => t.Key === DRILL_RUN_TAG_KEY)?.Value;
            candidates.push({
                volumeId: volume.VolumeId,
                ...(volume.SnapshotId ? { snapshotId: volume.SnapshotId } : {}),
                ...(runId ? { runId } : {}),
            });
        }
    }
    if (candidates.length === 0) {
        return outcome;
    }
    const records = new Map((await describeEnvironmentSnapshots(ec2, environment)).map((s) => [s.snapshotId, s.tags]));
    for (const candidate of candidates) {
        const record = candidate.snapshotId ? records.get(candidate.snapshotId) : undefined;
        const proven =
            candidate.runId !== undefined &&
            record?.[DRILL_RUN_TAG_KEY] === candidate.runId &&
            record[DRILL_VOLUME_TAG_KEY] === candidate.volumeId;
        if (!proven) {
            outcome.unproven.push(candidate.volumeId);
        } else {
            try {
                await ec2.send(new DeleteVolumeCommand({ VolumeId: candidate.volumeId }));
                outcome.deleted.push(candidate.volumeId);
                continue;
            } catch {
                outcome.stuck.push(candidate.volumeId);
            }
        }
        if (candidate.snapshotId) {
            outcome.busySnapshots.add(candidate.snapshotId);
        }
    }
    return outcome;
}

/**
 * The sweep each verify-run makes before retention. The proof of a leftover is a record on the
 * snapshot it restored, and retention deletes that snapshot on its own schedule: a drill restores the
 * newest good set, so with a weekly drill and retention.days <= 7 the set goes the night before the
 * next drill, and no drill could prove the leftovers ours again. So every verify-run sweeps first,
 * and holds from retention, for now, every set a drill volume still exists for (`busySnapshots`: a
 * drill running right now, or leftovers too young, stuck or unproven). Only a failed call is reported
 * here; unproven and stuck volumes are the weekly drill's to report, not a daily repeat.
 */
export async function sweepAheadOfRetention(
    ec2: EC2Client,
    environment: string,
    now: Date,
): Promise<{ readonly busySnapshots: ReadonlySet<string>; readonly failures: Failure[]; readonly metrics: Metric[] }> {
    try {
        const swept = await sweepLeftovers(ec2, environment, now);
        return {
            busySnapshots: swept.busySnapshots,
            failures: [],
            metrics: [{ MetricName: "DrillSweptVolumes", Value: swept.deleted.length, Unit: "Count" }],
        };
    } catch (error) {
        // Whether a drill volume exists is unknown: retention goes on, and at worst a leftover whose
        // set it deletes can no longer be proven (the drill then reports it; it is never deleted).
        return {
            busySnapshots: new Set(),
            failures: [{ subject: "drill clean-up", reasons: [`could not look for leftover drill volumes (${message(error)})`] }],
            metrics: [],
        };
    }
}
