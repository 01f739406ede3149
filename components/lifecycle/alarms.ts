/**
 * The lifecycle's CloudWatch alarms, as plain specs (the LifecycleAlarms component turns each into an
 * aws.cloudwatch.MetricAlarm). Three questions, each answered by an alarm:
 * - did it run? the dead-man's switch: no verified run within the schedule's longest gap plus a margin;
 * - did it work? breaches the verification found (failed instances, contradicted sets, retention and drill failures);
 * - is the function healthy? its errors, and failures to deliver its failed invocations to the topic.
 *
 * The metrics are the ones functions/lifecycle publishes (namespace VssFleet/<env>, dimension Environment):
 * every completed verification publishes FailedInstances, even 0, so its sample count is the heartbeat.
 */
import type * as pulumi from "@pulumi/pulumi";
import { metricsNamespace } from "../../core/lifecycle/functionConfig";

export const ALARM_PERIOD_SECONDS = 3600;
/** The function's own metrics: five-minute periods, so an error reaches someone within minutes. */
const FUNCTION_PERIOD_SECONDS = 300;

export interface AlarmSpec {
    /** The alarm's part of its resource name ("<component>-alarm-<kind>"). */
    readonly kind: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    /** Literal strings, but for the function's name, known only once the function exists. */
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    readonly statistic: "SampleCount" | "Sum" | "Maximum";
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly threshold: number;
    readonly comparisonOperator: "LessThanThreshold" | "GreaterThanThreshold";
    readonly treatMissingData: "breaching" | "notBreaching";
}

export interface LifecycleAlarmsInput {
    readonly environment: string;
    /** The lifecycle function's name (AWS/Lambda's FunctionName dimension). */
    readonly functionName: pulumi.Input<string>;
    /** deadManHours(spec) from core/environment; undefined: the schedule is too sparse for an alarm. */
    readonly deadManHours?: number;
    readonly retention: boolean;
    readonly restoreDrill: boolean;
}

/** A metric of ours that must stay at 0: any datapoint above it alarms; no data is no news. */
function anyAbove(environment: string, kind: string, metricName: string, description: string): AlarmSpec {
    return {
        kind,
        description: `vss-fleet ${environment}: ${description}`,
        namespace: metricsNamespace(environment),
        metricName,
        dimensions: { Environment: environment },
        statistic: "Maximum",
        period: ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
    };
}

function functionMetric(input: LifecycleAlarmsInput, kind: string, metricName: string, description: string): AlarmSpec {
    return {
        kind,
        description: `vss-fleet ${input.environment}: ${description}`,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: input.functionName },
        statistic: "Sum",
        period: FUNCTION_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
    };
}

/**
 * The dead-man's switch: hourly periods, alarming only when every one of the last `hours` has no
 * verified run. Missing data is breaching, so a window that never ran, a verify task that never
 * started and a function that crashed before publishing all look the same: silence, then an alarm.
 * Hourly periods (not one long one) because CloudWatch aligns periods to the clock: a single period
 * of N hours could begin just after a run and miss it.
 */
export function deadManAlarm(environment: string, hours: number): AlarmSpec {
    return {
        kind: "no-verified-run",
        description: `vss-fleet ${environment}: no backup run was verified in the last ${hours} h (the schedule's longest gap plus a margin). Did the window run? Is the verify task failing?`,
        namespace: metricsNamespace(environment),
        metricName: "FailedInstances",
        dimensions: { Environment: environment },
        statistic: "SampleCount",
        period: ALARM_PERIOD_SECONDS,
        evaluationPeriods: hours,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
    };
}

export function lifecycleAlarmSpecs(input: LifecycleAlarmsInput): AlarmSpec[] {
    const env = input.environment;
    return [
        ...(input.deadManHours !== undefined ? [deadManAlarm(env, input.deadManHours)] : []),
        anyAbove(env, "failed-instances", "FailedInstances", "a verified run found instances without a good, fresh snapshot set."),
        anyAbove(env, "contradicted-sets", "ContradictedSets", "snapshot sets whose evidence disagrees (never deleted; look at them)."),
        ...(input.retention ? [anyAbove(env, "retention-failures", "RetentionFailures", "retention failed to delete snapshots.")] : []),
        ...(input.restoreDrill ? [anyAbove(env, "drill-failed", "DrillFailed", "a restore drill failed.")] : []),
        functionMetric(input, "function-errors", "Errors", "the lifecycle function failed (an exception or a timeout)."),
        functionMetric(
            input,
            "alert-delivery",
            "DestinationDeliveryFailures",
            "the lifecycle function could not hand a failed invocation to the alert topic.",
        ),
    ];
}

/**
 * EventBridge's pattern for these alarms going into ALARM. The alarms notify through the lifecycle
 * function, not straight to the topic: CloudWatch cannot publish to a topic encrypted with the AWS
 * managed key (the default here), and the function already relays AWS events (functions/lifecycle/relay.ts).
 */
export function alarmStatePattern(alarmArns: readonly string[]): Record<string, unknown> {
    return {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        resources: [...alarmArns],
        detail: { state: { value: ["ALARM"] } },
    };
}
