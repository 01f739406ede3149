/**
 * The GitOps driver against the real Pulumi CLI and Node.js language host: `vss-fleet preview`,
 * `apply`, `drift` and `destroy` run as processes (`node bin/vss-fleet.js`, the compiled CLI) on a
 * copy of this repository and on a fresh `init` scaffold, as in a fleet repository's CI. The pack
 * folder the driver attaches (the repository's policies/, a scaffold's installed dist/policies/) runs
 * through the executable launcher, because the host v3.68.0 cannot run pack folders: the `pulumi` on
 * the driver's PATH swaps it and logs the swap (test/engine/sandbox.ts), and each case asserts which
 * folder was swapped. The lock, the confirmation and Ctrl-C are driven in-process (runEnvironment),
 * still through the host, because only there can a test answer the question or time the signal.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { exitCodeOf } from "../../automation/driver/runFleet";
import { runEnvironment, type EnvironmentRun, type Operation, type RunContext } from "../../automation/driver/run";
import { ENROLLED, prodPolicyConfig } from "./fixtures";
import { expectOk, REPO, requireEngine, Sandbox, urnsOf } from "./sandbox";

/** The one resource `destroy` leaves in AWS: the environment's Recycle Bin rule (components/recycleBin.ts). */
const RETAINED_RECYCLE_BIN_RULE = "$aws:rbin/rule:Rule::prod-recycle-bin";

const MANIFEST = ["examples/fleet.yaml", "--env", "prod", "--no-account-check", "--inventory", "examples/inventory.json"];
const NEW_SERVER = ["--inventory", "examples/inventory-new-server.json"];

describe("engine tier: `vss-fleet` as a process, through the real Pulumi CLI and language host", function () {
    this.timeout(600_000);
    let sandbox: Sandbox;
    let policies: string;

    before(async function () {
        requireEngine();
        assert.ok(fs.existsSync(path.join(REPO, "dist", "automation", "cli.js")), "bin/vss-fleet.js runs dist/: npm run build");
        sandbox = await Sandbox.create();
        policies = path.join(sandbox.project, "policies");
    });

    after(() => sandbox?.dispose());

    const stateOf = async (cwd = sandbox.project, stack = "prod") => {
        const exported = await sandbox.cli(["stack", "export", "-s", stack], cwd);
        expectOk(exported);
        return JSON.parse(exported.stdout) as {
            deployment: { resources?: { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] };
        };
    };

    it("preview with an unenrolled Windows server: blocked (exit 1), the violation named in the text, nothing created", async () => {
        const result = await sandbox.vssFleet(["preview", ...MANIFEST, ...NEW_SERVER]);
        assert.strictEqual(result.code, 1, result.stdout + result.stderr);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);
        assert.ok(
            result.stdout
                .split("\n")
                .includes(
                    "    BLOCK fleet-windows-instances-enrolled: Windows instance i-0a1b2c3d4e5f60099 (reporting-prod-01) in " +
                        "111111111111/us-east-1 is not backed up by environment prod. Tag it Backup=prod, list it under the " +
                        "environment's instances, or exempt it with a reason and an expiry date.",
                ),
            result.stdout,
        );
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
    });

    it("preview of the shipped prod stack: exit 0, the stack program's 55 resources to create", async () => {
        const result = await sandbox.vssFleet(["preview", ...MANIFEST]);
        assert.strictEqual(result.code, 0, result.stdout + result.stderr);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);
        assert.match(result.stdout, /^ {2}prod +succeeded +create 55; 0 mandatory, /m);
    });

    it("apply with the violation is blocked by its preview: exit 1, nothing created", async () => {
        sandbox.clearCalls();
        const result = await sandbox.vssFleet(["apply", ...MANIFEST, ...NEW_SERVER, "--yes"]);
        assert.strictEqual(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /^ {2}prod +blocked /m);
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);
    });

    it("apply --yes creates the 45 AWS resources once; drift on the clean stack exits 0, after an out-of-band edit 3; destroy --yes empties it", async () => {
        sandbox.clearCalls();
        const applied = await sandbox.vssFleet(["apply", ...MANIFEST, "--yes"]);
        assert.strictEqual(applied.code, 0, applied.stdout + applied.stderr);
        // The preview and the update each attach the pack.
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies, policies]);
        const created = urnsOf(sandbox.calls(), "Create");
        assert.strictEqual(created.length, 45);
        assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");

        const clean = await sandbox.vssFleet(["drift", ...MANIFEST]);
        assert.strictEqual(clean.code, 0, clean.stdout + clean.stderr);
        // drift's preview attaches the pack too.
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);

        // Someone changed the maintenance window by hand: the refreshed state no longer matches the program.
        const state = await stateOf();
        const window = state.deployment.resources?.find((r) => r.type === "aws:ssm/maintenanceWindow:MaintenanceWindow");
        assert.ok(window, "no maintenance window in the state");
        window.inputs.duration = 9;
        window.outputs.duration = 9;
        const edited = path.join(sandbox.dir, "edited-state.json");
        fs.writeFileSync(edited, JSON.stringify(state));
        expectOk(await sandbox.cli(["stack", "import", "-s", "prod", "--file", edited]));
        const drifted = await sandbox.vssFleet(["drift", ...MANIFEST]);
        assert.strictEqual(drifted.code, 3, drifted.stdout + drifted.stderr);
        assert.match(drifted.stdout, /^ {4}update aws:ssm\/maintenanceWindow:MaintenanceWindow \S+: duration \(update\)$/m);
        assert.deepStrictEqual(sandbox.takeSwaps(), [policies]);

        sandbox.clearCalls();
        const destroyed = await sandbox.vssFleet(["destroy", "examples/fleet.yaml", "--env", "prod", "--no-account-check", "--yes"]);
        assert.strictEqual(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
        assert.deepStrictEqual(sandbox.takeSwaps(), [], "destroy attaches no pack");
        // The Recycle Bin rule is retained on destroy (retainOnDelete): the engine forgets it, AWS keeps it.
        assert.deepStrictEqual(
            urnsOf(sandbox.calls(), "Delete").sort(),
            created.filter((urn) => !urn.endsWith(RETAINED_RECYCLE_BIN_RULE)).sort(),
        );
        assert.deepStrictEqual((await stateOf()).deployment.resources ?? [], []);
    });

    it("in a fresh `vss-fleet init` scaffold, preview runs its program with the pack vss-fleet ships (dist/policies)", async () => {
        const fleet = await sandbox.scaffold("fleet");
        const inventory = path.join(sandbox.dir, "no-instances.json");
        fs.writeFileSync(inventory, JSON.stringify({ Reservations: [] }));
        const result = await sandbox.vssFleet(
            ["preview", "fleet.yaml", "--env", "dev", "--no-account-check", "--inventory", inventory],
            fleet,
        );
        assert.strictEqual(result.code, 0, result.stdout + result.stderr);
        // Node runs the linked package from its real path, so the driver names the pack there.
        assert.deepStrictEqual(sandbox.takeSwaps(), [fs.realpathSync(path.join(fleet, "node_modules", "vss-fleet", "dist", "policies"))]);
        assert.match(result.stdout, /^ {2}dev +succeeded +create 46; 0 mandatory, /m);
    });

    describe("in-process, through the host: the confirmation, the stack lock, Ctrl-C", () => {
        let base: RunContext;
        let log: string[];

        before(async () => {
            log = [];
            base = {
                pulumiCommand: await sandbox.pulumiCommand(),
                workDir: sandbox.project,
                stackName: "prod",
                policyPackDir: sandbox.launcher,
                policyConfigFile: sandbox.policyConfig("passing", prodPolicyConfig([ENROLLED])),
                onOutput: (text) => log.push(text),
                signal: new AbortController().signal,
                retry: { attempts: 6, baseDelayMs: 500 },
                envVars: sandbox.env,
            };
        });

        const run = (operation: Operation, overrides: Partial<RunContext> = {}) =>
            runEnvironment("prod", operation, { ...base, ...overrides });
        const exit = (runs: EnvironmentRun[], operation: Operation) =>
            exitCodeOf({ operation, environmentsInManifest: 1, environments: runs });

        it("a declined confirmation leaves the stack untouched", async () => {
            sandbox.clearCalls();
            let asked: unknown;
            const result = await run("apply", {
                confirm: async (changes) => {
                    asked = changes;
                    return false;
                },
            });
            assert.strictEqual(result.status, "skipped", result.error);
            assert.deepStrictEqual(asked, { create: 55 });
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
            assert.strictEqual(created.length, 45);
            assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");
            assert.strictEqual(exit([a, b], "apply"), 0);
            assert.strictEqual((await run("destroy")).status, "succeeded");
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
});
