/**
 * One night on what a deployment produced: the prod stack deployed into the AWS API emulator by the
 * real Pulumi engine (the AWS-API provider), then every later step reads its inputs from the
 * emulator, never from the test's own copy of the stack: the window's targets resolve the enrolled
 * instance by the tags the stack wrote, the harness plays the window's execution as the deployed
 * RUN_COMMAND task says (document name and version, parameters, rate control), the document's
 * snapshot tags and description come from the deployed document, and the lifecycle function runs
 * with the environment moto holds for it (its code is checked to be the deployed bundle). Then the
 * driver's drift finds a target deleted behind Pulumi's back (exit 3), and destroy removes the
 * fleet's resources while the snapshots stay.
 *
 * Still to come (docs/testing-engine.md): `vss-fleet apply`/`drift`/`destroy` as processes (they need
 * the Node.js language host), retention and a drill on the following nights, and `vss-fleet verify`
 * live.
 */
import * as assert from "assert";
import { randomUUID } from "crypto";
import { DescribeSnapshotsCommand, DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
    DeregisterTargetFromMaintenanceWindowCommand,
    DescribeMaintenanceWindowsCommand,
    DescribeMaintenanceWindowTargetsCommand,
    DescribeMaintenanceWindowTasksCommand,
    GetDocumentCommand,
    GetMaintenanceWindowTaskCommand,
    SendCommandCommand,
} from "@aws-sdk/client-ssm";
import type { Stack } from "@pulumi/pulumi/automation";
import { exitCodeOf } from "../../automation/driver/runFleet";
import { runEnvironment, type Operation, type RunContext } from "../../automation/driver/run";
import { lifecycleFunctionBundle, HANDLER_FILE } from "../../components/lifecycle/functionBundle";
import type { CommandDocument } from "../../components/document";
import type { EnvironmentSpec } from "../../core/environment";
import { handler } from "../../functions/lifecycle/handler";
import { documentTags, launchWindows, runDocument, type SimEnvironment, type SimInstance } from "../emulator/fleet";
import { zipArchive } from "./aws-api-provider/archive";
import { emulatedAccount, PROD_ACCOUNT, REGION, withEnv, type EmulatedAccount } from "./emulatedAccount";
import { PROJECT, program, stackOf } from "./program";
import { requireEngine, Sandbox } from "./sandbox";

/** The engine's wire form of the stack's AssetArchive (components/snapshotLifecycle.ts), for the code hash. */
function deployedArchive(): unknown {
    const sig = "4dabf18193072939515e22adb298388d";
    return {
        [sig]: "0def7320c3a5731c473e5ecbe6d01bc7",
        assets: { [HANDLER_FILE]: { [sig]: "c44067f5952c0a294b673a41bacd8c17", text: lifecycleFunctionBundle() } },
    };
}

describe("engine tier: one night on what the deployment produced in the AWS API emulator", function () {
    this.timeout(600_000);
    let account: EmulatedAccount;
    let sandbox: Sandbox;
    let stack: Stack;
    let instance: SimInstance;
    let lambda: LambdaClient;
    let base: RunContext;
    const snapshotsMade: string[] = [];

    before(async function () {
        requireEngine();
        account = await emulatedAccount();
        lambda = new LambdaClient(account.config);
        // An existing Windows instance with a data volume; the stack enrolls it by tagging it.
        instance = await launchWindows(account.ec2, { name: "FS01", availabilityZone: "us-east-1a", tags: {}, dataVolumes: 1 });
        sandbox = await Sandbox.create("aws-api");
        stack = await stackOf(sandbox, "prod", account.env);
        await stack.setConfig("vss-fleet:instances[0]", { value: instance.instanceId }, true);
        base = {
            pulumiCommand: await sandbox.pulumiCommand(),
            workDir: sandbox.project,
            stackName: "prod",
            onOutput: () => undefined,
            signal: new AbortController().signal,
            retry: { attempts: 3, baseDelayMs: 500 },
            envVars: { ...sandbox.env, ...account.env },
            program: { projectName: PROJECT, run: program },
        };
    });

    after(async () => {
        sandbox?.dispose();
        await account?.emulator.stop();
    });

    const run = (operation: Operation) => runEnvironment("prod", operation, base);

    it("apply, then the window runs the deployed task on the instances its target resolves, then the deployed function verifies the run", async () => {
        const applied = await run("apply");
        assert.strictEqual(applied.status, "succeeded", applied.error);

        // The window and what it runs, as the emulator holds them.
        const windows = (await account.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
        assert.strictEqual(windows.length, 1);
        const windowId = windows[0].WindowId ?? "";
        const [target] = (await account.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets ?? [];
        const tasks = (await account.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks ?? [];
        const byType = Object.fromEntries(tasks.map((t) => [t.Type, t]));
        const snapshotTask = await account.ssm.send(
            new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: byType.RUN_COMMAND.WindowTaskId }),
        );
        const verifyTask = await account.ssm.send(
            new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: byType.LAMBDA.WindowTaskId }),
        );
        assert.deepStrictEqual(snapshotTask.Targets, [{ Key: "WindowTargetIds", Values: [target.WindowTargetId] }]);

        // The window's targets: running instances carrying the target's tags (the stack tagged ours).
        const filters = (target.Targets ?? []).map((t) => ({ Name: t.Key, Values: t.Values }));
        const reservations = (
            await account.ec2.send(
                new DescribeInstancesCommand({ Filters: [...filters, { Name: "instance-state-name", Values: ["running"] }] }),
            )
        ).Reservations;
        const resolved = (reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? "");
        assert.deepStrictEqual(resolved, [instance.instanceId]);

        // Run Command, as the task says, with the pseudo-parameters the window fills in. The window
        // opens now: after the instance was launched and tagged, before its snapshots (moto keeps
        // times to the second, hence the second's margin).
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
            await account.ssm.send(new GetDocumentCommand({ Name: documentName, DocumentVersion: runCommand.DocumentVersion }))
        ).Content;
        const document = JSON.parse(content ?? "{}") as CommandDocument;
        const sent = await account.ssm.send(
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

        // The function's configuration as deployed: its environment says which environment and fleet it serves.
        const fn = await lambda.send(new GetFunctionCommand({ FunctionName: verifyTask.TaskArn }));
        const variables = fn.Configuration?.Environment?.Variables ?? {};
        assert.strictEqual(
            fn.Configuration?.CodeSha256,
            zipArchive(deployedArchive()).sha256,
            "the deployed code is not the stack's bundle",
        );

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
        snapshotsMade.push(...result.snapshotIds);
        assert.strictEqual(result.snapshotIds.length, 2);
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
            endTime: new Date(Date.now() + 1000).toISOString(),
            tasks: [
                { taskArn: documentName, taskType: "RUN_COMMAND", commandId },
                { taskArn: verifyTask.TaskArn, taskType: "LAMBDA" },
            ],
        });

        // The deployed LAMBDA task's payload, with the execution id SSM fills in, to the deployed function's handler.
        const payload = Buffer.from(verifyTask.TaskInvocationParameters?.Lambda?.Payload ?? new Uint8Array()).toString();
        const event = JSON.parse(payload.replace("{{WINDOW_EXECUTION_ID}}", windowExecutionId)) as unknown;
        const summary = (await withEnv({ ...account.env, ...variables }, () => handler(event))) as Record<string, unknown>;
        const alertsSent = await account.emulator.control<unknown[]>("sns-messages", { topicArn: variables.VSS_FLEET_ALERT_TOPIC_ARN });
        assert.deepStrictEqual(alertsSent, [], JSON.stringify(summary));
        assert.deepStrictEqual(
            [summary.action, summary.windowExecutionId, summary.verified, summary.failedInstances, summary.alerted],
            ["verify-run", windowExecutionId, 1, [], false],
        );
    });

    it("drift: clean exits 0; the window target deleted behind Pulumi's back makes drift exit 3, naming it", async () => {
        const clean = await run("drift");
        assert.strictEqual(clean.status, "succeeded", clean.error);
        assert.strictEqual(exitCodeOf({ operation: "drift", environmentsInManifest: 1, environments: [clean] }), 0);

        const [window] = (await account.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
        const [target] = (await account.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: window.WindowId }))).Targets ?? [];
        await account.ssm.send(
            new DeregisterTargetFromMaintenanceWindowCommand({ WindowId: window.WindowId, WindowTargetId: target.WindowTargetId }),
        );

        const drifted = await run("drift");
        assert.strictEqual(drifted.status, "drift", drifted.error);
        assert.strictEqual(exitCodeOf({ operation: "drift", environmentsInManifest: 1, environments: [drifted] }), 3);
        assert.ok(
            drifted.steps?.some((s) => s.op === "create" && s.type === "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget"),
            JSON.stringify(drifted.steps?.map((s) => [s.op, s.type])),
        );
    });

    it("destroy removes the fleet's resources; the snapshots stay", async () => {
        const describe = async () =>
            ((await account.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))).Snapshots ?? [])
                .map((s) => s.SnapshotId ?? "")
                .sort();
        const before = await describe();
        assert.ok(
            snapshotsMade.length > 0 && snapshotsMade.every((id) => before.includes(id)),
            `${snapshotsMade.join(", ")} not in ${before.join(", ")}`,
        );
        const destroyed = await run("destroy");
        assert.strictEqual(destroyed.status, "succeeded", destroyed.error);
        assert.deepStrictEqual((await account.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [], []);
        assert.deepStrictEqual((await lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
        assert.deepStrictEqual(await describe(), before);
    });
});
