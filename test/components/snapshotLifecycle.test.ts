/** SnapshotLifecycle inside an environment, under Pulumi's mock runtime. */
import * as assert from "assert";
import { runUnderMocks, type RecordedResource } from "../../automation/offline/mockRuntime";
import { drillPayload, verifyRunPayload } from "../../components/lifecycle/eventPatterns";
import { readConfig } from "../../core/lifecycle/functionConfig";
import { defineEnvironment } from "../../stacks/program";
import { only, ofType, specOf } from "../helpers";

const T = {
    fn: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    rule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    task: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
    window: "aws:ssm/maintenanceWindow:MaintenanceWindow",
    document: "aws:ssm/document:Document",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
};

async function graphOf(overrides: Record<string, unknown>): Promise<RecordedResource[]> {
    const spec = specOf({ targetTags: { Backup: "prod" }, ...overrides });
    const { resources } = await runUnderMocks(() => defineEnvironment(spec, "acme"), { project: "vss-fleet", stack: spec.name });
    return resources;
}

const policyOf = (r: RecordedResource) =>
    JSON.parse(String(r.inputs.policy)) as { Statement: { Sid: string; Action: unknown; Resource: unknown }[] };
/** What the mock (like AWS) calls the resource: its explicit name, else its logical name. */
const physicalName = (r: RecordedResource) => String(r.inputs.name ?? r.name);
const sids = (r: RecordedResource) => policyOf(r).Statement.map((s) => s.Sid);

describe("the snapshot lifecycle in an environment", () => {
    it("is deployed by default, and not at all with lifecycle: false", async () => {
        assert.strictEqual(ofType(await graphOf({}), T.fn).length, 1);
        const resources = await graphOf({ lifecycle: false });
        for (const type of [T.fn, T.rule, T.topic, T.alarm, "vss-fleet:lifecycle:SnapshotLifecycle"]) {
            assert.strictEqual(ofType(resources, type).length, 0, type);
        }
    });

    describe("with verification only (lifecycle: true)", () => {
        let resources: RecordedResource[];
        before(async () => (resources = await graphOf({ lifecycle: true })));

        it("deploys the bundled function on Node.js 22 with its configuration", () => {
            const fn = only(resources, T.fn);
            assert.strictEqual(fn.inputs.runtime, "nodejs22.x");
            assert.strictEqual(fn.inputs.handler, "index.handler");
            assert.strictEqual(fn.inputs.timeout, 900);
            const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
            assert.deepStrictEqual(readConfig(variables), {
                environment: "prod",
                fleet: "acme",
                targetTags: { Backup: "prod" },
                rpoHours: 26,
                excludeBootVolume: false,
                alertTopicArn: "arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts",
                windowId: "prod-backup-window-id",
            });
            assert.deepStrictEqual(fn.inputs.loggingConfig, { logFormat: "Text", logGroup: "/vss-fleet/prod/lifecycle" });
            assert.strictEqual(only(resources, T.logGroup).inputs.name, "/vss-fleet/prod/lifecycle");
        });

        it("runs the function as the window's second task, after the snapshot task, with the execution id", () => {
            const tasks = ofType(resources, T.task);
            const snapshotTask = tasks.find((t) => t.inputs.taskType === "RUN_COMMAND");
            const verifyTask = tasks.find((t) => t.inputs.taskType === "LAMBDA");
            assert.ok(snapshotTask && verifyTask);
            assert.ok(Number(verifyTask.inputs.priority) > Number(snapshotTask.inputs.priority));
            assert.strictEqual(verifyTask.inputs.windowId, only(resources, T.window).id);
            assert.strictEqual(verifyTask.inputs.taskArn, "arn:aws:lambda:us-east-1:111111111111:function:prod-lifecycle-fn");
            assert.strictEqual(verifyTask.inputs.serviceRoleArn, snapshotTask.inputs.serviceRoleArn);
            assert.strictEqual(verifyTask.inputs.targets, undefined, "a Lambda task needs no targets");
            assert.deepStrictEqual(verifyTask.inputs.taskInvocationParameters, { lambdaParameters: { payload: verifyRunPayload() } });
        });

        it("lets the window's task role invoke this function and nothing else of Lambda's", () => {
            const invoke = only(resources, T.rolePolicy, "window-invokes");
            assert.strictEqual(invoke.inputs.role, "prod-task-role");
            assert.deepStrictEqual(
                policyOf(invoke).Statement.map((s) => [s.Action, s.Resource]),
                [["lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111111111111:function:prod-lifecycle-fn"]],
            );
        });

        it("sends the three kinds of AWS-reported failure and its alarms through the function, each rule alone allowed to invoke it", () => {
            const rules = ofType(resources, T.rule);
            assert.strictEqual(rules.length, 4);
            const patterns = rules.map((r) => JSON.parse(String(r.inputs.eventPattern)));
            const window = patterns.find((p) => p["detail-type"][0] === "Maintenance Window Execution State-change Notification");
            assert.deepStrictEqual(window.detail["window-id"], [only(resources, T.window).id]);
            const command = patterns.find((p) => p["detail-type"][0] === "EC2 Command Invocation Status-change Notification");
            assert.deepStrictEqual(command.detail["document-name"], [physicalName(only(resources, T.document))]);
            for (const target of ofType(resources, T.eventTarget)) {
                assert.strictEqual(target.inputs.arn, "arn:aws:lambda:us-east-1:111111111111:function:prod-lifecycle-fn");
            }
            assert.deepStrictEqual(
                ofType(resources, T.permission).map((p) => [p.inputs.principal, p.inputs.sourceArn, p.inputs.sourceAccount]),
                ["snapshots", "window", "command", "alarms"].map((kind) => [
                    "events.amazonaws.com",
                    `arn:aws:events:us-east-1:111111111111:rule/prod-lc-${kind}`,
                    "111111111111",
                ]),
            );
            assert.strictEqual(ofType(resources, T.topicPolicy).length, 0, "EventBridge no longer publishes to the topic itself");
        });

        it("encrypts the alert topic with AWS's managed key by default, and sends the function's final failures there", () => {
            assert.strictEqual(only(resources, T.topic).inputs.kmsMasterKeyId, "alias/aws/sns");
            const config = only(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
            assert.deepStrictEqual(config.inputs.destinationConfig, {
                onFailure: { destination: "arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts" },
            });
            assert.strictEqual(config.inputs.functionName, "prod-lifecycle-fn");
            assert.strictEqual(only(resources, T.fn).inputs.reservedConcurrentExecutions, 2);
        });

        it("keeps logs 90 days by default, and puts no secret in the function's environment", () => {
            assert.deepStrictEqual(
                ofType(resources, T.logGroup).map((g) => [g.inputs.name, g.inputs.retentionInDays]),
                [["/vss-fleet/prod/lifecycle", 90]],
            );
            const variables = (only(resources, T.fn).inputs.environment as { variables: Record<string, string> }).variables;
            const secretLike = /secret|password|token|credential|private|api[-_]?key|AKIA[0-9A-Z]{16}|aws_secret/i;
            for (const [key, value] of Object.entries(variables)) {
                assert.ok(key.startsWith("VSS_FLEET_"), key);
                assert.doesNotMatch(`${key}=${value}`, secretLike, key);
            }
        });

        it("grants neither deletes nor volume creation without retention or drills", () => {
            const permissions = only(resources, T.rolePolicy, "lifecycle-permissions");
            assert.deepStrictEqual(sids(permissions), [
                "ReadInstancesSnapshotsAndRuns",
                "RecordProvenanceOnOwnSnapshots",
                "RecordInstanceOnOwnSnapshots",
                "PublishOnlyItsEnvironmentsMetrics",
                "AlertOnlyTheEnvironmentsTopic",
                "WriteOwnLogs",
            ]);
            assert.ok(!ofType(resources, T.permission).some((p) => p.name.endsWith("drill-invokes")), "no schedule invokes it");
        });

        it("tags what it creates with the environment and fleet", () => {
            for (const type of [T.fn, T.rule, T.topic, T.logGroup]) {
                for (const r of ofType(resources, type)) {
                    const tags = r.inputs.tags as Record<string, string>;
                    assert.strictEqual(tags["vss-fleet:environment"], "prod", r.name);
                    assert.strictEqual(tags["vss-fleet:fleet"], "acme", r.name);
                }
            }
        });
    });

    describe("with retention and restore drills", () => {
        let resources: RecordedResource[];
        before(
            async () =>
                (resources = await graphOf({
                    retention: { days: 35, minSets: 7 },
                    restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: 2 },
                })),
        );

        it("schedules drills with an EventBridge rule that alone may invoke the function", () => {
            const drill = only(resources, T.rule, "lc-drill");
            assert.strictEqual(drill.inputs.scheduleExpression, "cron(0 6 ? * SUN *)");
            const permission = only(resources, T.permission, "drill-invokes");
            assert.strictEqual(permission.inputs.principal, "events.amazonaws.com");
            assert.strictEqual(permission.inputs.sourceArn, "arn:aws:events:us-east-1:111111111111:rule/prod-lc-drill");
            assert.strictEqual(permission.inputs.sourceAccount, "111111111111");
            const target = only(resources, T.eventTarget, "drill-target");
            assert.strictEqual(target.inputs.input, drillPayload());
        });

        it("hands the function its retention rule and drill size, and the role the matching permissions", () => {
            const variables = (only(resources, T.fn).inputs.environment as { variables: Record<string, string> }).variables;
            const config = readConfig(variables);
            assert.deepStrictEqual(config.retention, { days: 35, minSets: 7 });
            assert.strictEqual(config.drillInstancesPerRun, 2);
            const granted = sids(only(resources, T.rolePolicy, "lifecycle-permissions"));
            assert.ok(granted.includes("DeleteOnlyThisFleetsEnvironmentSnapshots"));
            assert.ok(granted.includes("CreateOnlyTaggedDrillVolumes"));
            assert.ok(granted.includes("DeleteOnlyDrillVolumes"));
        });

        it("registers the component once with its type token", () => {
            const found = ofType(resources, "vss-fleet:lifecycle:SnapshotLifecycle");
            assert.strictEqual(found.length, 1);
            assert.strictEqual(found[0].custom, false);
        });
    });

    describe("with the hygiene options set", () => {
        let resources: RecordedResource[];
        const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        before(
            async () =>
                (resources = await graphOf({
                    lifecycle: true,
                    alertTopicKmsKeyArn: key,
                    lifecycleReservedConcurrency: 5,
                    logRetentionDays: 30,
                    recycleBinDays: 14,
                    logging: { cloudWatchLogGroupName: "/vss-fleet/prod/output" },
                })),
        );

        it("uses the customer managed key, the reserved concurrency and the retention given", () => {
            assert.strictEqual(only(resources, T.topic).inputs.kmsMasterKeyId, key);
            assert.strictEqual(only(resources, T.fn).inputs.reservedConcurrentExecutions, 5);
            assert.deepStrictEqual(
                ofType(resources, T.logGroup)
                    .map((g) => [g.inputs.name, g.inputs.retentionInDays])
                    .sort(),
                [
                    ["/vss-fleet/prod/lifecycle", 30],
                    ["/vss-fleet/prod/output", 30],
                ],
            );
        });

        it("keeps deleted snapshots of the environment, and only those, in the Recycle Bin", () => {
            const rule = only(resources, "aws:rbin/rule:Rule");
            assert.strictEqual(rule.inputs.resourceType, "EBS_SNAPSHOT");
            assert.deepStrictEqual(rule.inputs.resourceTags, [{ resourceTagKey: "vss-fleet:environment", resourceTagValue: "prod" }]);
            assert.deepStrictEqual(rule.inputs.retentionPeriod, { retentionPeriodValue: 14, retentionPeriodUnit: "DAYS" });
        });
    });

    describe("alarms and subscriptions", () => {
        const alarmsOf = (resources: RecordedResource[]) => ofType(resources, T.alarm);
        const kindOf = (alarm: RecordedResource) => alarm.name.replace(/^prod-lifecycle-alarm-/, "");

        it("creates the dead-man's switch for the daily default schedule: 27 hourly periods, missing data breaching", async () => {
            const resources = await graphOf({});
            const alarms = alarmsOf(resources);
            assert.deepStrictEqual(alarms.map(kindOf), [
                "no-verified-run",
                "failed-instances",
                "contradicted-sets",
                "function-errors",
                "alert-delivery",
            ]);
            const deadMan = alarms[0];
            assert.strictEqual(deadMan.inputs.evaluationPeriods, 27);
            assert.strictEqual(deadMan.inputs.period, 3600);
            assert.strictEqual(deadMan.inputs.treatMissingData, "breaching");
            assert.deepStrictEqual(deadMan.inputs.dimensions, { Environment: "prod" });
            assert.deepStrictEqual(alarms[3].inputs.dimensions, { FunctionName: "prod-lifecycle-fn" });
            assert.strictEqual(deadMan.inputs.alarmActions, undefined, "alarms notify through the function, not the topic");
        });

        it("relays exactly these alarms' state changes to the function", async () => {
            const resources = await graphOf({});
            const rule = only(resources, T.rule, "prod-lc-alarms");
            const pattern = JSON.parse(String(rule.inputs.eventPattern));
            assert.deepStrictEqual(
                pattern.resources,
                alarmsOf(resources).map((a) => `arn:aws:cloudwatch:us-east-1:111111111111:alarm:${a.name}`),
            );
            assert.strictEqual(
                only(resources, T.eventTarget, "alarms-alert").inputs.arn,
                "arn:aws:lambda:us-east-1:111111111111:function:prod-lifecycle-fn",
            );
        });

        it("has no dead-man's switch for a weekly schedule, whose gap a CloudWatch alarm cannot wait out", async () => {
            const kinds = alarmsOf(await graphOf({ schedule: "cron(0 4 ? * SUN *)" })).map(kindOf);
            assert.ok(!kinds.includes("no-verified-run"));
            assert.strictEqual(kinds.length, 4);
        });

        it("subscribes each email and HTTPS endpoint to the alert topic", async () => {
            const resources = await graphOf({
                notifications: { subscriptions: [{ email: "oncall@example.com" }, { https: "https://alerts.example.com/sns" }] },
            });
            assert.deepStrictEqual(
                ofType(resources, T.subscription).map((s) => [s.inputs.topic, s.inputs.protocol, s.inputs.endpoint]),
                [
                    ["arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts", "email", "oncall@example.com"],
                    ["arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts", "https", "https://alerts.example.com/sns"],
                ],
            );
        });

        it("uses an existing topic instead of creating one: the function, its destination and its role point there alone", async () => {
            const team = "arn:aws:sns:us-east-1:111111111111:team-alerts";
            const resources = await graphOf({ notifications: { subscriptions: [{ topicArn: team }, { email: "oncall@example.com" }] } });
            assert.strictEqual(ofType(resources, T.topic).length, 0);
            const variables = (only(resources, T.fn).inputs.environment as { variables: Record<string, string> }).variables;
            assert.strictEqual(readConfig(variables).alertTopicArn, team);
            const config = only(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
            assert.deepStrictEqual(config.inputs.destinationConfig, { onFailure: { destination: team } });
            const publish = policyOf(only(resources, T.rolePolicy, "lifecycle-permissions")).Statement.find(
                (st) => st.Sid === "AlertOnlyTheEnvironmentsTopic",
            );
            assert.strictEqual(publish?.Resource, team);
            assert.deepStrictEqual(
                ofType(resources, T.subscription).map((s) => [s.inputs.topic, s.inputs.endpoint]),
                [[team, "oncall@example.com"]],
            );
        });
    });

    it("has a Recycle Bin rule of 7 days even without the lifecycle function", async () => {
        const rule = only(await graphOf({}), "aws:rbin/rule:Rule");
        assert.deepStrictEqual(rule.inputs.retentionPeriod, { retentionPeriodValue: 7, retentionPeriodUnit: "DAYS" });
    });
});
