/**
 * Can the window reach every instance, and will it burst EC2's throttle? Warnings, not errors: the
 * numbers are estimates, and the operator decides.
 */
import type { EnvironmentSpec } from "../../core/environment";

/**
 * Worst-case minutes one instance's run takes: AWSEC2-CreateVssSnapshot's executionTimeout defaults
 * to 800 s, plus installing or updating AwsVssComponents first.
 */
export const RUN_MINUTES = 15;
/** EC2 CreateSnapshots throttle per account and region: a bucket of 100 that refills 5 per second. */
export const CREATE_SNAPSHOTS_BURST = 100;
export const CREATE_SNAPSHOTS_REFILL_PER_SECOND = 5;

/** How many instances run at once: a count, or a percentage of the targets (at least one). */
export function concurrencyOf(maxConcurrency: string, targets: number): number {
    if (maxConcurrency.endsWith("%")) {
        return Math.max(1, Math.ceil((targets * Number(maxConcurrency.slice(0, -1))) / 100));
    }
    return Number(maxConcurrency);
}

/** A spec whose maxConcurrency is known: the manifest's, or the default the plan chose (rateControl.ts). */
export type RatedSpec = EnvironmentSpec & { readonly maxConcurrency: string };

/**
 * Environments whose windows open at the same moment in one account and region: they draw on one
 * CreateSnapshots bucket.
 */
export function burstGroupKey(spec: EnvironmentSpec): string {
    return [spec.accountId, spec.region, spec.schedule, spec.scheduleTimezone, spec.scheduleOffset ?? 0].join("|");
}

export function windowWarnings(spec: RatedSpec, enrolled: number): string[] {
    if (enrolled === 0) {
        return [];
    }
    const concurrency = Math.min(enrolled, concurrencyOf(spec.maxConcurrency, enrolled));
    const waves = Math.ceil(enrolled / concurrency);
    const needed = waves * RUN_MINUTES;
    const usable = (spec.durationHours - spec.cutoffHours) * 60;
    if (needed <= usable) {
        return [];
    }
    return [
        `${enrolled} instances at a concurrency of ${concurrency} need ${waves} waves of up to ${RUN_MINUTES} min (${needed} min), ` +
            `but the window leaves ${usable} min (duration ${spec.durationHours} h - cutoff ${spec.cutoffHours} h); ` +
            "instances past the cutoff are not snapshotted. Raise maxConcurrency or durationHours.",
    ];
}

/**
 * Environments in one account and region whose windows open together share EC2's CreateSnapshots
 * bucket: each instance makes one call, so more than 100 at once are throttled.
 */
export function burstWarnings(environments: readonly { spec: RatedSpec; enrolled: number }[]): Map<string, string[]> {
    const groups = new Map<string, { names: string[]; concurrent: number }>();
    for (const { spec, enrolled } of environments) {
        const key = burstGroupKey(spec);
        const group = groups.get(key) ?? { names: [], concurrent: 0 };
        group.names.push(spec.name);
        group.concurrent += Math.min(enrolled, concurrencyOf(spec.maxConcurrency, enrolled));
        groups.set(key, group);
    }
    const out = new Map<string, string[]>();
    for (const [key, group] of groups) {
        if (group.concurrent <= CREATE_SNAPSHOTS_BURST) {
            continue;
        }
        const [account, region, schedule, zone] = key.split("|");
        const who = group.names.length > 1 ? `environments ${group.names.join(", ")} together start` : "the window starts";
        const message =
            `${who} ${group.concurrent} snapshot runs at once in ${account}/${region} (${schedule} ${zone}), past EC2's CreateSnapshots ` +
            `throttle (${CREATE_SNAPSHOTS_BURST} burst, ${CREATE_SNAPSHOTS_REFILL_PER_SECOND} per second refill, per account and region); ` +
            "lower maxConcurrency or stagger the schedules.";
        for (const name of group.names) {
            out.set(name, [...(out.get(name) ?? []), message]);
        }
    }
    return out;
}
