/**
 * What the function tells operators: CloudWatch metrics on every invocation (so alarms and dashboards
 * see healthy runs too) and one SNS message, only when something failed.
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { metricsNamespace } from "../../core/lifecycle/functionConfig";

/** PutMetricData takes at most 1,000 metrics per request. */
const METRICS_PER_REQUEST = 1000;

export type Metric = Pick<MetricDatum, "MetricName" | "Value" | "Unit"> & { readonly instanceId?: string };

/** Every metric carries the Environment dimension; per-instance metrics add InstanceId. */
export function metricData(environment: string, metrics: readonly Metric[], now: Date): MetricDatum[] {
    return metrics.map(({ instanceId, ...metric }) => ({
        ...metric,
        Timestamp: now,
        Dimensions: [{ Name: "Environment", Value: environment }, ...(instanceId ? [{ Name: "InstanceId", Value: instanceId }] : [])],
    }));
}

export async function putMetrics(cloudWatch: CloudWatchClient, environment: string, data: readonly MetricDatum[]): Promise<void> {
    for (let i = 0; i < data.length; i += METRICS_PER_REQUEST) {
        await cloudWatch.send(
            new PutMetricDataCommand({ Namespace: metricsNamespace(environment), MetricData: data.slice(i, i + METRICS_PER_REQUEST) }),
        );
    }
}

export interface Failure {
    /** The instance (with its Name tag) or the step that failed. */
    readonly subject: string;
    readonly reasons: readonly string[];
}

/** SNS subjects are at most 100 ASCII characters; messages at most 256 KB. */
const SUBJECT_MAX = 100;
const MESSAGE_MAX = 200_000;

export function alertMessage(environment: string, what: string, failures: readonly Failure[]): { subject: string; message: string } {
    const subject = `vss-fleet ${environment}: ${what} failed for ${failures.length}`.slice(0, SUBJECT_MAX);
    const lines = [`vss-fleet environment ${environment}: ${what} found ${failures.length} problem(s).`, ""];
    for (const failure of failures) {
        lines.push(failure.subject, ...failure.reasons.map((r) => `  - ${r}`));
    }
    lines.push(
        "",
        "Run `vss-fleet verify <manifest> --env " + environment + "` for the full picture; docs/restore.md shows how to restore.",
    );
    const message = lines.join("\n");
    return { subject, message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}\n[truncated]` : message };
}

/** Publishes only when there is something to say: no news is good news, and the metrics show the rest. */
export async function alertOnFailures(sns: SNSClient, topicArn: string, environment: string, what: string, failures: readonly Failure[]) {
    if (failures.length === 0) {
        return false;
    }
    const { subject, message } = alertMessage(environment, what, failures);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    return true;
}

export function instanceLabel(instance: { readonly instanceId: string; readonly name?: string }): string {
    return instance.name ? `${instance.instanceId} (${instance.name})` : instance.instanceId;
}
