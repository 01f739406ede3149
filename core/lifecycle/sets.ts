/**
 * Snapshot sets. A set is the snapshots of ONE instance's attached EBS volumes from ONE run:
 * - aws-vss: the snapshots that share one AwsVssConfig value (AWS documents that this tag "includes
 *   meta information such as the AwsVssComponents version, and the Snapshot Set ID"; we compare the
 *   value, we do not parse it). Success is AppConsistent=true on each snapshot.
 * - diskshadow: the snapshots that share vss-fleet:shadow-set-id (DISKSHADOW's own set id); the
 *   vss-fleet:consistency tag says the application-consistent state is the shadow copy inside.
 * Only snapshots tagged with the environment count, so other tools' snapshots of the same volumes are
 * ignored. A set is GOOD when every volume expected for it has a completed snapshot in it and every
 * snapshot carries its engine's consistency mark.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { Provenance } from "./provenance";

export interface SnapshotRecord {
    readonly snapshotId: string;
    readonly volumeId: string;
    readonly startTime: Date;
    /** pending | completed | error | recoverable | recovering */
    readonly state: string;
    /** The snapshot's description (part of its provenance: each engine writes its own). */
    readonly description?: string;
    /** standard | archive, when DescribeSnapshots said (verify lists it per good set). */
    readonly storageTier?: string;
    readonly tags: Readonly<Record<string, string>>;
}

export interface Attachment {
    readonly volumeId: string;
    readonly instanceId: string;
    readonly device: string;
    readonly attachTime: Date;
}

export interface SnapshotSet {
    readonly key: string;
    readonly instanceId: string;
    readonly startTime: Date;
    readonly snapshots: SnapshotRecord[];
    readonly missingVolumes: string[];
    readonly problems: string[];
    readonly good: boolean;
    /** Not good yet only because some snapshots are still pending: EBS is still copying, nothing failed. */
    readonly completing: boolean;
    /** Set by judgeSets (provenance.ts): whether the evidence proves the set is this environment's. */
    readonly provenance?: Provenance;
}

/** The tag that groups a run's snapshots into a set, per engine. */
function setKey(snapshot: SnapshotRecord): string | undefined {
    return snapshot.tags["vss-fleet:shadow-set-id"] ?? snapshot.tags.AwsVssConfig;
}

function consistencyProblem(snapshot: SnapshotRecord): string | undefined {
    if (snapshot.state !== "completed") {
        return `${snapshot.snapshotId} (${snapshot.volumeId}) is ${snapshot.state}`;
    }
    const diskshadow = snapshot.tags["vss-fleet:engine"] === "diskshadow";
    const consistent = diskshadow ? snapshot.tags["vss-fleet:consistency"] !== undefined : snapshot.tags.AppConsistent === "true";
    return consistent
        ? undefined
        : `${snapshot.snapshotId} (${snapshot.volumeId}) lacks ${diskshadow ? "vss-fleet:consistency" : "AppConsistent=true"}`;
}

export interface SetOptions {
    readonly environment: string;
    /** Leave the instance's root device out of what a set must cover. */
    readonly excludeBootVolume: boolean;
    readonly rootDeviceOf: (instanceId: string) => string | undefined;
}

/**
 * Snapshots by their environment tag, built once per snapshot list: verify asks once per environment
 * of the same list. Rebuilt if the list has grown or shrunk since (callers do not change it in place).
 */
const byEnvironment = new WeakMap<readonly SnapshotRecord[], { length: number; index: Map<string | undefined, SnapshotRecord[]> }>();

function snapshotsOf(snapshots: readonly SnapshotRecord[], environment: string): readonly SnapshotRecord[] {
    let cached = byEnvironment.get(snapshots);
    if (cached?.length !== snapshots.length) {
        cached = { length: snapshots.length, index: new Map() };
        for (const snapshot of snapshots) {
            const env = snapshot.tags[ENVIRONMENT_TAG_KEY];
            const list = cached.index.get(env);
            if (list) {
                list.push(snapshot);
            } else {
                cached.index.set(env, [snapshot]);
            }
        }
        byEnvironment.set(snapshots, cached);
    }
    return cached.index.get(environment) ?? [];
}

/**
 * Snapshots with this environment's and fleet's tags and a set id that neither a
 * `vss-fleet:instance-id` tag nor an attached volume ties to an instance, so snapshotSets leaves them
 * out: copies made by CopySnapshot (whose volume id is a placeholder), snapshots of volumes since
 * deleted or detached, or tags written on someone else's snapshot. Counted, never judged or deleted.
 */
export function untiedSnapshots(
    snapshots: readonly SnapshotRecord[],
    attachments: readonly Attachment[],
    owner: { readonly environment: string; readonly fleet: string },
): SnapshotRecord[] {
    const attached = new Set(attachments.map((a) => a.volumeId));
    return snapshotsOf(snapshots, owner.environment).filter(
        (s) =>
            s.tags[FLEET_TAG_KEY] === owner.fleet &&
            setKey(s) !== undefined &&
            s.tags["vss-fleet:instance-id"] === undefined &&
            !attached.has(s.volumeId),
    );
}

/** The sets of each instance, newest first. */
export function snapshotSets(
    snapshots: readonly SnapshotRecord[],
    attachments: readonly Attachment[],
    options: SetOptions,
): Map<string, SnapshotSet[]> {
    const attachmentOf = new Map(attachments.map((a) => [a.volumeId, a]));
    // Each instance's attachments, in input order, so a run looks at its own instance's volumes only.
    const attachmentsOf = new Map<string, Attachment[]>();
    for (const attachment of attachments) {
        const list = attachmentsOf.get(attachment.instanceId);
        if (list) {
            list.push(attachment);
        } else {
            attachmentsOf.set(attachment.instanceId, [attachment]);
        }
    }
    const runs = new Map<string, SnapshotRecord[]>();
    // Only snapshots tagged with this environment: not another tool's, not another environment's.
    for (const snapshot of snapshotsOf(snapshots, options.environment)) {
        const key = setKey(snapshot);
        if (!key) {
            continue; // a snapshot that belongs to no run of ours
        }
        const instanceId = snapshot.tags["vss-fleet:instance-id"] ?? attachmentOf.get(snapshot.volumeId)?.instanceId;
        if (!instanceId) {
            continue; // a detached volume's snapshot cannot be tied to an instance
        }
        const runKey = `${instanceId}\u0000${key}`;
        const members = runs.get(runKey);
        if (members) {
            members.push(snapshot);
        } else {
            runs.set(runKey, [snapshot]);
        }
    }
    const byInstance = new Map<string, SnapshotSet[]>();
    for (const [runKey, members] of runs) {
        const [instanceId, key] = runKey.split("\u0000");
        const startTime = new Date(members.reduce((min, m) => Math.min(min, m.startTime.getTime()), Infinity));
        const root = options.rootDeviceOf(instanceId);
        // What the run should have covered: the volumes attached then, minus a deliberately excluded boot volume.
        const expected = (attachmentsOf.get(instanceId) ?? []).filter(
            (a) => a.attachTime <= startTime && !(options.excludeBootVolume && root !== undefined && a.device === root),
        );
        const covered = new Set(members.map((m) => m.volumeId));
        const missingVolumes = expected.filter((a) => !covered.has(a.volumeId)).map((a) => a.volumeId);
        const problems = [
            ...members.map(consistencyProblem).filter((p): p is string => p !== undefined),
            ...missingVolumes.map((v) => `no snapshot of ${v}`),
        ];
        const pending = members.filter((m) => m.state === "pending").length;
        const set: SnapshotSet = {
            key,
            instanceId,
            startTime,
            snapshots: members,
            missingVolumes,
            problems,
            good: problems.length === 0,
            completing: pending > 0 && problems.length === pending,
        };
        const sets = byInstance.get(instanceId);
        if (sets) {
            sets.push(set);
        } else {
            byInstance.set(instanceId, [set]);
        }
    }
    for (const sets of byInstance.values()) {
        sets.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    }
    return byInstance;
}
