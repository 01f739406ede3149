/**
 * EBS snapshot lock on the newest good sets. Rules:
 * 1. Only GOOD sets whose every snapshot is this environment's and this fleet's are locked, and
 *    always whole: every snapshot of the set gets the same lock.
 * 2. Which sets: the newest `newestSets` good sets of each instance, or every good set younger than
 *    `withinDays` days (one of the two).
 * 3. A snapshot that is already locked (any mode, not expired) is left as it is: the function never
 *    shortens, changes or removes a lock (and its role may not unlock; see the IAM policy).
 * 4. Retention never deletes a set with a locked snapshot: it reports what the lock keeps instead.
 * Compliance mode cannot be undone once its cooling-off period is over; the plan says so.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { Deletion } from "./retention";
import type { SnapshotSet } from "./sets";

export type LockMode = "governance" | "compliance";

export interface LockRule {
    readonly mode: LockMode;
    /** How long each lock lasts, from the time it is applied (LockSnapshot's LockDuration, 1-36500 days). */
    readonly durationDays: number;
    readonly newestSets?: number;
    readonly withinDays?: number;
    /** Compliance mode only: hours during which the lock can still be changed (1-72). */
    readonly coolOffHours?: number;
}

/** A snapshot's lock as DescribeLockedSnapshots reports it. */
export interface SnapshotLock {
    readonly snapshotId: string;
    /** compliance-cooloff | governance | compliance | expired */
    readonly lockState: string;
    readonly lockExpiresOn?: Date;
}

export interface LockRequest {
    readonly snapshotId: string;
    readonly setKey: string;
    readonly instanceId: string;
    readonly mode: LockMode;
    readonly lockDuration: number;
    readonly coolOffPeriod?: number;
}

export function isLocked(lock: SnapshotLock | undefined, now: Date): boolean {
    if (!lock || lock.lockState === "expired") {
        return false;
    }
    return lock.lockExpiresOn === undefined || lock.lockExpiresOn.getTime() > now.getTime();
}

/** The LockSnapshot calls to make now. */
export function planLocks(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    rule: LockRule,
    locks: ReadonlyMap<string, SnapshotLock>,
    owner: { readonly environment: string; readonly fleet: string },
    now: Date,
): LockRequest[] {
    const requests: LockRequest[] = [];
    const since = rule.withinDays === undefined ? undefined : now.getTime() - rule.withinDays * 86_400_000;
    for (const [instanceId, sets] of setsByInstance) {
        const good = [...sets]
            .filter(
                (s) =>
                    s.good &&
                    s.snapshots.every((x) => x.tags[ENVIRONMENT_TAG_KEY] === owner.environment && x.tags[FLEET_TAG_KEY] === owner.fleet),
            )
            .sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
        const chosen = since !== undefined ? good.filter((s) => s.startTime.getTime() >= since) : good.slice(0, rule.newestSets ?? 0);
        for (const set of chosen) {
            for (const snapshot of set.snapshots) {
                if (isLocked(locks.get(snapshot.snapshotId), now)) {
                    continue;
                }
                requests.push({
                    snapshotId: snapshot.snapshotId,
                    setKey: set.key,
                    instanceId,
                    mode: rule.mode,
                    lockDuration: rule.durationDays,
                    ...(rule.mode === "compliance" && rule.coolOffHours !== undefined ? { coolOffPeriod: rule.coolOffHours } : {}),
                });
            }
        }
    }
    return requests;
}

/** Retention's deletions without the sets a lock keeps; what the locks kept is reported, not deleted. */
export function withoutLockedSets(
    deletions: readonly Deletion[],
    locks: ReadonlyMap<string, SnapshotLock>,
    now: Date,
): { readonly deletions: Deletion[]; readonly keptByLock: Deletion[] } {
    const kept: Deletion[] = [];
    const remaining: Deletion[] = [];
    for (const deletion of deletions) {
        const locked = deletion.snapshotIds.filter((id) => isLocked(locks.get(id), now));
        if (locked.length > 0) {
            kept.push({
                ...deletion,
                reason: `kept by snapshot lock (${locked.join(", ")}); retention would delete it: ${deletion.reason}`,
            });
        } else {
            remaining.push(deletion);
        }
    }
    return { deletions: remaining, keptByLock: kept };
}
