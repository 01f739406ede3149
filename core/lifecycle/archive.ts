/**
 * Long-term tier: one good set per calendar month (or ISO week) per instance moves to the EBS
 * Snapshots Archive tier after `afterDays`, and is deleted after `keepMonths`. Rules:
 * 1. Only GOOD sets wholly this environment's and this fleet's are archived, and always whole.
 * 2. The representative of a period is the EARLIEST good set that starts in it (UTC), so the choice
 *    does not move as newer sets of the same period arrive.
 * 3. Archived sets (and the representatives still waiting for `afterDays`) are exempt from the
 *    standard-tier retention: the retention planner's deletions are filtered by `withoutArchiveSets`.
 * 4. An archived set is deleted once it is older than `keepMonths` months, but never before the tier's
 *    90-day minimum has passed since it was archived (AWS bills the rest of the 90 days anyway, and a
 *    set kept that long is cheaper kept). Restoring from the archive takes up to 72 hours
 *    (RestoreSnapshotTier): the restore path says so.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { Deletion } from "./retention";
import type { SnapshotSet } from "./sets";

/** AWS bills an archived snapshot for at least this many days. */
export const ARCHIVE_MINIMUM_DAYS = 90;
/** Restoring an archived snapshot takes up to this many hours (AWS's documented bound). */
export const ARCHIVE_RESTORE_HOURS = 72;

export interface ArchiveRule {
    readonly every: "month" | "week";
    readonly afterDays: number;
    readonly keepMonths: number;
}

/** A snapshot's storage tier and, when archived, since when (DescribeSnapshotTierStatus). */
export interface SnapshotTier {
    readonly snapshotId: string;
    /** standard | archive */
    readonly storageTier: string;
    readonly archivedAt?: Date;
}

export interface ArchivePlan {
    /** Whole sets to move to the archive tier now (ModifySnapshotTier on each snapshot). */
    readonly archive: { readonly instanceId: string; readonly setKey: string; readonly snapshotIds: string[] }[];
    /** Whole archived sets past keepMonths (and past the 90-day minimum): delete. */
    readonly expire: Deletion[];
    /** Set keys chosen as their period's representative: exempt from standard retention. */
    readonly representatives: Set<string>;
}

/** The period a time falls in: 2026-11 for months, 2026-W48 for ISO weeks (UTC). */
export function periodOf(time: Date, every: ArchiveRule["every"]): string {
    if (every === "month") {
        return `${time.getUTCFullYear()}-${String(time.getUTCMonth() + 1).padStart(2, "0")}`;
    }
    // ISO 8601 week: the week with the year's first Thursday is week 1; weeks start on Monday.
    const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
    const weekday = day.getUTCDay() || 7;
    day.setUTCDate(day.getUTCDate() + 4 - weekday);
    const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
    const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
    return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

function addMonths(time: Date, months: number): Date {
    const result = new Date(time.getTime());
    result.setUTCMonth(result.getUTCMonth() + months);
    return result;
}

export function planArchive(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    rule: ArchiveRule,
    tiers: ReadonlyMap<string, SnapshotTier>,
    owner: { readonly environment: string; readonly fleet: string },
    now: Date,
): ArchivePlan {
    const archive: ArchivePlan["archive"] = [];
    const expire: Deletion[] = [];
    const representatives = new Set<string>();
    for (const [instanceId, sets] of setsByInstance) {
        const eligible = [...sets]
            .filter(
                (s) =>
                    s.good &&
                    s.snapshots.every((x) => x.tags[ENVIRONMENT_TAG_KEY] === owner.environment && x.tags[FLEET_TAG_KEY] === owner.fleet),
            )
            .sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
        const firstOfPeriod = new Map<string, SnapshotSet>();
        for (const set of eligible) {
            const period = periodOf(set.startTime, rule.every);
            if (!firstOfPeriod.has(period)) {
                firstOfPeriod.set(period, set);
            }
        }
        for (const set of firstOfPeriod.values()) {
            representatives.add(set.key);
            const archived = set.snapshots.map((s) => tiers.get(s.snapshotId));
            const allArchived = archived.every((t) => t?.storageTier === "archive");
            if (allArchived) {
                const since = Math.max(...archived.map((t) => t?.archivedAt?.getTime() ?? set.startTime.getTime()));
                const pastKeep = addMonths(set.startTime, rule.keepMonths).getTime() <= now.getTime();
                const pastMinimum = since + ARCHIVE_MINIMUM_DAYS * 86_400_000 <= now.getTime();
                if (pastKeep && pastMinimum) {
                    expire.push({
                        instanceId,
                        setKey: set.key,
                        startTime: set.startTime.toISOString(),
                        snapshotIds: set.snapshots.map((s) => s.snapshotId),
                        reason: `archived set older than ${rule.keepMonths} months`,
                    });
                }
                continue;
            }
            const ageDays = (now.getTime() - set.startTime.getTime()) / 86_400_000;
            if (ageDays >= rule.afterDays) {
                // Resume a partly archived set: only what is still in the standard tier.
                const snapshotIds = set.snapshots
                    .filter((s) => tiers.get(s.snapshotId)?.storageTier !== "archive")
                    .map((s) => s.snapshotId);
                archive.push({ instanceId, setKey: set.key, snapshotIds });
            }
        }
    }
    return { archive, expire, representatives };
}

/** Standard retention must not delete a period's representative (archived, or waiting to be). */
export function withoutArchiveSets(deletions: readonly Deletion[], representatives: ReadonlySet<string>): Deletion[] {
    return deletions.filter((d) => !representatives.has(d.setKey));
}
