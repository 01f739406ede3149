/**
 * The RPO judgement, one rule for the CLI's `verify` and the lifecycle function's after-run check: an
 * instance breaches when it has no good set, or its newest good set is older than the RPO.
 *
 * The two used to compute this each on their own with different rounding (verify showed the age to
 * one decimal, the function's metric to two). The rule now judges the EXACT age, so a set 26.04 h old
 * breaches an RPO of 26 h in both places even where it prints as "26.0 h"; rounding is presentation
 * only, and each caller names the precision it shows (verify: 1 decimal, the metric: 2).
 */
import type { SnapshotSet } from "./sets";

export interface RpoJudgement {
    /** The newest good set of the instance, if any (sets are given newest first). */
    readonly newestGood?: SnapshotSet;
    /** Its exact age in hours at `now`. */
    readonly ageHours?: number;
    readonly breached: boolean;
}

export function judgeRpo(newestFirst: readonly SnapshotSet[], rpoHours: number, now: Date): RpoJudgement {
    const newestGood = newestFirst.find((s) => s.good);
    if (!newestGood) {
        return { breached: true };
    }
    const ageHours = (now.getTime() - newestGood.startTime.getTime()) / 3_600_000;
    return { newestGood, ageHours, breached: ageHours > rpoHours };
}

/** An age for display or a metric, rounded half up to `decimals` places. */
export function roundHours(hours: number, decimals: number): number {
    const factor = 10 ** decimals;
    return Math.round(hours * factor) / factor;
}
