/**
 * Default rate control for an environment whose manifest sets none: how many instances the window
 * snapshots at once (maxConcurrency) and how many failures stop it starting more (maxErrors),
 * derived from how many instances it has enrolled instead of SSM's all-at-once "100%".
 *
 * Why these numbers:
 * - Spread: every VSS run freezes its instance's writes for a moment. Starting the whole fleet at
 *   once freezes it all together and sends every CreateSnapshots call in the same second. The default
 *   spreads the runs over half the usable window (the other half is slack for slow runs), so the
 *   fewest instances run at once that still finish in time.
 * - Throttle: each run makes one CreateSnapshots call as it starts; EC2 allows a burst of 100 per
 *   account and region, refilled at 5 per second. A wave takes minutes, so the refill never binds
 *   between waves: only the burst does, shared with environments starting at the same time.
 * - Errors: a systematic fault (a missing permission, a bad document version) shows in the first
 *   waves, so a tenth of the fleet failing stops further starts; a few offline agents do not.
 */
import { CREATE_SNAPSHOTS_BURST, CREATE_SNAPSHOTS_REFILL_PER_SECOND, RUN_MINUTES } from "./capacity";

export interface RateControlInput {
    /** Instances the environment selects (enrolled, as the plan counts them). */
    readonly enrolled: number;
    readonly durationHours: number;
    readonly cutoffHours: number;
    /** Runs that other environments in the same account and region start at the same moment (they share the burst). */
    readonly sharedConcurrent?: number;
}

export interface RateControl {
    readonly maxConcurrency: string;
    readonly maxErrors: string;
    /** One sentence for the plan: which default was chosen, from what. */
    readonly why: string;
}

/** When the plan sees no enrolled instance yet: a small count, so a fleet tagged later still cannot burst. */
export const UNSEEN_FLEET_CONCURRENCY = 10;

export function defaultRateControl(input: RateControlInput): RateControl {
    const { enrolled, durationHours, cutoffHours } = input;
    const bucket = Math.max(1, CREATE_SNAPSHOTS_BURST - (input.sharedConcurrent ?? 0));
    const throttle = `EC2 CreateSnapshots allows ${CREATE_SNAPSHOTS_BURST} at once per account and region, refilling ${CREATE_SNAPSHOTS_REFILL_PER_SECOND}/s`;
    const shared = input.sharedConcurrent ? ` (${input.sharedConcurrent} taken by environments starting together, ${bucket} left)` : "";
    if (enrolled <= 0) {
        const concurrency = Math.min(UNSEEN_FLEET_CONCURRENCY, bucket);
        return {
            maxConcurrency: String(concurrency),
            maxErrors: "1",
            why: `default maxConcurrency ${concurrency}, maxErrors 1: the plan sees no enrolled instance yet; plan again once the fleet is tagged`,
        };
    }
    const usableMinutes = Math.max(0, durationHours - cutoffHours) * 60;
    const waves = Math.max(1, Math.floor(usableMinutes / RUN_MINUTES));
    const plannedWaves = Math.max(1, Math.floor(waves / 2));
    const spread = Math.ceil(enrolled / plannedWaves);
    const concurrency = Math.max(1, Math.min(spread, bucket, enrolled));
    const maxErrors = Math.max(1, Math.ceil(enrolled / 10));
    const base =
        `default maxConcurrency ${concurrency}, maxErrors ${maxErrors} for ${enrolled} enrolled: ` +
        `runs of up to ${RUN_MINUTES} min spread over ${plannedWaves} of the window's ${waves} waves`;
    const capped = spread > bucket ? `, capped at the throttle: ${throttle}${shared}` : `; ${throttle}${shared}`;
    return { maxConcurrency: String(concurrency), maxErrors: String(maxErrors), why: `${base}${capped}` };
}
