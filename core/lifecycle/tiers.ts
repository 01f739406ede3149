/**
 * Tiered (grandfather-father-son) retention: which sets a tier keeps. A tier of N periods (days, ISO
 * weeks, calendar months, calendar years, by the set's start in the environment's time zone) keeps
 * the newest good set of each of the last N periods that have a good set. Periods without a good set
 * are skipped rather than counted, so a gap in the backups (an outage, a paused window) makes the
 * tier reach further back instead of keeping fewer points: a tier only ever keeps more.
 * Pure: retention.ts applies the result with its other rules.
 */
import type { SnapshotSet } from "./sets";

export const TIERS = ["daily", "weekly", "monthly", "yearly"] as const;
export type Tier = (typeof TIERS)[number];
export type TierCounts = Partial<Readonly<Record<Tier, number>>>;

/** What each tier's period is called in a reason. */
const PERIOD: Record<Tier, string> = { daily: "day", weekly: "ISO week", monthly: "month", yearly: "year" };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone (an IANA name the schema has checked). */
export function localDate(instant: Date, timeZone: string): { readonly year: number; readonly month: number; readonly day: number } {
    let format = formatters.get(timeZone);
    if (!format) {
        format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" });
        formatters.set(timeZone, format);
    }
    const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
    return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** The ISO 8601 week of a calendar date: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: { readonly year: number; readonly month: number; readonly day: number }): { year: number; week: number } {
    const utc = Date.UTC(date.year, date.month - 1, date.day);
    const weekday = (new Date(utc).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
    const thursday = new Date(utc + (3 - weekday) * 86_400_000);
    const year = thursday.getUTCFullYear();
    const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
    return { year, week };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The period an instant falls in, as a label that names it (2026-11-28, 2026-W53, 2026-11, 2026). */
export function periodOf(tier: Tier, instant: Date, timeZone: string): string {
    const date = localDate(instant, timeZone);
    switch (tier) {
        case "daily":
            return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
        case "weekly": {
            const { year, week } = isoWeek(date);
            return `${year}-W${pad(week)}`;
        }
        case "monthly":
            return `${date.year}-${pad(date.month)}`;
        case "yearly":
            return String(date.year);
    }
}

/**
 * The sets the tiers keep, each with why ("newest of month 2026-10"). `candidates` are the sets a
 * tier may keep: one instance's good sets, wholly ours; their order does not matter.
 */
export function tierKeepers(candidates: readonly SnapshotSet[], tiers: TierCounts, timeZone: string): Map<SnapshotSet, string[]> {
    const newestFirst = [...candidates].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const keepers = new Map<SnapshotSet, string[]>();
    for (const tier of TIERS) {
        const count = tiers[tier] ?? 0;
        const seen = new Set<string>();
        for (const set of newestFirst) {
            if (seen.size >= count) {
                break;
            }
            const period = periodOf(tier, set.startTime, timeZone);
            if (!seen.has(period)) {
                seen.add(period);
                keepers.set(set, [...(keepers.get(set) ?? []), `newest of ${PERIOD[tier]} ${period}`]);
            }
        }
    }
    return keepers;
}

/** Whether a rule names any tier. */
export function hasTiers(tiers: TierCounts): boolean {
    return TIERS.some((t) => (tiers[t] ?? 0) > 0);
}

/** "daily 7, weekly 4, monthly 12, yearly 3" for summaries and reasons. */
export function tiersText(tiers: TierCounts): string {
    return TIERS.filter((t) => (tiers[t] ?? 0) > 0)
        .map((t) => `${t} ${tiers[t]}`)
        .join(", ");
}
