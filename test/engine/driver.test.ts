/**
 * The GitOps driver's per-environment run (automation/driver/run.ts) against the real Pulumi CLI
 * and engine: the stack lock, the policy gate before apply, drift, Ctrl-C. The program runs inline
 * (RunContext.program) because the Node.js language host cannot be built here; everything the CLI
 * does with it (state, locks, analyzer, event stream, exit codes) is the real thing.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { exitCodeOf } from "../../automation/driver/runFleet";
import { runEnvironment, type EnvironmentRun, type Operation, type RunContext } from "../../automation/driver/run";
import { ENROLLED, PROJECT, prodPolicyConfig, program, stackOf, UNENROLLED } from "./program";
import { requireEngine, Sandbox, urnsOf } from "./sandbox";

describe("engine tier: the driver's runs against the real Pulumi CLI", function () {
    this.timeout(300_000);
    let sandbox: Sandbox;
    let base: RunContext;
    let violating: string;
    let log: string[];

    before(async function () {
        requireEngine();
        sandbox = await Sandbox.create();
        log = [];
        base = {
            pulumiCommand: await sandbox.pulumiCommand(),
            workDir: sandbox.project,
            stackName: "prod",
            policyPackDir: sandbox.policyPack(),
            policyConfigFile: sandbox.policyConfig("passing", prodPolicyConfig([ENROLLED])),
            onOutput: (text) => log.push(text),
            signal: new AbortController().signal,
            retry: { attempts: 6, baseDelayMs: 500 },
            envVars: sandbox.env,
            program: { projectName: PROJECT, run: program },
        };
        violating = sandbox.policyConfig("violating", prodPolicyConfig([ENROLLED, UNENROLLED]));
    });

    after(() => sandbox?.dispose());

    const run = (operation: Operation, overrides: Partial<RunContext> = {}) => runEnvironment("prod", operation, { ...base, ...overrides });
    const exit = (runs: EnvironmentRun[], operation: Operation) => exitCodeOf({ operation, environmentsInManifest: 1, environments: runs });

    it("apply with a fleet-level (stack policy) violation is blocked by the preview: nothing is created", async () => {
        sandbox.clearCalls();
        const result = await run("apply", { policyConfigFile: violating });
        assert.strictEqual(result.status, "blocked", result.error);
        assert.deepStrictEqual(
            result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy),
            ["fleet-windows-instances-enrolled"],
        );
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
        assert.strictEqual(exit([result], "apply"), 1);
    });

    it("a declined confirmation leaves the stack untouched", async () => {
        sandbox.clearCalls();
        let asked: unknown;
        const result = await run("apply", {
            confirm: async (changes) => {
                asked = changes;
                return false;
            },
        });
        assert.strictEqual(result.status, "skipped");
        assert.ok(typeof asked === "object" && asked !== null && (asked as Record<string, number>).create > 0, JSON.stringify(asked));
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
    });

    it("two concurrent applies of one stack: the real lock holds one back, the bounded retry lands it, nothing is created twice", async () => {
        sandbox.clearCalls();
        log.length = 0;
        const [a, b] = await Promise.all([run("apply"), run("apply")]);
        assert.deepStrictEqual([a.status, b.status], ["succeeded", "succeeded"], `${a.error} / ${b.error}`);
        assert.ok(a.attempts + b.attempts >= 3, `attempts ${a.attempts} + ${b.attempts}`);
        assert.ok(log.some((l) => /stack prod is locked by another update; retrying in \d+ ms/.test(l)));
        const created = urnsOf(sandbox.calls(), "Create");
        assert.ok(created.length > 0);
        assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");
        assert.strictEqual(exit([a, b], "apply"), 0);
    });

    it("drift: a clean stack exits 0; after the state is edited out of band, drift finds it (exit 3)", async () => {
        const clean = await run("drift");
        assert.strictEqual(clean.status, "succeeded", clean.error);
        assert.strictEqual(exit([clean], "drift"), 0);

        // Someone changed the maintenance window by hand: the refreshed state no longer matches the program.
        const stack = await stackOf(sandbox, "prod");
        const state = await stack.exportStack();
        const window = (
            state.deployment.resources as { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[]
        ).find((r) => r.type === "aws:ssm/maintenanceWindow:MaintenanceWindow");
        assert.ok(window, "no maintenance window in the state");
        window.inputs.duration = 9;
        window.outputs.duration = 9;
        await stack.importStack(state);

        const drifted = await run("drift");
        assert.strictEqual(drifted.status, "drift", drifted.error);
        assert.strictEqual(drifted.changes.update, 1);
        // The real engine's event stream names the resource and the property (the PR comment's diff).
        assert.deepStrictEqual(
            drifted.steps?.map((s) => [s.op, s.type, s.properties.map((p) => p.path)]),
            [["update", "aws:ssm/maintenanceWindow:MaintenanceWindow", ["duration"]]],
        );
        assert.strictEqual(exit([drifted], "drift"), 3);
    });

    it("destroy removes everything the applies created", async () => {
        sandbox.clearCalls();
        const result = await run("destroy");
        assert.strictEqual(result.status, "succeeded", result.error);
        const stack = await stackOf(sandbox, "prod");
        assert.deepStrictEqual((await stack.exportStack()).deployment.resources ?? [], []);
    });

    it("Ctrl-C: the engine finishes what it started, the next apply completes the rest, nothing is created twice", async () => {
        sandbox.clearCalls();
        const cancel = new AbortController();
        const firstCreate = setInterval(() => {
            if (urnsOf(sandbox.calls(), "Create").length > 0) {
                cancel.abort();
            }
        }, 100);
        const slow = { ...sandbox.env, STANDIN_AWS_CREATE_DELAY_MS: "2000" };
        const cancelled = await run("apply", { signal: cancel.signal, envVars: slow }).finally(() => clearInterval(firstCreate));
        assert.strictEqual(cancelled.status, "cancelled", cancelled.error);
        const before = urnsOf(sandbox.calls(), "Create");

        const resumed = await run("apply");
        assert.strictEqual(resumed.status, "succeeded", resumed.error);
        const all = urnsOf(sandbox.calls(), "Create");
        assert.ok(all.length > before.length, "the second apply created the rest");
        assert.strictEqual(new Set(all).size, all.length, "a resource was created twice");
        // The lock was released: nothing is left in the backend's lock folder.
        const locks = path.join(sandbox.dir, "backend", ".pulumi", "locks");
        const held = fs.existsSync(locks) ? fs.readdirSync(locks, { recursive: true }).filter((f) => String(f).endsWith(".json")) : [];
        assert.deepStrictEqual(held, []);
    });
});
