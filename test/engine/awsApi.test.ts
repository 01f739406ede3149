/**
 * The shipped prod stack through the real Pulumi CLI, engine and Node.js language host into the AWS
 * API emulator: `pulumi up`/`refresh`/`preview`/`destroy` run literally on a copy of this repository
 * (the program is Pulumi.yaml's `stacks/index.ts`), and the provider installed as aws v7.48.0 is
 * test/engine/aws-api-provider, which calls the AWS API at AWS_ENDPOINT_URL (moto, started here as the
 * emulator tier starts it). `up` creates every resource in the emulator, `refresh` reads them back (a
 * change made behind Pulumi's back shows), `destroy` leaves no fleet resource in any service.
 * Everything asserted is read from the emulator with the SDK, not from Pulumi's state. One stack is
 * deployed once and carried through the steps: each command starts the host (tens of seconds).
 */
import * as assert from "assert";
import { DescribeTagsCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand, GetPolicyCommand } from "@aws-sdk/client-lambda";
import { ListRulesCommand as ListRecycleBinRulesCommand } from "@aws-sdk/client-rbin";
import {
    DeregisterTargetFromMaintenanceWindowCommand,
    DescribeDocumentCommand,
    DescribeMaintenanceWindowsCommand,
    DescribeMaintenanceWindowTargetsCommand,
    DescribeMaintenanceWindowTasksCommand,
    GetMaintenanceWindowTaskCommand,
    UpdateMaintenanceWindowTaskCommand,
} from "@aws-sdk/client-ssm";
import { emulatedAccount, PROD_ACCOUNT, REGION, type EmulatedAccount } from "./emulatedAccount";
import { clientsOf, fleetResources, type Clients } from "./fleetResources";
import { expectOk, requireEngine, Sandbox, urnsOf, type CliResult } from "./sandbox";

/** moto's Windows Server image (test/emulator/moto_server.py loads it). */
const WINDOWS_AMI = "ami-12c6146b";

/** `pulumi preview --json`'s digest: the steps it plans and their count per operation. */
interface PreviewDigest {
    steps?: { op: string; urn: string; diffReasons?: string[] }[];
    changeSummary?: Record<string, number>;
}

const ok = (result: CliResult) => (expectOk(result), result.stdout);

describe("engine tier: `pulumi` on the prod stack into the AWS API emulator, through the real CLI, host and the AWS-API provider", function () {
    this.timeout(900_000);
    let account: EmulatedAccount;
    let sandbox: Sandbox;
    let clients: Clients;
    let instanceId: string;
    let outputs: Record<string, unknown>;

    before(async function () {
        requireEngine();
        account = await emulatedAccount();
        clients = clientsOf(account.config);
        // The instance the stack enrolls by tagging it: a Windows instance that exists in the emulator.
        const run = await clients.ec2.send(
            new RunInstancesCommand({ ImageId: WINDOWS_AMI, MinCount: 1, MaxCount: 1, InstanceType: "t3.medium" }),
        );
        instanceId = run.Instances?.[0]?.InstanceId ?? "";

        sandbox = await Sandbox.create("aws-api");
        // The CLI, and so the provider it starts, act in the emulated prod account.
        Object.assign(sandbox.env, account.env);
        ok(await sandbox.cli(["stack", "init", "prod"]));
        // The stack file enrolls an instance of the example inventory; this account has the emulator's.
        ok(await sandbox.cli(["config", "set", "--path", "vss-fleet:instances[0]", instanceId, "-s", "prod"]));
    });

    after(async () => {
        sandbox?.dispose();
        await account?.emulator.stop();
    });

    it("up creates every resource of the stack in the emulator, with the ids and ARNs the API gave", async () => {
        sandbox.clearCalls();
        ok(await sandbox.cli(["up", "-s", "prod", "--yes"]));
        outputs = JSON.parse(ok(await sandbox.cli(["stack", "output", "-s", "prod", "--json"]))) as Record<string, unknown>;
        const created = urnsOf(sandbox.calls(), "Create");
        assert.strictEqual(created.length, 45, created.join("\n"));

        // The window, as the stack file says (stacks/Pulumi.prod.yaml).
        const windows = (await clients.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
        assert.deepStrictEqual(
            windows.map((w) => [w.WindowId, w.Schedule, w.ScheduleTimezone, w.Duration, w.Cutoff, w.Enabled]),
            [[outputs.windowId, "cron(30 2 ? * * *)", "America/New_York", 2, 1, true]],
        );
        const windowId = String(outputs.windowId);
        assert.match(windowId, /^mw-[0-9a-f]{17}$/);

        // Its target: the environment's target tags.
        const targets = (await clients.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets ?? [];
        assert.deepStrictEqual(
            targets.map((t) => [t.ResourceType, t.Targets]),
            [["INSTANCE", [{ Key: "tag:Backup", Values: ["prod"] }]]],
        );

        // The tasks: the document by name and version, on that target; then the function.
        const documentName = String(outputs.documentName);
        const document = (await clients.ssm.send(new DescribeDocumentCommand({ Name: documentName }))).Document;
        assert.strictEqual(document?.DocumentType, "Command");
        const tasks = (await clients.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks ?? [];
        const byType = Object.fromEntries(tasks.map((t) => [t.Type, t]));
        assert.deepStrictEqual(Object.keys(byType).sort(), ["LAMBDA", "RUN_COMMAND"]);
        const snapshot = byType.RUN_COMMAND;
        assert.strictEqual(snapshot.TaskArn, documentName);
        assert.deepStrictEqual(snapshot.Targets, [{ Key: "WindowTargetIds", Values: [targets[0].WindowTargetId] }]);
        assert.deepStrictEqual([snapshot.MaxConcurrency, snapshot.MaxErrors, snapshot.ServiceRoleArn], ["25%", "2", outputs.taskRoleArn]);
        const full = await clients.ssm.send(
            new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: snapshot.WindowTaskId }),
        );
        const runCommand = full.TaskInvocationParameters?.RunCommand;
        assert.strictEqual(runCommand?.DocumentVersion, document?.LatestVersion);
        assert.deepStrictEqual(
            [runCommand?.OutputS3BucketName, runCommand?.OutputS3KeyPrefix],
            ["example-prod-ssm-output", "vss-fleet/prod"],
        );
        assert.strictEqual(full.CutoffBehavior, "CONTINUE_TASK");

        // The function: its code is the stack's bundle, its environment names the window and the topic.
        const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: String(outputs.lifecycleFunctionName) }));
        assert.strictEqual(byType.LAMBDA.TaskArn, fn.Configuration?.FunctionArn);
        assert.deepStrictEqual(
            [fn.Configuration?.Runtime, fn.Configuration?.Handler, fn.Configuration?.Timeout],
            ["nodejs22.x", "index.handler", 900],
        );
        const variables = fn.Configuration?.Environment?.Variables ?? {};
        assert.strictEqual(variables.VSS_FLEET_ENVIRONMENT, "prod");
        assert.strictEqual(variables.VSS_FLEET_WINDOW_ID, windowId);
        assert.strictEqual(variables.VSS_FLEET_ALERT_TOPIC_ARN, outputs.alertTopicArn);
        assert.strictEqual(variables.VSS_FLEET_TARGET_TAGS, JSON.stringify({ Backup: "prod" }));
        assert.ok((fn.Configuration?.CodeSize ?? 0) > 10_000, `code of ${fn.Configuration?.CodeSize} bytes`);
        assert.match(String(outputs.alertTopicArn), new RegExp(`^arn:aws:sns:${REGION}:${PROD_ACCOUNT}:`));
        // The rules may invoke it: one permission per rule, each scoped to its rule's ARN.
        const statements = (
            JSON.parse(
                (await clients.lambda.send(new GetPolicyCommand({ FunctionName: fn.Configuration?.FunctionName }))).Policy ?? "{}",
            ) as {
                Statement: { Sid: string }[];
            }
        ).Statement;
        assert.strictEqual(statements.length, 5);

        // The instance carries the environment's target tag; the Recycle Bin keeps the environment's snapshots.
        const tags =
            (await clients.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [instanceId] }] }))).Tags ?? [];
        assert.deepStrictEqual(
            tags.map((t) => [t.Key, t.Value]),
            [["Backup", "prod"]],
        );
        const binRules =
            (
                await clients.rbin.send(
                    new ListRecycleBinRulesCommand({
                        ResourceType: "EBS_SNAPSHOT",
                        ResourceTags: [{ ResourceTagKey: "vss-fleet:environment", ResourceTagValue: "prod" }],
                    }),
                )
            ).Rules ?? [];
        assert.deepStrictEqual(
            binRules.map((r) => r.RetentionPeriod),
            [{ RetentionPeriodValue: 7, RetentionPeriodUnit: "DAYS" }],
        );

        // Counts per service, as the offline plan lists them (test/fixtures/golden/plan-example-fleet.txt).
        const all = await fleetResources(clients, instanceId);
        assert.deepStrictEqual(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.length])), {
            "iam roles": 3,
            "iam policies": 1,
            "iam instance profiles": 1,
            "ssm documents": 1,
            "ssm maintenance windows": 1,
            "lambda functions": 1,
            "eventbridge rules": 5,
            "cloudwatch alarms": 7,
            "cloudwatch log groups": 1,
            "sns topics": 1,
            "sns subscriptions": 2,
            "recycle bin rules": 1,
            "ec2 tags on the enrolled instance": 1,
        });
        for (const rule of all["eventbridge rules"]) {
            const ruleTargets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets ?? [];
            assert.deepStrictEqual(
                ruleTargets.map((t) => t.Arn),
                [fn.Configuration?.FunctionArn],
                rule,
            );
        }
    });

    it("refresh of the untouched stack reads every resource back unchanged: no drift", async () => {
        sandbox.clearCalls();
        const refreshed = ok(await sandbox.cli(["refresh", "-s", "prod", "--yes", "--skip-preview"]));
        assert.match(refreshed, /^ {4}55 unchanged$/m, refreshed);
        const reads = sandbox.calls().filter((c) => c.method === "Read");
        assert.strictEqual(reads.length, 45);
        const preview = JSON.parse(ok(await sandbox.cli(["preview", "-s", "prod", "--json"]))) as PreviewDigest;
        assert.deepStrictEqual(preview.changeSummary, { same: 55 });
    });

    it("a task changed and a target deleted behind Pulumi's back: refresh shows both, up puts them back", async () => {
        const windowId = String(outputs.windowId);
        const tasks = (await clients.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks ?? [];
        const snapshot = tasks.find((t) => t.Type === "RUN_COMMAND");
        await clients.ssm.send(
            new UpdateMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: snapshot?.WindowTaskId, MaxErrors: "50%" }),
        );

        const refreshed = ok(await sandbox.cli(["refresh", "-s", "prod", "--yes", "--skip-preview"]));
        assert.match(refreshed, /^ {4}~ 1 updated$/m, refreshed);
        const planned = JSON.parse(ok(await sandbox.cli(["preview", "-s", "prod", "--json"]))) as PreviewDigest;
        assert.strictEqual(planned.changeSummary?.update, 1, JSON.stringify(planned.changeSummary));
        const steps = (planned.steps ?? []).filter((s) => s.op === "update");
        assert.deepStrictEqual(
            steps.map((s) => [s.urn.split("::").at(-2)?.split("$").at(-1), s.diffReasons]),
            [["aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", ["maxErrors"]]],
        );

        const targets = (await clients.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets ?? [];
        await clients.ssm.send(
            new DeregisterTargetFromMaintenanceWindowCommand({ WindowId: windowId, WindowTargetId: targets[0].WindowTargetId }),
        );
        const gone = ok(await sandbox.cli(["refresh", "-s", "prod", "--yes", "--skip-preview"]));
        assert.match(gone, /^ {4}- 1 deleted$/m, gone);

        sandbox.clearCalls();
        ok(await sandbox.cli(["up", "-s", "prod", "--yes"]));
        assert.deepStrictEqual(
            urnsOf(sandbox.calls(), "Create").map((urn) => urn.split("::").at(-2)?.split("$").at(-1)),
            ["aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget"],
        );
        const after = (await clients.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks ?? [];
        const newTargets = (await clients.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets ?? [];
        assert.strictEqual(newTargets.length, 1);
        const restoredTask = after.find((t) => t.Type === "RUN_COMMAND");
        assert.deepStrictEqual(
            [restoredTask?.MaxErrors, restoredTask?.Targets],
            ["2", [{ Key: "WindowTargetIds", Values: [newTargets[0].WindowTargetId] }]],
        );
    });

    it("destroy leaves no fleet resource in any service of the emulator but the retained Recycle Bin rule", async () => {
        const binRules = (await fleetResources(clients, instanceId))["recycle bin rules"];
        assert.strictEqual(binRules.length, 1);
        ok(await sandbox.cli(["destroy", "-s", "prod", "--yes"]));
        const left = await fleetResources(clients, instanceId);
        // But the Recycle Bin rule: the stack retains it on delete (components/recycleBin.ts), so a destroy
        // never makes the environment's deleted snapshots unrecoverable.
        assert.deepStrictEqual(Object.fromEntries(Object.entries(left).filter(([, v]) => v.length > 0)), {
            "recycle bin rules": binRules,
        });
        const state = JSON.parse(ok(await sandbox.cli(["stack", "export", "-s", "prod"]))) as { deployment: { resources?: unknown[] } };
        assert.deepStrictEqual(state.deployment.resources ?? [], []);
    });
});
