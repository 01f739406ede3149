/**
 * Knowing that it ran: how long the dead-man's switch waits for a verified run, and what the plan
 * warns about when an environment's alerts would reach nobody. The alarms themselves are built in
 * components/lifecycle/alarms.ts from these numbers.
 */
import { lifecycleEnabled, type EnvironmentSpec } from "./environment";
import { ALARM_LOOKBACK_MAX_HOURS, deadManHours, longestGapHours } from "./scheduleGap";

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
