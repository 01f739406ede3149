/**
 * Set-aware retention: which snapshots may go. Rules, in order:
 * 1. Only snapshots of our sets, with this environment's AND this fleet's tags, are ever considered;
 *    anything else (other tools', other fleets') is never touched.
 * 2. Whole sets only: a set is deleted with every snapshot in it, or not at all.
 * 3. The newest `minSets` GOOD sets of each instance are kept whatever their age.
 * 4. Every other set older than `days` goes (a bad set too: it restores nothing it promised)...
 * 5. ...unless the instance has fewer than `minSets` good sets at all. Its backups are failing, and
 *    until they recover every recovery point counts, partial ones included (a bad set may still
 *    hold a good boot volume), so nothing of that instance is deleted.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { SnapshotSet } from "./sets";

export interface RetentionRule {
    readonly days: number;
    readonly minSets: number;
}

export interface Deletion {
    readonly instanceId: string;
    readonly setKey: string;
    readonly startTime: string;
    readonly snapshotIds: string[];
    readonly reason: string;
}

export function retentionPlan(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    rule: RetentionRule,
    owner: { readonly environment: string; readonly fleet: string },
    now: Date,
): Deletion[] {
    const cutoff = now.getTime() - rule.days * 86_400_000;
    const deletions: Deletion[] = [];
    for (const [instanceId, sets] of setsByInstance) {
        const newestFirst = [...sets].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
        const kept = new Set(newestFirst.filter((s) => s.good).slice(0, rule.minSets));
        if (kept.size < rule.minSets) {
            continue;
        }
        for (const set of newestFirst) {
            const ours = set.snapshots.every(
                (s) => s.tags[ENVIRONMENT_TAG_KEY] === owner.environment && s.tags[FLEET_TAG_KEY] === owner.fleet,
            );
            if (kept.has(set) || !ours || set.startTime.getTime() >= cutoff) {
                continue;
            }
            deletions.push({
                instanceId,
                setKey: set.key,
                startTime: set.startTime.toISOString(),
                snapshotIds: set.snapshots.map((s) => s.snapshotId),
                reason: `${set.good ? "good" : "bad"} set older than ${rule.days} days`,
            });
        }
    }
    return deletions;
}
