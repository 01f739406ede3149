import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import type { AlarmSpec } from "./alarms";

export interface LifecycleAlarmsArgs {
    /** The alarms to create (lifecycleAlarmSpecs); the component adds nothing of its own. */
    readonly specs: readonly AlarmSpec[];
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** One MetricAlarm per spec, no actions of their own: SnapshotLifecycle relays their state changes. */
export class LifecycleAlarms extends pulumi.ComponentResource {
    public readonly alarms: aws.cloudwatch.MetricAlarm[];

    constructor(name: string, args: LifecycleAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:lifecycle:LifecycleAlarms", name, {}, opts);
        this.alarms = args.specs.map(
            (spec) =>
                new aws.cloudwatch.MetricAlarm(
                    childName(name, spec.kind),
                    {
                        alarmDescription: spec.description,
                        namespace: spec.namespace,
                        metricName: spec.metricName,
                        dimensions: { ...spec.dimensions },
                        statistic: spec.statistic,
                        period: spec.period,
                        evaluationPeriods: spec.evaluationPeriods,
                        threshold: spec.threshold,
                        comparisonOperator: spec.comparisonOperator,
                        treatMissingData: spec.treatMissingData,
                        tags: args.tags,
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({ alarmArns: this.alarms.map((a) => a.arn) });
    }
}
