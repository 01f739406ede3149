/**
 * Can the window reach every instance, and will it burst EC2's throttle? Warnings, not errors: the
 * numbers are estimates, and the operator decides.
 */
import type { EnvironmentSpec } from "../../core/environment";
import { burstGroups } from "./windowRuns";

/**
 * Worst-case minutes one instance's run takes: AWSEC2-CreateVssSnapshot's executionTimeout defaults
 * to 800 s, plus installing or updating AwsVssComponents first.
 */
export const RUN_MINUTES = 15;
/**
 * EC2 CreateSnapshots throttle per account and region: a token bucket of 100 that refills 5 per
 * second. Source: "Request throttling for the Amazon EC2 API", Amazon EC2 Developer Guide
 * (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), whose table of request token
 * bucket sizes and refill rates gives CreateSnapshot and CreateSnapshots a bucket maximum capacity of
 * 100 and a refill rate of 5 per second; EC2 applies it per account per Region, across every caller.
 */
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

/** At most this many names or windows in one warning; the rest are counted. */
const LISTED = 6;

function listed(items: readonly string[]): string {
    return items.length <= LISTED ? items.join(", ") : `${items.slice(0, LISTED).join(", ")} and ${items.length - LISTED} more`;
}

function windowsText(specs: readonly EnvironmentSpec[]): string {
    const distinct = [
        ...new Set(
            specs.map(
                (s) => `${s.schedule} ${s.scheduleTimezone}${s.scheduleOffset ? ` +${s.scheduleOffset}d` : ""}, ${s.durationHours} h`,
            ),
        ),
    ];
    return listed(distinct);
}

const runsAtOnce = ({ spec, enrolled }: { spec: RatedSpec; enrolled: number }) =>
    Math.min(enrolled, concurrencyOf(spec.maxConcurrency, enrolled));

/**
 * Environments in one account and region whose windows run at overlapping times (windowRuns.ts)
 * share EC2's CreateSnapshots bucket: each instance makes one call as its run starts. Each member of
 * a group of two or more is told whom it shares with and what the group starts at once; past 100
 * at once, that the calls will be throttled.
 */
export function burstWarnings(environments: readonly { spec: RatedSpec; enrolled: number }[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const group of burstGroups(environments.map((e) => e.spec))) {
        const members = group.map((i) => environments[i]);
        const concurrent = members.reduce((n, m) => n + runsAtOnce(m), 0);
        const { accountId: account, region } = members[0].spec;
        const names = members.map((m) => m.spec.name);
        const messages: string[] = [];
        if (members.length > 1) {
            messages.push(
                `the windows of ${listed(names)} run at overlapping times in ${account}/${region} (${windowsText(members.map((m) => m.spec))}), ` +
                    `so they share EC2's CreateSnapshots throttle (${CREATE_SNAPSHOTS_BURST} burst, ${CREATE_SNAPSHOTS_REFILL_PER_SECOND} per second refill, per account and region): ` +
                    `together they start up to ${concurrent} snapshot runs at once (${listed(members.map((m) => `${m.spec.name} ${runsAtOnce(m)}`))}); ` +
                    "stagger the schedules so the windows do not overlap to give each the whole burst.",
            );
        }
        if (concurrent > CREATE_SNAPSHOTS_BURST) {
            const [schedule, zone] = [members[0].spec.schedule, members[0].spec.scheduleTimezone];
            const who = members.length > 1 ? `environments ${listed(names)} together start` : "the window starts";
            const where = members.length > 1 ? windowsText(members.map((m) => m.spec)) : `${schedule} ${zone}`;
            messages.push(
                `${who} ${concurrent} snapshot runs at once in ${account}/${region} (${where}), past EC2's CreateSnapshots ` +
                    `throttle (${CREATE_SNAPSHOTS_BURST} burst, ${CREATE_SNAPSHOTS_REFILL_PER_SECOND} per second refill, per account and region); ` +
                    "lower maxConcurrency or stagger the schedules.",
            );
        }
        for (const name of names) {
            if (messages.length > 0) {
                out.set(name, [...(out.get(name) ?? []), ...messages]);
            }
        }
    }
    return out;
}
