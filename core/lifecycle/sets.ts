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
import { ENVIRONMENT_TAG_KEY } from "../environment/tags";

export interface SnapshotRecord {
    readonly snapshotId: string;
    readonly volumeId: string;
    readonly startTime: Date;
    /** pending | completed | error | recoverable | recovering */
    readonly state: string;
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

/** The sets of each instance, newest first. */
export function snapshotSets(
    snapshots: readonly SnapshotRecord[],
    attachments: readonly Attachment[],
    options: SetOptions,
): Map<string, SnapshotSet[]> {
    const attachmentOf = new Map(attachments.map((a) => [a.volumeId, a]));
    const runs = new Map<string, SnapshotRecord[]>();
    for (const snapshot of snapshots) {
        const key = setKey(snapshot);
        const attachment = attachmentOf.get(snapshot.volumeId);
        if (snapshot.tags[ENVIRONMENT_TAG_KEY] !== options.environment || !key) {
            continue; // another tool's snapshot, or one that belongs to no run of ours
        }
        const instanceId = snapshot.tags["vss-fleet:instance-id"] ?? attachment?.instanceId;
        if (!instanceId) {
            continue; // a detached volume's snapshot cannot be tied to an instance
        }
        const runKey = `${instanceId}\u0000${key}`;
        runs.set(runKey, [...(runs.get(runKey) ?? []), snapshot]);
    }
    const byInstance = new Map<string, SnapshotSet[]>();
    for (const [runKey, members] of runs) {
        const [instanceId, key] = runKey.split("\u0000");
        const startTime = new Date(Math.min(...members.map((m) => m.startTime.getTime())));
        const root = options.rootDeviceOf(instanceId);
        // What the run should have covered: the volumes attached then, minus a deliberately excluded boot volume.
        const expected = attachments.filter(
            (a) =>
                a.instanceId === instanceId &&
                a.attachTime <= startTime &&
                !(options.excludeBootVolume && root !== undefined && a.device === root),
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
        byInstance.set(instanceId, [...(byInstance.get(instanceId) ?? []), set]);
    }
    for (const sets of byInstance.values()) {
        sets.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    }
    return byInstance;
}
