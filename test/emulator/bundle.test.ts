/**
 * Emulator tier: the artifact Lambda runs (the esbuild bundle of functions/lifecycle/handler.ts),
 * loaded as Lambda loads index.js, invoked with the payloads the window task and the drill schedule
 * send, against a real AWS API. It builds its own SDK clients from the environment, as in Lambda.
 */
import * as assert from "assert";
import { createRequire } from "node:module";
import * as path from "node:path";
import { drillPayload, verifyRunPayload } from "../../components/lifecycle/eventPatterns";
import { lifecycleFunctionBundle } from "../../components/lifecycle/functionBundle";
import { functionEnvironment } from "../../core/lifecycle/functionConfig";
import { launchWindows, runWindow, type SimInstance } from "./fleet";
import { useEmulator } from "./server";
import { alerts, deploy, drillVolumes, environmentSpec, functionClients, type Deployed } from "./world";

type Handler = (event: unknown) => Promise<Record<string, unknown>>;

/** The bundle as a CommonJS module; its only outside imports are the SDK (the Lambda runtime's). */
function loadHandler(): Handler {
    const projectRequire = createRequire(path.join(__dirname, "..", "..", "package.json"));
    const module = { exports: {} as { handler: Handler } };
    new Function("module", "exports", "require", lifecycleFunctionBundle())(module, module.exports, projectRequire);
    return module.exports.handler;
}

/** Runs the handler with the function's environment variables and without its log line. */
async function invoke(deployed: Deployed, event: unknown): Promise<Record<string, unknown>> {
    const saved = { ...process.env };
    const log = console.log;
    Object.assign(process.env, functionEnvironment(deployed.config));
    console.log = () => undefined;
    try {
        return await loadHandler()(event);
    } finally {
        console.log = log;
        process.env = saved;
    }
}

describe("emulator: the lifecycle function's bundle, as Lambda runs it", function () {
    this.timeout(60_000);
    const { emulator } = useEmulator(this);
    let prod: Deployed;
    let fleet: SimInstance[];

    beforeEach(async () => {
        const clients = functionClients();
        // Launched yesterday: an instance launched after a run began is not judged by that run.
        await emulator().control("clock", { now: new Date(Date.now() - 86_400_000).toISOString() });
        const spec = environmentSpec("prod", { targetTags: { Backup: "prod" }, restoreDrill: { schedule: "cron(0 6 ? * SUN *)" } });
        prod = await deploy(clients, spec, "acme");
        fleet = [
            await launchWindows(clients.ec2, { name: "SQL01", availabilityZone: "us-east-1a", tags: { Backup: "prod" }, dataVolumes: 1 }),
            await launchWindows(clients.ec2, { name: "SQL02", availabilityZone: "us-east-1b", tags: { Backup: "prod" }, dataVolumes: 0 }),
        ];
    });

    it("verify-run with the window task's payload, on the real clock", async () => {
        const clients = functionClients();
        // The function judges "now" by the real clock, so the run happened ten minutes ago.
        const run = await runWindow(
            clients,
            emulator(),
            prod.env,
            fleet,
            new Date(Date.now() - 10 * 60_000),
            new Map([[fleet[1].instanceId, "fail"]]),
        );
        await emulator().control("clock", {});
        const event = JSON.parse(verifyRunPayload().replace("{{WINDOW_EXECUTION_ID}}", run.windowExecutionId)) as unknown;
        const summary = await invoke(prod, event);
        assert.deepStrictEqual(summary, {
            action: "verify-run",
            windowExecutionId: run.windowExecutionId,
            verified: 2,
            failedInstances: [fleet[1].instanceId],
            deletedSnapshots: 0,
            alerted: true,
        });
        assert.strictEqual((await alerts(emulator(), prod.config.alertTopicArn)).length, 1);
    });

    it("drill with the schedule's payload: one instance restored, no volume left", async () => {
        const clients = functionClients();
        await runWindow(clients, emulator(), prod.env, fleet, new Date(Date.now() - 3_600_000));
        await emulator().control("clock", {});
        const summary = (await invoke(prod, JSON.parse(drillPayload()))) as { drilled: { ok: boolean }[]; alerted: boolean };
        assert.deepStrictEqual(
            summary.drilled.map((d) => d.ok),
            [true],
        );
        assert.strictEqual(summary.alerted, false);
        assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), []);
    });
});
