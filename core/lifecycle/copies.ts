/**
 * Copies of whole good sets to other regions and accounts: what to copy next, and which copied sets
 * a destination holds. Rules:
 * 1. Only GOOD sets are copied, and always whole: every snapshot of the set, or (while a copy is
 *    under way or was interrupted) the rest of them on a later run. A set already partly copied is
 *    resumed before any new set is started.
 * 2. A destination region accepts a limited number of concurrent copies (AWS documents a per-region
 *    quota of concurrent snapshot copies; the default is DEFAULT_CONCURRENT_COPIES). What does not fit
 *    is queued for the next run, never failed. A set is started only when all of its remaining
 *    snapshots fit, so a destination never holds half a set because of the limit, unless one set is
 *    larger than the whole limit (then it starts with what fits and resumes).
 * 3. A copied set is COMPLETE when the destination holds a completed copy of every snapshot of the
 *    source set. The set's size travels on every copy (COPY_SET_SIZE_TAG_KEY), so completeness can be
 *    judged at the destination after the source set is gone.
 * Retention at a destination reuses the set-aware retention planner on copied sets, so "never below
 * minSets good sets" holds there as it does at the source.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { RetentionRule } from "./retention";
import type { SnapshotRecord, SnapshotSet } from "./sets";

/**
 * The per-destination-region quota of concurrent snapshot copies, AWS's default: "There is a limit of
 * 20 concurrent snapshot copy requests per destination Region. If you exceed this quota, you receive a
 * ResourceLimitExceeded error" (Amazon EBS User Guide, "Copy an Amazon EBS snapshot",
 * docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html, checked 2026-11-29). The quota is the
 * calling account's: copies by other environments or AWS Backup into the region count too, so the
 * function also queues on that error (functions/lifecycle/protect.ts).
 */
export const DEFAULT_CONCURRENT_COPIES = 20;

/** On every copy: where it came from, and which set it belongs to. */
export const COPY_SOURCE_SNAPSHOT_TAG_KEY = "vss-fleet:source-snapshot-id";
/** @public (a tag key operators filter copies by; knip misses its use as a computed key) */
export const COPY_SOURCE_REGION_TAG_KEY = "vss-fleet:source-region";
export const COPY_SET_KEY_TAG_KEY = "vss-fleet:set-key";
export const COPY_SET_SIZE_TAG_KEY = "vss-fleet:set-size";
export const COPY_SET_START_TAG_KEY = "vss-fleet:set-start";
export const COPY_INSTANCE_TAG_KEY = "vss-fleet:instance-id";
/** Where a copy lives, <account>/<region>: exports of several destinations can be read together. */
export const COPY_DESTINATION_TAG_KEY = "vss-fleet:copy-destination";

/** A destination's name in messages, tags and JSON: <account>/<region>. */
export function destinationLabel(destination: Pick<CopyDestination, "region" | "accountId">, sourceAccountId: string): string {
    return `${destination.accountId ?? sourceAccountId}/${destination.region}`;
}

export interface CopyDestination {
    readonly region: string;
    /** Another account; absent: the source account. */
    readonly accountId?: string;
    readonly kmsKeyId?: string;
    readonly retention: RetentionRule;
    /** The RPO the destination's newest complete copied set is judged against. */
    readonly rpoHours?: number;
}

/** A copy at a destination, as DescribeSnapshots there shows it. */
export interface CopiedSnapshot {
    readonly snapshotId: string;
    readonly sourceSnapshotId: string;
    readonly setKey: string;
    readonly instanceId: string;
    readonly setSize: number;
    /** The source set's start time (the copy's own StartTime is when the copy began). */
    readonly setStart: Date;
    /** pending | completed | error */
    readonly state: string;
    readonly tags: Readonly<Record<string, string>>;
}

export interface CopyRequest {
    readonly instanceId: string;
    readonly setKey: string;
    readonly setStart: Date;
    readonly setSize: number;
    readonly sourceSnapshotId: string;
}

export interface CopyPlan {
    readonly start: CopyRequest[];
    /** Set keys that are due but wait for a free copy slot. */
    readonly queued: string[];
    /** Set keys that were partly copied before and are being completed. */
    readonly resumed: string[];
}

export interface CopyInputs {
    readonly setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>;
    /** Every copy of this environment at this destination, pending ones included. */
    readonly copies: readonly CopiedSnapshot[];
    readonly owner: { readonly environment: string; readonly fleet: string };
    /** Only sets younger than this are copied (older ones would be deleted by the destination's retention at once). */
    readonly maxAgeDays: number;
    readonly now: Date;
    readonly concurrentLimit?: number;
}

function ours(snapshot: SnapshotRecord, owner: CopyInputs["owner"]): boolean {
    return snapshot.tags[ENVIRONMENT_TAG_KEY] === owner.environment && snapshot.tags[FLEET_TAG_KEY] === owner.fleet;
}

/** What to copy to one destination now. */
export function planCopies(inputs: CopyInputs): CopyPlan {
    const limit = inputs.concurrentLimit ?? DEFAULT_CONCURRENT_COPIES;
    // A copy that failed (state error) is tried again; a pending or completed one is not repeated.
    const copied = new Set(inputs.copies.filter((c) => c.state !== "error").map((c) => c.sourceSnapshotId));
    let free = limit - inputs.copies.filter((c) => c.state === "pending").length;
    const cutoff = inputs.now.getTime() - inputs.maxAgeDays * 86_400_000;

    const due: { set: SnapshotSet; remaining: SnapshotRecord[]; partly: boolean }[] = [];
    for (const sets of inputs.setsByInstance.values()) {
        for (const set of sets) {
            if (!set.good || set.startTime.getTime() < cutoff || !set.snapshots.every((s) => ours(s, inputs.owner))) {
                continue;
            }
            const remaining = set.snapshots.filter((s) => !copied.has(s.snapshotId));
            if (remaining.length > 0) {
                due.push({ set, remaining, partly: remaining.length < set.snapshots.length });
            }
        }
    }
    // Resume partly copied sets first, then the newest sets (they matter most for the destination's RPO).
    due.sort((a, b) => Number(b.partly) - Number(a.partly) || b.set.startTime.getTime() - a.set.startTime.getTime());

    const start: CopyRequest[] = [];
    const queued: string[] = [];
    const resumed: string[] = [];
    for (const { set, remaining, partly } of due) {
        const fitsWhole = remaining.length <= free;
        const largerThanLimit = remaining.length > limit && free === limit;
        if (!fitsWhole && !largerThanLimit) {
            queued.push(set.key);
            continue;
        }
        const now = fitsWhole ? remaining : remaining.slice(0, free);
        for (const snapshot of now) {
            start.push({
                instanceId: set.instanceId,
                setKey: set.key,
                setStart: set.startTime,
                setSize: set.snapshots.length,
                sourceSnapshotId: snapshot.snapshotId,
            });
        }
        free -= now.length;
        if (partly) {
            resumed.push(set.key);
        }
    }
    return { start, queued, resumed };
}

/** The tags a copy is created with (CopySnapshot's TagSpecifications). */
export function copyTags(
    request: CopyRequest,
    owner: { readonly environment: string; readonly fleet: string },
    sourceRegion: string,
    destination: string,
): Record<string, string> {
    return {
        [ENVIRONMENT_TAG_KEY]: owner.environment,
        [FLEET_TAG_KEY]: owner.fleet,
        [COPY_INSTANCE_TAG_KEY]: request.instanceId,
        [COPY_SET_KEY_TAG_KEY]: request.setKey,
        [COPY_SET_SIZE_TAG_KEY]: String(request.setSize),
        [COPY_SET_START_TAG_KEY]: request.setStart.toISOString(),
        [COPY_SOURCE_SNAPSHOT_TAG_KEY]: request.sourceSnapshotId,
        [COPY_SOURCE_REGION_TAG_KEY]: sourceRegion,
        [COPY_DESTINATION_TAG_KEY]: destination,
    };
}

/**
 * The copied sets at a destination, per instance, newest first, in the shape the retention planner
 * and the RPO rule take: a copied set is good only when it is complete and every copy is completed.
 */
export function copiedSets(copies: readonly CopiedSnapshot[]): Map<string, SnapshotSet[]> {
    const groups = new Map<string, CopiedSnapshot[]>();
    for (const copy of copies) {
        const key = `${copy.instanceId}\u0000${copy.setKey}`;
        const group = groups.get(key);
        if (group) {
            group.push(copy);
        } else {
            groups.set(key, [copy]);
        }
    }
    const byInstance = new Map<string, SnapshotSet[]>();
    for (const members of groups.values()) {
        const first = members[0];
        // Two copies of one source snapshot (a retried copy) count once.
        const distinct = new Set(members.filter((m) => m.state === "completed").map((m) => m.sourceSnapshotId));
        const problems = [
            ...members.filter((m) => m.state !== "completed").map((m) => `${m.snapshotId} (copy of ${m.sourceSnapshotId}) is ${m.state}`),
            ...(distinct.size < first.setSize ? [`${distinct.size} of ${first.setSize} snapshots copied`] : []),
        ];
        const pending = members.filter((m) => m.state === "pending").length;
        const set: SnapshotSet = {
            key: first.setKey,
            instanceId: first.instanceId,
            startTime: first.setStart,
            snapshots: members.map((m) => ({
                snapshotId: m.snapshotId,
                volumeId: m.sourceSnapshotId,
                startTime: m.setStart,
                state: m.state,
                tags: m.tags,
            })),
            missingVolumes: [],
            problems,
            good: problems.length === 0,
            completing: pending > 0 && distinct.size + pending >= first.setSize,
        };
        const sets = byInstance.get(first.instanceId);
        if (sets) {
            sets.push(set);
        } else {
            byInstance.set(first.instanceId, [set]);
        }
    }
    for (const sets of byInstance.values()) {
        sets.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    }
    return byInstance;
}

/**
 * What the function writes as a copy's description in its CopySnapshot call. EC2 never lets anyone
 * change a snapshot's description afterwards, so unlike the tags (which anyone with ec2:CreateTags in
 * the destination account can write) it proves the copy came from that call: the function plans and
 * deletes at a destination only snapshots that carry it (round-3 attack review, docs/copies.md).
 */
export function copyDescription(sourceSnapshotId: string, setKey: string): string {
    return `vss-fleet copy of ${sourceSnapshotId} (set ${setKey})`;
}

/**
 * Reads a copy from its tags; undefined when a tag is missing or malformed, or when the description
 * is not the one our CopySnapshot wrote (not one of ours, whatever its tags say: never touched).
 */
export function toCopiedSnapshot(snapshot: {
    readonly snapshotId: string;
    readonly state: string;
    readonly description?: string;
    readonly tags: Readonly<Record<string, string>>;
}): CopiedSnapshot | undefined {
    const t = snapshot.tags;
    const size = Number(t[COPY_SET_SIZE_TAG_KEY]);
    const start = new Date(t[COPY_SET_START_TAG_KEY] ?? "");
    const source = t[COPY_SOURCE_SNAPSHOT_TAG_KEY];
    const setKey = t[COPY_SET_KEY_TAG_KEY];
    const instanceId = t[COPY_INSTANCE_TAG_KEY];
    if (!source || !setKey || !instanceId || !Number.isInteger(size) || size < 1 || Number.isNaN(start.getTime())) {
        return undefined;
    }
    if (snapshot.description !== copyDescription(source, setKey)) {
        return undefined;
    }
    return {
        snapshotId: snapshot.snapshotId,
        sourceSnapshotId: source,
        setKey,
        instanceId,
        setSize: size,
        setStart: start,
        state: snapshot.state,
        tags: t,
    };
}

/**
 * The role the function assumes in a destination account to copy there: created in that account under
 * the fleet's IAM path by the destination's bootstrap. One name on both sides, so they cannot drift.
 */
export function copyTargetRoleArn(partition: string, accountId: string, environment: string): string {
    return `arn:${partition}:iam::${accountId}:role/vss-fleet/${environment}/${environment}-copy-target`;
}

export interface CopyVerdict {
    readonly destination: string;
    readonly rpoHours: number;
    readonly instances: {
        readonly instanceId: string;
        readonly newestCompleteSet?: { readonly key: string; readonly startTime: string; readonly ageHours: number };
        /** Copied sets that are not complete and not still completing: half a set at the destination. */
        readonly incompleteSets: number;
        readonly rpoBreached: boolean;
    }[];
}

/**
 * One destination judged for `verify`: per enrolled instance, the newest COMPLETE copied set against
 * the destination's RPO (default: the environment's plus 24 h, the time a copy may take), and the
 * copied sets that are incomplete (a copy that failed half way and was not resumed).
 */
export function judgeCopies(
    destination: string,
    rpoHours: number,
    copies: readonly CopiedSnapshot[],
    instanceIds: readonly string[],
    now: Date,
): CopyVerdict {
    const sets = copiedSets(copies);
    return {
        destination,
        rpoHours,
        instances: instanceIds.map((instanceId) => {
            const mine = sets.get(instanceId) ?? [];
            const newest = mine.find((s) => s.good);
            const ageHours = newest ? (now.getTime() - newest.startTime.getTime()) / 3_600_000 : undefined;
            return {
                instanceId,
                ...(newest && ageHours !== undefined
                    ? {
                          newestCompleteSet: {
                              key: newest.key,
                              startTime: newest.startTime.toISOString(),
                              ageHours: Math.round(ageHours * 10) / 10,
                          },
                      }
                    : {}),
                incompleteSets: mine.filter((s) => !s.good && !s.completing).length,
                rpoBreached: ageHours === undefined || ageHours > rpoHours,
            };
        }),
    };
}
