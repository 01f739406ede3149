/** The alarm builder, driven with literal values (the component only turns each spec into a MetricAlarm). */
import * as assert from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { alarmStatePattern, deadManAlarm, lifecycleAlarmSpecs } from "../../components/lifecycle/alarms";
import { alertSubscriptions, existingAlertTopic } from "../../components/lifecycle/subscriptions";

const BASE = { environment: "prod", functionName: "prod-lifecycle-fn-1a2b3c4", retention: false, restoreDrill: false };

describe("the lifecycle's alarms", () => {
    it("has a dead-man's switch: every one of the last N hours without a verified run, missing data breaching", () => {
        assert.deepStrictEqual(deadManAlarm("prod", 27), {
            kind: "no-verified-run",
            description:
                "vss-fleet prod: no backup run was verified in the last 27 h (the schedule's longest gap plus a margin). Did the window run? Is the verify task failing?",
            namespace: "VssFleet/prod",
            metricName: "FailedInstances",
            dimensions: { Environment: "prod" },
            statistic: "SampleCount",
            period: 3600,
            evaluationPeriods: 27,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
        });
    });

    it("stays within CloudWatch's 7-day look-back for the longest window the spec allows", () => {
        const alarm = deadManAlarm("prod", 168);
        assert.strictEqual(alarm.period * alarm.evaluationPeriods, 604_800);
    });

    it("alarms on breaches, contradicted sets and the function's errors; retention and drills only when on", () => {
        const kinds = (input: Partial<typeof BASE> & { deadManHours?: number }) =>
            lifecycleAlarmSpecs({ ...BASE, ...input }).map((a) => a.kind);
        assert.deepStrictEqual(kinds({ deadManHours: 27 }), [
            "no-verified-run",
            "failed-instances",
            "contradicted-sets",
            "function-errors",
            "alert-delivery",
        ]);
        assert.deepStrictEqual(kinds({}), ["failed-instances", "contradicted-sets", "function-errors", "alert-delivery"]);
        assert.deepStrictEqual(kinds({ retention: true, restoreDrill: true }), [
            "failed-instances",
            "contradicted-sets",
            "retention-failures",
            "drill-failed",
            "function-errors",
            "alert-delivery",
        ]);
    });

    it("watches the environment's own metrics and the function by name, each datapoint above 0 alarming", () => {
        const specs = lifecycleAlarmSpecs({ ...BASE, retention: true, restoreDrill: true });
        const byKind = new Map(specs.map((s) => [s.kind, s]));
        assert.deepStrictEqual(
            specs.map((s) => [
                s.kind,
                s.namespace,
                s.metricName,
                s.statistic,
                s.period,
                s.threshold,
                s.comparisonOperator,
                s.treatMissingData,
            ]),
            [
                ["failed-instances", "VssFleet/prod", "FailedInstances", "Maximum", 3600, 0, "GreaterThanThreshold", "notBreaching"],
                ["contradicted-sets", "VssFleet/prod", "ContradictedSets", "Maximum", 3600, 0, "GreaterThanThreshold", "notBreaching"],
                ["retention-failures", "VssFleet/prod", "RetentionFailures", "Maximum", 3600, 0, "GreaterThanThreshold", "notBreaching"],
                ["drill-failed", "VssFleet/prod", "DrillFailed", "Maximum", 3600, 0, "GreaterThanThreshold", "notBreaching"],
                ["function-errors", "AWS/Lambda", "Errors", "Sum", 300, 0, "GreaterThanThreshold", "notBreaching"],
                ["alert-delivery", "AWS/Lambda", "DestinationDeliveryFailures", "Sum", 300, 0, "GreaterThanThreshold", "notBreaching"],
            ],
        );
        assert.deepStrictEqual(byKind.get("failed-instances")?.dimensions, { Environment: "prod" });
        assert.deepStrictEqual(byKind.get("function-errors")?.dimensions, { FunctionName: "prod-lifecycle-fn-1a2b3c4" });
    });

    it("names only metrics the lifecycle function really publishes", () => {
        const dir = path.join(__dirname, "../../functions/lifecycle");
        const source = readdirSync(dir)
            .map((f) => readFileSync(path.join(dir, f), "utf8"))
            .join("\n");
        const published = new Set([...source.matchAll(/MetricName: "(\w+)"/g)].map((m) => m[1]));
        const ours = lifecycleAlarmSpecs({ ...BASE, deadManHours: 27, retention: true, restoreDrill: true }).filter(
            (s) => s.namespace === "VssFleet/prod",
        );
        for (const spec of ours) {
            assert.ok(published.has(spec.metricName), `${spec.metricName} is not published by functions/lifecycle`);
        }
    });

    it("relays only these alarms, and only into ALARM", () => {
        const arns = ["arn:aws:cloudwatch:us-east-1:111111111111:alarm:prod-lifecycle-alarm-no-verified-run-1a2b3c4"];
        assert.deepStrictEqual(alarmStatePattern(arns), {
            source: ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            resources: arns,
            detail: { state: { value: ["ALARM"] } },
        });
    });
});

describe("the alert subscriptions", () => {
    it("subscribes emails and HTTPS endpoints, each once, named by a hash rather than by position", () => {
        const specs = alertSubscriptions([
            { email: "oncall@example.com" },
            { https: "https://alerts.example.com/sns" },
            { email: "oncall@example.com" },
            { topicArn: "arn:aws:sns:us-east-1:111111111111:team" },
        ]);
        assert.deepStrictEqual(
            specs.map((s) => [s.protocol, s.endpoint]),
            [
                ["email", "oncall@example.com"],
                ["https", "https://alerts.example.com/sns"],
            ],
        );
        assert.match(specs[0].key, /^email-[0-9a-f]{8}$/);
        const reordered = alertSubscriptions([{ https: "https://alerts.example.com/sns" }, { email: "oncall@example.com" }]);
        assert.deepStrictEqual(reordered.map((s) => s.key).sort(), specs.map((s) => s.key).sort());
    });

    it("uses an existing topic when one is named, else none", () => {
        assert.strictEqual(
            existingAlertTopic([{ email: "a@example.com" }, { topicArn: "arn:aws:sns:us-east-1:111111111111:team" }]),
            "arn:aws:sns:us-east-1:111111111111:team",
        );
        assert.strictEqual(existingAlertTopic([{ email: "a@example.com" }]), undefined);
        assert.strictEqual(existingAlertTopic([]), undefined);
    });
});
