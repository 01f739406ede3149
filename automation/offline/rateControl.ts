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
import type { EnvironmentSpec } from "../../core/environment";
import { burstGroups } from "./windowRuns";
import { concurrencyOf, CREATE_SNAPSHOTS_BURST, CREATE_SNAPSHOTS_REFILL_PER_SECOND, RUN_MINUTES } from "./capacity";

export interface RateControlInput {
    /** Instances the environment selects (enrolled, as the plan counts them). */
    readonly enrolled: number;
    readonly durationHours: number;
    readonly cutoffHours: number;
    /** Runs that environments whose windows overlap this one's, in the same account and region, start at once (they share the burst). */
    readonly sharedConcurrent?: number;
}

export interface RateControl {
    readonly maxConcurrency: string;
    readonly maxErrors: string;
    /** Why this maxConcurrency, in words ("default maxConcurrency 67 for 400 enrolled: ..."). */
    readonly concurrencyWhy: string;
    /** Why this maxErrors, in words. */
    readonly errorsWhy: string;
    /** One sentence for the plan: which default was chosen, from what. */
    readonly why: string;
}

/** When the plan sees no enrolled instance yet: a small count, so a fleet tagged later still cannot burst. */
export const UNSEEN_FLEET_CONCURRENCY = 10;

function rateControl(maxConcurrency: number, maxErrors: number, concurrencyWhy: string, errorsWhy: string): RateControl {
    return {
        maxConcurrency: String(maxConcurrency),
        maxErrors: String(maxErrors),
        concurrencyWhy,
        errorsWhy,
        why: `${concurrencyWhy}; ${errorsWhy}`,
    };
}

export function defaultRateControl(input: RateControlInput): RateControl {
    const { enrolled, durationHours, cutoffHours } = input;
    const bucket = Math.max(1, CREATE_SNAPSHOTS_BURST - (input.sharedConcurrent ?? 0));
    const throttle = `EC2 CreateSnapshots allows ${CREATE_SNAPSHOTS_BURST} at once per account and region, refilling ${CREATE_SNAPSHOTS_REFILL_PER_SECOND}/s`;
    const shared = input.sharedConcurrent ? ` (${input.sharedConcurrent} taken by environments whose windows overlap, ${bucket} left)` : "";
    if (enrolled <= 0) {
        const concurrency = Math.min(UNSEEN_FLEET_CONCURRENCY, bucket);
        return rateControl(
            concurrency,
            1,
            `default maxConcurrency ${concurrency}: the plan sees no enrolled instance yet; plan again once the fleet is tagged`,
            "default maxErrors 1 until instances are enrolled",
        );
    }
    const usableMinutes = Math.max(0, durationHours - cutoffHours) * 60;
    const waves = Math.max(1, Math.floor(usableMinutes / RUN_MINUTES));
    const plannedWaves = Math.max(1, Math.floor(waves / 2));
    const spread = Math.ceil(enrolled / plannedWaves);
    const concurrency = Math.max(1, Math.min(spread, bucket, enrolled));
    const maxErrors = Math.max(1, Math.ceil(enrolled / 10));
    const base =
        `default maxConcurrency ${concurrency} for ${enrolled} enrolled: ` +
        `runs of up to ${RUN_MINUTES} min spread over ${plannedWaves} of the window's ${waves} waves`;
    const capped = spread > bucket ? `, capped at the throttle: ${throttle}${shared}` : `; ${throttle}${shared}`;
    return rateControl(concurrency, maxErrors, `${base}${capped}`, `default maxErrors ${maxErrors}, a tenth of the enrolled`);
}

/** An environment's rate control as the plan will deploy it: the manifest's values, the rest chosen. */
export interface ChosenRateControl {
    readonly maxConcurrency: string;
    readonly maxErrors: string;
    /** The fields the manifest left unset, which the plan chose. */
    readonly defaulted: readonly ("maxConcurrency" | "maxErrors")[];
    /** One line for the plan: each value, from the manifest or chosen, and why. */
    readonly why: string;
}

export interface Sizing {
    readonly spec: EnvironmentSpec;
    /** Instances the environment enrolls, as the plan counts them. */
    readonly enrolled: number;
}

/**
 * Each environment's rate control, the unset fields derived from its enrolled count. Environments
 * whose windows run at overlapping times in one account and region (windowRuns.ts: by the instants
 * they run, not by their schedule text) share one CreateSnapshots burst: the ones
 * that set maxConcurrency keep what they set, and the rest split what is left, the smallest demand
 * served first, so a small environment is not squeezed by a big one beside it.
 */
export function chooseRateControls(environments: readonly Sizing[]): ChosenRateControl[] {
    const shared = sharedBurst(environments);
    return environments.map(({ spec, enrolled }, i) => {
        const derived = defaultRateControl({
            enrolled,
            durationHours: spec.durationHours,
            cutoffHours: spec.cutoffHours,
            sharedConcurrent: shared[i],
        });
        const concurrency = spec.maxConcurrency
            ? { value: spec.maxConcurrency, why: `maxConcurrency ${spec.maxConcurrency} from the manifest` }
            : { value: derived.maxConcurrency, why: derived.concurrencyWhy };
        const errors = spec.maxErrors
            ? { value: spec.maxErrors, why: `maxErrors ${spec.maxErrors} from the manifest` }
            : { value: derived.maxErrors, why: derived.errorsWhy };
        return {
            maxConcurrency: concurrency.value,
            maxErrors: errors.value,
            defaulted: [...(spec.maxConcurrency ? [] : ["maxConcurrency" as const]), ...(spec.maxErrors ? [] : ["maxErrors" as const])],
            why: `${concurrency.why}; ${errors.why}`,
        };
    });
}

/** For each environment without a maxConcurrency: the runs the others of its burst group start at once. */
function sharedBurst(environments: readonly Sizing[]): number[] {
    const shared = environments.map(() => 0);
    for (const members of burstGroups(environments.map((e) => e.spec))) {
        const fixed = members.filter((i) => environments[i].spec.maxConcurrency !== undefined);
        const open = members.filter((i) => environments[i].spec.maxConcurrency === undefined);
        const fixedRuns = fixed.reduce((n, i) => {
            const { spec, enrolled } = environments[i];
            return n + Math.min(enrolled, concurrencyOf(spec.maxConcurrency ?? "", enrolled));
        }, 0);
        const want = new Map(
            open.map((i) => {
                const { spec, enrolled } = environments[i];
                const alone = defaultRateControl({ enrolled, durationHours: spec.durationHours, cutoffHours: spec.cutoffHours });
                return [i, Number(alone.maxConcurrency)];
            }),
        );
        const demand = (i: number) => want.get(i) ?? 0;
        // Water-filling: each in turn takes its demand or an equal share of what is left, whichever is less.
        let left = Math.max(0, CREATE_SNAPSHOTS_BURST - fixedRuns);
        const given = new Map<number, number>();
        [...open]
            .sort((a, b) => demand(a) - demand(b) || a - b)
            .forEach((i, k, order) => {
                const take = Math.min(demand(i), Math.floor(left / (order.length - k)));
                given.set(i, take);
                left -= take;
            });
        for (const i of open) {
            shared[i] = fixedRuns + open.reduce((n, j) => n + (j === i ? 0 : (given.get(j) ?? 0)), 0);
        }
    }
    return shared;
}
