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
    it("is not deployed unless the spec asks for it", async () => {
        const resources = await graphOf({});
        for (const type of [T.fn, T.rule, T.topic, "vss-fleet:lifecycle:SnapshotLifecycle"]) {
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

        it("sends the three kinds of AWS-reported failure to the alert topic, whose policy names exactly those rules", () => {
            const rules = ofType(resources, T.rule);
            assert.strictEqual(rules.length, 3);
            const patterns = rules.map((r) => JSON.parse(String(r.inputs.eventPattern)));
            const window = patterns.find((p) => p["detail-type"][0] === "Maintenance Window Execution State-change Notification");
            assert.deepStrictEqual(window.detail["window-id"], [only(resources, T.window).id]);
            const command = patterns.find((p) => p["detail-type"][0] === "EC2 Command Invocation Status-change Notification");
            assert.deepStrictEqual(command.detail["document-name"], [physicalName(only(resources, T.document))]);
            const topicArn = "arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts";
            for (const target of ofType(resources, T.eventTarget)) {
                assert.strictEqual(target.inputs.arn, topicArn);
            }
            const condition = (
                policyOf(only(resources, T.topicPolicy)).Statement[0] as unknown as {
                    Condition: { ArnEquals: { "aws:SourceArn": string[] } };
                }
            ).Condition;
            assert.deepStrictEqual(
                condition.ArnEquals["aws:SourceArn"],
                rules.map((r) => `arn:aws:events:us-east-1:111111111111:rule/${r.name}`),
            );
        });

        it("grants neither deletes nor volume creation without retention or drills", () => {
            const permissions = only(resources, T.rolePolicy, "lifecycle-permissions");
            assert.deepStrictEqual(sids(permissions), [
                "ReadInstancesSnapshotsAndRuns",
                "PublishOnlyVssFleetMetrics",
                "AlertOnlyTheEnvironmentsTopic",
                "WriteOwnLogs",
            ]);
            assert.strictEqual(ofType(resources, T.permission).length, 0, "no schedule invokes it");
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
            const permission = only(resources, T.permission);
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
});
