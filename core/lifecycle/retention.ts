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
 * 5a. Tiers (tiers.ts): a good set that is the newest of one of the last N days, ISO weeks, months or
 *    years of a tier, in the environment's time zone, is kept whatever its age.
 * 6. A set is deleted only when its provenance is proven with the window history read
 *    (provenance.ts): a set that the rules above would delete but the evidence does not prove is
 *    WITHHELD and reported, never deleted. Tags alone never decide a deletion.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { SnapshotSet } from "./sets";
import { hasTiers, tierKeepers, type TierCounts } from "./tiers";

export interface RetentionRule extends TierCounts {
    readonly days: number;
    readonly minSets: number;
    /** The zone the tiers' periods are counted in (the environment's scheduleTimezone); UTC when omitted. */
    readonly timeZone?: string;
}

export interface Deletion {
    readonly instanceId: string;
    readonly setKey: string;
    readonly startTime: string;
    readonly snapshotIds: string[];
    readonly reason: string;
}

/** A set the age rules would delete, kept because its provenance is not proven. */
export interface Withheld {
    readonly instanceId: string;
    readonly setKey: string;
    readonly startTime: string;
    readonly snapshotIds: string[];
    readonly verdict: string;
    readonly reasons: string[];
}

export interface RetentionReview {
    readonly deletions: Deletion[];
    readonly withheld: Withheld[];
}

/**
 * The sets to delete by the age rules alone, for sets whose provenance is established otherwise:
 * the copies the function made itself at a copy destination. The source environment's sets go
 * through retentionReview, which also demands proven provenance.
 */
export function retentionPlan(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    rule: RetentionRule,
    owner: { readonly environment: string; readonly fleet: string },
    now: Date,
): Deletion[] {
    return retentionReview(setsByInstance, rule, owner, now, { provenance: "established-by-caller" }).deletions;
}

/**
 * The sets to delete, and those the age rules would delete but the evidence does not allow.
 * `windowHistoryRead: false` is the CLI's dry run: it cannot read the window's history, so it
 * lists proven sets as the function would delete them if that history agrees too.
 */
export function retentionReview(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    rule: RetentionRule,
    owner: { readonly environment: string; readonly fleet: string },
    now: Date,
    options: { readonly windowHistoryRead?: boolean; readonly provenance?: "established-by-caller" } = {},
): RetentionReview {
    const cutoff = now.getTime() - rule.days * 86_400_000;
    const deletions: Deletion[] = [];
    const withheld: Withheld[] = [];
    for (const [instanceId, sets] of setsByInstance) {
        const newestFirst = [...sets].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
        // Only sets wholly ours count toward minSets: another fleet's good set on the same instance keeps nothing of ours safe.
        const wholly = (set: SnapshotSet) =>
            set.snapshots.every((s) => s.tags[ENVIRONMENT_TAG_KEY] === owner.environment && s.tags[FLEET_TAG_KEY] === owner.fleet);
        const candidates = newestFirst.filter((s) => s.good && wholly(s));
        const kept = new Set(candidates.slice(0, rule.minSets));
        if (kept.size < rule.minSets) {
            continue;
        }
        const keepers = tierKeepers(candidates, rule, rule.timeZone ?? "UTC");
        for (const set of newestFirst) {
            if (kept.has(set) || keepers.has(set) || !wholly(set) || set.startTime.getTime() >= cutoff) {
                continue;
            }
            const allowed =
                options.provenance === "established-by-caller" ||
                (options.windowHistoryRead === false ? set.provenance?.verdict === "proven" : set.provenance?.deletable);
            if (!allowed) {
                withheld.push({
                    instanceId,
                    setKey: set.key,
                    startTime: set.startTime.toISOString(),
                    snapshotIds: set.snapshots.map((s) => s.snapshotId),
                    verdict: set.provenance?.verdict ?? "not judged",
                    reasons: set.provenance?.reasons.length ? set.provenance.reasons : ["the window's execution history was not read"],
                });
                continue;
            }
            deletions.push({
                instanceId,
                setKey: set.key,
                startTime: set.startTime.toISOString(),
                snapshotIds: set.snapshots.map((s) => s.snapshotId),
                reason: `${set.good ? "good" : "bad"} set older than ${rule.days} days${hasTiers(rule) ? ", the newest of none of the tiers' periods" : ""}`,
            });
        }
    }
    return { deletions, withheld };
}
