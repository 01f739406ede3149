/**
 * The whole path on what a deployment produced: `vss-fleet apply` (a process, the real Pulumi CLI,
 * engine and Node.js language host, the AWS-API provider) deploys the prod environment of a fleet
 * manifest into the AWS API emulator, and every later step reads its inputs from the emulator, never
 * from the test's own copy of the stack: the window's targets resolve the enrolled instance by the
 * tags the stack wrote, the harness plays the window's execution as the deployed RUN_COMMAND task
 * says (document name and version, parameters, rate control), the document's snapshot tags and
 * description come from the deployed document, and the lifecycle function runs with the environment
 * moto holds for it (its code is checked to be the deployed bundle): the nightly verify-run, on the
 * next night again with retention, then the restore drill with the input its deployed schedule rule
 * sends. `vss-fleet verify` (a process, live against the emulator) then says OK; `vss-fleet drift`
 * finds a target deleted behind Pulumi's back (exit 3); `vss-fleet destroy --yes` removes the fleet's
 * resources, listed per service, while the snapshots stay.
 *
 * The function runs in this process (moto cannot run a Lambda's code), with the deployed
 * configuration as its environment. The nights are real time apart (seconds): retention runs but,
 * with 35 days and 7 sets to keep, deletes nothing; a month of nights with retention deleting is the
 * emulator tier's (test/emulator/month.test.ts).
 */
import * as assert from "assert";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DescribeInstancesCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { ListRulesCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand } from "@aws-sdk/client-lambda";
import {
    DeregisterTargetFromMaintenanceWindowCommand,
    DescribeMaintenanceWindowsCommand,
    DescribeMaintenanceWindowTargetsCommand,
    DescribeMaintenanceWindowTasksCommand,
    GetDocumentCommand,
    GetMaintenanceWindowTaskCommand,
    SendCommandCommand,
    UpdateMaintenanceWindowTaskCommand,
} from "@aws-sdk/client-ssm";
import { lifecycleFunctionBundle, HANDLER_FILE } from "../../components/lifecycle/functionBundle";
import type { CommandDocument } from "../../components/document";
import type { EnvironmentSpec } from "../../core/environment";
import { handler } from "../../functions/lifecycle/handler";
import { documentTags, launchWindows, runDocument, type SimEnvironment, type SimInstance } from "../emulator/fleet";
import { zipArchive } from "./aws-api-provider/archive";
import { emulatedAccount, PROD_ACCOUNT, REGION, withEnv, type EmulatedAccount } from "./emulatedAccount";
import { clientsOf, fleetResources, type Clients } from "./fleetResources";
import { REPO, requireEngine, Sandbox, urnsOf } from "./sandbox";

/** The engine's wire form of the stack's AssetArchive (components/snapshotLifecycle.ts), for the code hash. */
function deployedArchive(): unknown {
    const sig = "4dabf18193072939515e22adb298388d";
    return {
        [sig]: "0def7320c3a5731c473e5ecbe6d01bc7",
        assets: { [HANDLER_FILE]: { [sig]: "c44067f5952c0a294b673a41bacd8c17", text: lifecycleFunctionBundle() } },
    };
}

/** The example fleet (examples/fleet.yaml), its prod file server swapped for the emulator's instance. */
function fleetManifest(instanceId: string): string {
    const example = fs.readFileSync(path.join(REPO, "examples", "fleet.yaml"), "utf8");
    assert.ok(example.includes("instances: [i-0a1b2c3d4e5f60003]"), "examples/fleet.yaml no longer enrolls i-0a1b2c3d4e5f60003");
    return example.replace("instances: [i-0a1b2c3d4e5f60003]", `instances: [${instanceId}]`);
}

describe("engine tier: the whole path on what `vss-fleet apply` produced in the AWS API emulator", function () {
    this.timeout(1_200_000);
    let account: EmulatedAccount;
    let clients: Clients;
    let sandbox: Sandbox;
    let instance: SimInstance;
    let manifest: string[];
    let policies: string;
    let variables: Record<string, string>;
    const snapshotsMade: string[] = [];
    /** When the last played window closed (ms). */
    let lastWindowEnd = 0;

    before(async function () {
        requireEngine();
        assert.ok(fs.existsSync(path.join(REPO, "dist", "automation", "cli.js")), "bin/vss-fleet.js runs dist/: npm run build");
        account = await emulatedAccount();
        clients = clientsOf(account.config);
        // An existing Windows instance with a data volume, in prod's scope (Environment=prod); the
        // manifest enrolls it by id, so the stack tags it.
        instance = await launchWindows(account.ec2, {
            name: "FS01",
            availabilityZone: "us-east-1a",
            tags: { Environment: "prod" },
            dataVolumes: 1,
        });
        sandbox = await Sandbox.create("aws-api");
        // The CLI, the driver and the provider act in the emulated prod account (AWS_ENDPOINT_URL and
        // its credentials): the driver's account check and its inventory are live calls to the emulator.
        Object.assign(sandbox.env, account.env);
        fs.writeFileSync(path.join(sandbox.project, "fleet.yaml"), fleetManifest(instance.instanceId));
        manifest = ["fleet.yaml", "--env", "prod"];
        policies = path.join(sandbox.project, "policies");
    });

    after(async () => {
        sandbox?.dispose();
        await account?.emulator.stop();
    });

    /** The window, its target and its tasks as deployed. */
    async function deployedWindow() {
        const windows = (await clients.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
        assert.strictEqual(windows.length, 1);
        const windowId = windows[0].WindowId ?? "";
        const [target] = (await clients.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets ?? [];
        const tasks = (await clients.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks ?? [];
        const byType = Object.fromEntries(tasks.map((t) => [t.Type, t]));
        const snapshotTask = await clients.ssm.send(
            new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: byType.RUN_COMMAND.WindowTaskId }),
        );
        const verifyTask = await clients.ssm.send(
            new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: byType.LAMBDA.WindowTaskId }),
        );
        return { windowId, target, snapshotTask, verifyTask };
    }

    /** The deployed function's code checked against the stack's bundle; its environment as deployed. */
    async function deployedFunction(functionArn: string): Promise<Record<string, string>> {
        const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: functionArn }));
        assert.strictEqual(
            fn.Configuration?.CodeSha256,
            zipArchive(deployedArchive()).sha256,
            "the deployed code is not the stack's bundle",
        );
        return fn.Configuration?.Environment?.Variables ?? {};
    }

    /** The deployed function's handler on `event`, its environment the deployed one. */
    const invoke = async (event: unknown) =>
        (await withEnv({ ...account.env, ...variables }, () => handler(event))) as Record<string, unknown>;

    /**
     * One night: the window's execution played on the instances its target resolves, exactly as the
     * deployed RUN_COMMAND task says, then its LAMBDA task's payload to the deployed function.
     */
    async function night(): Promise<{ windowExecutionId: string; snapshotIds: string[]; summary: Record<string, unknown> }> {
        const { windowId, target, snapshotTask, verifyTask } = await deployedWindow();
        assert.deepStrictEqual(snapshotTask.Targets, [{ Key: "WindowTargetIds", Values: [target.WindowTargetId] }]);

        // The window's targets: running instances carrying the target's tags (the stack tagged ours).
        const filters = (target.Targets ?? []).map((t) => ({ Name: t.Key, Values: t.Values }));
        const reservations = (
            await clients.ec2.send(
                new DescribeInstancesCommand({ Filters: [...filters, { Name: "instance-state-name", Values: ["running"] }] }),
            )
        ).Reservations;
        const resolved = (reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? "");
        assert.deepStrictEqual(resolved, [instance.instanceId]);

        // Run Command, as the task says, with the pseudo-parameters the window fills in. The window
        // opens now: before its snapshots (moto keeps times to the second, hence the second's margin),
        // and after the previous window closed, or the function would find that night's snapshots
        // in this window too (and rightly distrust them).
        while (Date.now() - 1000 <= lastWindowEnd + 1000) {
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const start = new Date(Date.now() - 1000);
        const windowExecutionId = randomUUID();
        const pseudo: Record<string, string> = {
            WINDOW_EXECUTION_ID: windowExecutionId,
            WINDOW_ID: windowId,
            WINDOW_TASK_ID: snapshotTask.WindowTaskId ?? "",
            WINDOW_TARGET_ID: target.WindowTargetId ?? "",
        };
        const filled = (value: string) => value.replace(/\{\{\s*([A-Z_]+)\s*\}\}/g, (whole, name: string) => pseudo[name] ?? whole);
        const raw = snapshotTask.TaskInvocationParameters?.RunCommand ?? {};
        const runCommand = {
            ...raw,
            Parameters: raw.Parameters && Object.fromEntries(Object.entries(raw.Parameters).map(([k, values]) => [k, values.map(filled)])),
        };
        const documentName = snapshotTask.TaskArn ?? "";
        const content = (
            await clients.ssm.send(new GetDocumentCommand({ Name: documentName, DocumentVersion: runCommand.DocumentVersion }))
        ).Content;
        const document = JSON.parse(content ?? "{}") as CommandDocument;
        const sent = await clients.ssm.send(
            new SendCommandCommand({
                DocumentName: documentName,
                DocumentVersion: runCommand.DocumentVersion,
                Parameters: runCommand.Parameters,
                Comment: runCommand.Comment,
                TimeoutSeconds: runCommand.TimeoutSeconds,
                OutputS3BucketName: runCommand.OutputS3BucketName,
                OutputS3KeyPrefix: runCommand.OutputS3KeyPrefix,
                ServiceRoleArn: runCommand.ServiceRoleArn,
                InstanceIds: resolved,
                MaxConcurrency: snapshotTask.MaxConcurrency,
                MaxErrors: snapshotTask.MaxErrors,
            }),
        );
        const commandId = sent.Command?.CommandId ?? "";
        assert.deepStrictEqual([sent.Command?.DocumentName, sent.Command?.MaxErrors], [documentName, "2"]);

        variables = await deployedFunction(verifyTask.TaskArn ?? "");

        // The agent runs the deployed document: its snapshot tags and description are the document's
        // (the task's parameters win where it sets them).
        const parameter = (name: string) => runCommand.Parameters?.[name]?.[0] ?? document.parameters[name]?.default;
        const env: SimEnvironment = {
            spec: {
                name: variables.VSS_FLEET_ENVIRONMENT,
                region: REGION,
                engine: "aws-vss",
                vss: { excludeBootVolume: variables.VSS_FLEET_EXCLUDE_BOOT_VOLUME === "true" },
            } as unknown as EnvironmentSpec,
            fleet: variables.VSS_FLEET_FLEET,
            documentName,
            windowId,
            tags: documentTags({
                ...document,
                parameters: { tags: { type: "String", default: parameter("tags") ?? "" } },
            } as unknown as CommandDocument),
            description: parameter("description") ?? "",
        };
        assert.match(JSON.stringify(document), /AWSEC2-CreateVssSnapshot/, "the prod stack's engine is aws-vss");
        const result = await runDocument(account.ec2, env, instance, undefined, account.emulator);
        await account.emulator.control("command-outcome", {
            commandId,
            outcomes: resolved.map((instanceId) => ({ instanceId, status: "Success" })),
        });
        await account.emulator.control("window-executions", {
            windowExecutionId,
            accountId: PROD_ACCOUNT,
            region: REGION,
            windowId,
            startTime: start.toISOString(),
            endTime: new Date((lastWindowEnd = Date.now() + 1000)).toISOString(),
            tasks: [
                { taskArn: documentName, taskType: "RUN_COMMAND", commandId },
                { taskArn: verifyTask.TaskArn, taskType: "LAMBDA" },
            ],
        });

        // The deployed LAMBDA task's payload, with the execution id SSM fills in, to the deployed function's handler.
        const payload = Buffer.from(verifyTask.TaskInvocationParameters?.Lambda?.Payload ?? new Uint8Array()).toString();
        const summary = await invoke(JSON.parse(payload.replace("{{WINDOW_EXECUTION_ID}}", windowExecutionId)) as unknown);
        return { windowExecutionId, snapshotIds: result.snapshotIds, summary };
    }

    const alertsSent = () => account.emulator.control<unknown[]>("sns-messages", { topicArn: variables.VSS_FLEET_ALERT_TOPIC_ARN });

    it("vss-fleet apply creates the stack in the emulator; the window runs the deployed task on the instances its target resolves; the deployed function verifies the run", async () => {
        sandbox.clearCalls();
        const applied = await sandbox.vssFleet(["apply", ...manifest, "--yes"]);
        assert.strictEqual(applied.code, 0, applied.stdout + applied.stderr);
        assert.match(applied.stdout, /^ {2}prod +succeeded /m);
        // The preview and the update each attach the pack.
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies, policies]);
        const created = urnsOf(sandbox.calls(), "Create");
        assert.strictEqual(created.length, 45);
        assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");

        const first = await night();
        snapshotsMade.push(...first.snapshotIds);
        assert.strictEqual(first.snapshotIds.length, 2);
        assert.deepStrictEqual(await alertsSent(), [], JSON.stringify(first.summary));
        assert.deepStrictEqual(
            [
                first.summary.action,
                first.summary.windowExecutionId,
                first.summary.verified,
                first.summary.failedInstances,
                first.summary.alerted,
            ],
            ["verify-run", first.windowExecutionId, 1, [], false],
        );
    });

    it("the next night verifies and applies retention (nothing due), then the deployed drill rule's input restore-tests the instance", async () => {
        const second = await night();
        snapshotsMade.push(...second.snapshotIds);
        assert.deepStrictEqual(
            [
                second.summary.action,
                second.summary.verified,
                second.summary.failedInstances,
                second.summary.deletedSnapshots,
                second.summary.alerted,
            ],
            ["verify-run", 1, [], 0, false],
            JSON.stringify(await alertsSent()),
        );

        // The drill: the input its schedule rule sends, as EventBridge holds it.
        const rules = (await clients.events.send(new ListRulesCommand({}))).Rules ?? [];
        const scheduled = rules.filter((r) => r.ScheduleExpression);
        assert.deepStrictEqual(
            scheduled.map((r) => r.ScheduleExpression),
            ["cron(0 6 ? * SUN *)"],
        );
        const [drillTarget] = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: scheduled[0].Name }))).Targets ?? [];
        const functionArn = (await deployedWindow()).verifyTask.TaskArn;
        assert.strictEqual(drillTarget.Arn, functionArn);
        const drilled = await invoke(JSON.parse(drillTarget.Input ?? "{}") as unknown);
        assert.deepStrictEqual(
            [drilled.action, drilled.alerted, (drilled.drilled as { instanceId: string; ok: boolean }[]).map((d) => [d.instanceId, d.ok])],
            ["drill", false, [[instance.instanceId, true]]],
            JSON.stringify(drilled),
        );
        assert.deepStrictEqual(await alertsSent(), []);
        // The drill's volumes are gone again.
        const volumes = (await clients.ec2.send(new DescribeVolumesCommand({}))).Volumes ?? [];
        assert.deepStrictEqual(
            volumes.filter((v) => (v.Tags ?? []).some((t) => t.Key?.includes("drill"))).map((v) => [v.VolumeId, v.State]),
            [],
        );

        // verify, live against the emulator as a person or CI runs it: every enrolled instance within its RPO.
        const verified = await sandbox.vssFleet(["verify", ...manifest]);
        assert.strictEqual(verified.code, 0, verified.stdout + verified.stderr);
        assert.ok(verified.stdout.includes("OK: every enrolled instance has a good set within its RPO."), verified.stdout);
        assert.match(verified.stdout, /1 instance\(s\) in 1 environment\(s\): 1 ok, 0 breach/);
    });

    it("vss-fleet drift: clean exits 0; a task changed, then the window target deleted behind Pulumi's back make it exit 3, naming each", async () => {
        const clean = await sandbox.vssFleet(["drift", ...manifest]);
        assert.strictEqual(clean.code, 0, clean.stdout + clean.stderr);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);

        // Someone raised the snapshot task's error budget in the console.
        const { windowId, target, snapshotTask } = await deployedWindow();
        await clients.ssm.send(
            new UpdateMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: snapshotTask.WindowTaskId, MaxErrors: "50%" }),
        );
        const changed = await sandbox.vssFleet(["drift", ...manifest]);
        assert.strictEqual(changed.code, 3, changed.stdout + changed.stderr);
        assert.match(changed.stdout, /^ {2}prod +drift +update 1; /m);
        assert.ok(
            changed.stdout
                .split("\n")
                .includes("    update aws:ssm/maintenanceWindowTask:MaintenanceWindowTask prod-backup-task: maxErrors (update)"),
            changed.stdout,
        );
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);

        // Then the window's target was deregistered.
        await clients.ssm.send(
            new DeregisterTargetFromMaintenanceWindowCommand({ WindowId: windowId, WindowTargetId: target.WindowTargetId }),
        );
        const steps = path.join(sandbox.dir, "drift.json");
        const drifted = await sandbox.vssFleet(["drift", ...manifest, "--json-file", steps]);
        assert.strictEqual(drifted.code, 3, drifted.stdout + drifted.stderr);
        assert.match(drifted.stdout, /^ {2}prod +drift +create 1, update 1; /m);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);
        // The text counts creates; the JSON names every step: the target to create, and the task,
        // which must point at the new target and get its error budget back.
        const summary = JSON.parse(fs.readFileSync(steps, "utf8")) as {
            environments: { steps: { op: string; type: string; name: string; properties: { path: string }[] }[] }[];
        };
        assert.deepStrictEqual(
            summary.environments[0].steps.map((s) => [s.op, s.type, s.name, s.properties.map((p) => p.path).sort()]).sort(),
            [
                ["update", "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "prod-backup-task", ["maxErrors", "targets"]],
                ["create", "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget", "prod-backup-target", []],
            ].sort(),
        );
    });

    it("vss-fleet destroy --yes removes the fleet's resources from every service; the snapshots and the retained Recycle Bin rule stay", async () => {
        const describe = async () =>
            ((await clients.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))).Snapshots ?? [])
                .map((s) => s.SnapshotId ?? "")
                .sort();
        const before = await describe();
        assert.strictEqual(snapshotsMade.length, 4);
        assert.ok(
            snapshotsMade.every((id) => before.includes(id)),
            `${snapshotsMade.join(", ")} not in ${before.join(", ")}`,
        );
        const binRules = (await fleetResources(clients, instance.instanceId))["recycle bin rules"];
        assert.strictEqual(binRules.length, 1);

        const destroyed = await sandbox.vssFleet(["destroy", ...manifest, "--yes"]);
        assert.strictEqual(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
        assert.deepStrictEqual(sandbox.takeSwaps(), [], "destroy attaches no pack");
        const left = await fleetResources(clients, instance.instanceId);
        // Backup=prod, the tag the stack wrote, is gone; Environment=prod was the instance's own.
        assert.deepStrictEqual(Object.fromEntries(Object.entries(left).filter(([, v]) => v.length > 0)), {
            "recycle bin rules": binRules,
            "ec2 tags on the enrolled instance": ["Environment=prod"],
        });
        assert.deepStrictEqual(await describe(), before);
    });
});
