/**
 * Knowing that it ran: how long the dead-man's switch waits for a verified run, and what the plan
 * warns about when an environment's alerts would reach nobody. The alarms themselves are built in
 * components/lifecycle/alarms.ts from these numbers.
 */
import { lifecycleEnabled, type EnvironmentSpec } from "./environment";
import { longestGapHours } from "./scheduleGap";

/**
 * The furthest back a CloudWatch alarm looks: Period × EvaluationPeriods may not exceed 7 days
 * (604,800 s) for periods of an hour or more, and 1 day below that (PutMetricAlarm, Period).
 */
export const ALARM_LOOKBACK_MAX_HOURS = 7 * 24;

/**
 * Hours without a verified run before the dead-man's switch alarms: the schedule's longest gap, plus
 * the window's duration (the verify task runs after the snapshot task, up to the window's end), plus
 * one hour for the function and the alarm's hourly periods, plus one for a daylight-saving shift.
 * Undefined when that is longer than an alarm can look back (a weekly or rarer schedule, or at(...)).
 */
export function deadManHours(spec: Pick<EnvironmentSpec, "schedule" | "durationHours">): number | undefined {
    const hours = Math.ceil(longestGapHours(spec.schedule) + spec.durationHours + 2);
    return hours <= ALARM_LOOKBACK_MAX_HOURS ? hours : undefined;
}

/** Whether the alerts have anyone to go to: an endpoint subscribed, or an existing topic used. */
export function hasSubscribers(spec: Pick<EnvironmentSpec, "notifications">): boolean {
    return (spec.notifications?.subscriptions ?? []).length > 0;
}

/** The plan's warnings about alerting, in words that say what is missing and what to add. */
export function alertWarnings(spec: Pick<EnvironmentSpec, "lifecycle" | "notifications" | "schedule" | "durationHours">): string[] {
    if (!lifecycleEnabled(spec)) {
        return [];
    }
    const warnings: string[] = [];
    if (!hasSubscribers(spec)) {
        warnings.push(
            "alerts go to a topic nobody subscribed to: add notifications.subscriptions (an email, an https endpoint or an existing topicArn)",
        );
    }
    const gap = longestGapHours(spec.schedule);
    // A one-time at(...) window has no next run to miss; the past-schedule warning covers one that never comes.
    if (deadManHours(spec) === undefined && Number.isFinite(gap)) {
        warnings.push(
            `no dead-man's switch: the schedule can leave ${gap} h between runs, and a CloudWatch alarm looks back at most ${ALARM_LOOKBACK_MAX_HOURS} h, ` +
                "so a run that never happens raises no alarm; run `vss-fleet verify` from a scheduler of your own to catch it",
        );
    }
    return warnings;
}
