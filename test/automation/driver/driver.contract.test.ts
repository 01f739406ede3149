/**
 * Contract tests of the GitOps driver against a scripted stand-in `pulumi` (test/driver/fakePulumi.ts):
 * the real Automation API, the real driver, a real executable; only the CLI's behaviour is scripted.
 *
 * Why scripted here: the commands as processes, the policy gate before apply, the real lock and
 * retry, drift and Ctrl-C run with the real CLI and Node.js language host in test/engine. What stays
 * scripted is what a real CLI cannot be steered into: a lock held past the retry bound, a remote
 * backend's 409, fixed delays to measure --parallel, and scripted failures.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { mockClient } from "aws-sdk-client-mock";
import { SHIPPED_POLICY_PACK } from "../../../automation/driver/policyPack";
import { exitCodeOf, runFleet, type DriverOptions } from "../../../automation/driver/runFleet";
import type { Operation } from "../../../automation/driver/run";
import { parseManifest, type Fleet } from "../../../automation/manifest/load";
import { FakePulumi, type Scenario } from "./fakePulumi";

const MANIFEST = `version: 1
environments:
  a:
    region: us-east-1
    accountId: "111111111111"
    targetTags: { Backup: a }
    exemptions:
      - { instanceId: i-0a1b2c3d4e5f60004, reason: "decommissioned in Q1", expires: "2027-03-31" }
  b:
    region: us-west-2
    accountId: "111111111111"
  c:
    region: eu-west-1
    accountId: "222222222222"
`;
const ACCOUNT_BY_REGION: Record<string, string> = { "us-east-1": "111111111111", "us-west-2": "111111111111", "eu-west-1": "222222222222" };

function project(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-project-"));
    fs.copyFileSync("Pulumi.yaml", path.join(dir, "Pulumi.yaml"));
    fs.mkdirSync(path.join(dir, "stacks"));
    return dir;
}

/** Command lines with the parts that vary per run (event-log port, temp paths) made stable. */
function normalised(fake: FakePulumi, workDir: string, stack?: string): string[] {
    return fake
        .invocations()
        .filter((i) => !stack || i.argv.includes(stack))
        .map((i) =>
            i.argv
                .join(" ")
                .replace(/tcp:\/\/127\.0\.0\.1:\d+/, "tcp://EVENTS")
                .replace(/\S*\/vss-fleet-[^/\s]+\/(policy-config\.[\w-]+\.json)/, "TMP/$1")
                .replace(workDir, "PROJECT")
                // The scratch project has no policies/ of its own, as a repository made by `init`: the shipped pack.
                .replace(SHIPPED_POLICY_PACK, "SHIPPED_PACK"),
        );
}

describe("contract: the GitOps driver against a scripted pulumi", function () {
    this.timeout(60_000);
    const mockSts = () => mockClient(STSClient);
    let sts: ReturnType<typeof mockSts>;
    before(() => (sts = mockSts()));
    let fleet: Fleet;
    let fakes: FakePulumi[] = [];
    let workDir: string;

    beforeEach(() => {
        fleet = parseManifest("fleet.yaml", MANIFEST);
        workDir = project();
        sts.reset();
        sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => ({
            Account: ACCOUNT_BY_REGION[await getClient().config.region()],
        }));
    });
    afterEach(() => {
        fakes.forEach((f) => f.dispose());
        fakes = [];
        fs.rmSync(workDir, { recursive: true, force: true });
    });
    after(() => sts.restore());

    async function drive(operation: Operation, scenario: Scenario, overrides: Partial<DriverOptions> = {}) {
        const fake = new FakePulumi(scenario);
        fakes.push(fake);
        const logged: string[] = [];
        const run = await runFleet(fleet, fleet.environments, {
            operation,
            workDir,
            manifestPath: path.join(workDir, "fleet.yaml"),
            parallel: 4,
            failFast: false,
            accountCheck: true,
            inventoryFiles: ["examples/inventory.json"],
            signal: new AbortController().signal,
            log: (line) => logged.push(line),
            pulumiCommand: await PulumiCommand.get({ root: fake.root, skipVersionCheck: true }),
            retry: { attempts: 3, baseDelayMs: 10 },
            sts: (spec) => new STSClient({ region: spec.region }),
            ...overrides,
        });
        return { run, fake, logged };
    }

    it("preview: selects (or creates) each stack and previews it with the policy pack and its generated config", async () => {
        const { run, fake } = await drive("preview", {
            existingStacks: ["a", "c"],
            stacks: { a: { preview: { changes: { create: 13 } } } },
        });
        assert.deepStrictEqual(normalised(fake, workDir, "a"), [
            "stack select --stack a --non-interactive",
            "preview --policy-pack SHIPPED_PACK --policy-pack-config TMP/policy-config.a.json --exec-kind auto.local --event-log tcp://EVENTS --stack a --non-interactive",
        ]);
        assert.deepStrictEqual(normalised(fake, workDir, "b"), [
            "stack select --stack b --non-interactive",
            "stack init b --non-interactive",
            "preview --policy-pack SHIPPED_PACK --policy-pack-config TMP/policy-config.b.json --exec-kind auto.local --event-log tcp://EVENTS --stack b --non-interactive",
        ]);
        assert.ok(
            fake.invocations().every((i) => i.argv[0] === "version" || i.cwd === workDir),
            "every stack command runs in the project folder",
        );
        assert.deepStrictEqual(
            run.environments.map((e) => [e.name, e.status, e.changes]),
            [
                ["a", "succeeded", { create: 13 }],
                ["b", "succeeded", {}],
                ["c", "succeeded", {}],
            ],
        );
        assert.strictEqual(exitCodeOf(run), 0);
    });

    it("writes each stack's config from the manifest before it runs (stacks/Pulumi.<env>.yaml)", async () => {
        await drive("preview", { existingStacks: [], stacks: {} });
        const text = fs.readFileSync(path.join(workDir, "stacks", "Pulumi.a.yaml"), "utf8");
        assert.match(text, /^config:\n {2}aws:region: us-east-1\n {2}vss-fleet:environment:\n {4}region: us-east-1\n/m);
        assert.match(text, /\n {4}targetTags:\n {6}Backup: a\n/);
    });

    it("passes the policy pack the config the manifest and inventory imply", async () => {
        const { fake } = await drive("preview", { existingStacks: ["a", "b", "c"], stacks: {} });
        const config = fake.policyConfig("a");
        assert.deepStrictEqual(config["windows-instance-enrolled"].environments, [
            { name: "a", targetTags: { Backup: "a" } },
            { name: "b", targetTags: { "VSS-Snapshot": "b" } },
            { name: "c", targetTags: { "VSS-Snapshot": "c" } },
        ]);
        assert.strictEqual(config["windows-instance-enrolled"].resolveAmis, true, "live runs resolve AMIs through DescribeImages");
        const fleetPolicy = config["fleet-windows-instances-enrolled"] as {
            environment: { name: string };
            inventory: { accountId: string; region: string }[];
            exemptions: unknown[];
        };
        assert.strictEqual(fleetPolicy.environment.name, "a");
        assert.strictEqual(fleetPolicy.inventory.length, 5, "the inventory of a's account and region only");
        assert.ok(fleetPolicy.inventory.every((i) => i.accountId === "111111111111" && i.region === "us-east-1"));
        assert.deepStrictEqual(fleetPolicy.exemptions, [
            { instanceId: "i-0a1b2c3d4e5f60004", reason: "decommissioned in Q1", expires: "2027-03-31" },
        ]);
    });

    it("reports policy events: a mandatory violation blocks its environment only", async () => {
        const { run } = await drive("preview", {
            existingStacks: ["a", "b", "c"],
            stacks: {
                a: {
                    preview: {
                        policyEvents: [
                            {
                                policyName: "windows-instance-enrolled",
                                enforcementLevel: "mandatory",
                                message: "sql-1 is not enrolled",
                                resourceUrn: "urn:pulumi:a::app::aws:ec2/instance:Instance::sql-1",
                            },
                            { policyName: "snapshot-task-logging", enforcementLevel: "warning", message: "no output logging" },
                        ],
                        fail: { exitCode: 255, stderr: "error: preview failed: 1 mandatory policy violation\n" },
                    },
                },
                b: { preview: { changes: { create: 12 } } },
            },
        });
        const [a, b, c] = run.environments;
        assert.strictEqual(a.status, "blocked");
        assert.deepStrictEqual(a.violations, [
            {
                policy: "windows-instance-enrolled",
                enforcementLevel: "mandatory",
                message: "sql-1 is not enrolled",
                urn: "urn:pulumi:a::app::aws:ec2/instance:Instance::sql-1",
            },
            { policy: "snapshot-task-logging", enforcementLevel: "advisory", message: "no output logging" },
        ]);
        assert.strictEqual(a.error, "error: preview failed: 1 mandatory policy violation");
        assert.deepStrictEqual([b.status, c.status], ["succeeded", "succeeded"]);
        assert.strictEqual(exitCodeOf(run), 1);
    });

    it("retries a stack locked by another update with backoff, and gives up after the bound", async () => {
        // Scripted: a lock held through five attempts cannot be arranged with a real CLI on cue.
        const { run, fake, logged } = await drive("apply", {
            existingStacks: ["a", "b", "c"],
            stacks: { a: { up: { lockedTimes: 2, changes: { create: 13 } } }, b: { up: { lockedTimes: 5 } } },
        });
        const [a, b] = run.environments;
        assert.deepStrictEqual([a.status, a.attempts, a.changes], ["succeeded", 3, { create: 13 }]);
        assert.deepStrictEqual([b.status, b.attempts], ["failed", 3]);
        assert.match(b.error ?? "", /locked/);
        assert.strictEqual(normalised(fake, workDir, "a").filter((c) => c.startsWith("up ")).length, 3);
        assert.ok(logged.some((l) => /^\[a\] stack a is locked by another update; retrying in \d+ ms$/.test(l)));
        assert.strictEqual(exitCodeOf(run), 1);
    });

    it("apply: previews with the policies first, then runs up, then reads the outputs and the update's summary", async () => {
        const { fake } = await drive("apply", { existingStacks: ["a", "b", "c"], stacks: {} });
        assert.deepStrictEqual(normalised(fake, workDir, "c"), [
            "stack select --stack c --non-interactive",
            "preview --policy-pack SHIPPED_PACK --policy-pack-config TMP/policy-config.c.json --exec-kind auto.local --event-log tcp://EVENTS --stack c --non-interactive",
            "up --yes --skip-preview --policy-pack SHIPPED_PACK --policy-pack-config TMP/policy-config.c.json --exec-kind auto.local --event-log tcp://EVENTS --stack c --non-interactive",
            "stack output --json --stack c --non-interactive",
            "stack output --json --show-secrets --stack c --non-interactive",
            "stack history --json --show-secrets --page-size 1 --page 1 --stack c --non-interactive",
        ]);
    });

    it("drift: refresh, then preview expecting no changes; drift found exits 3", async () => {
        const { run, fake } = await drive("drift", {
            existingStacks: ["a", "b", "c"],
            stacks: {
                a: {
                    preview: {
                        changes: { update: 1, same: 12 },
                        fail: { exitCode: 255, stderr: "error: no changes were expected but changes were proposed\n" },
                    },
                },
                b: { preview: { changes: { same: 13 } } },
            },
        });
        assert.deepStrictEqual(normalised(fake, workDir, "a").slice(1), [
            "refresh --skip-preview --yes --event-log tcp://EVENTS --exec-kind auto.local --stack a --non-interactive",
            "stack history --json --show-secrets --page-size 1 --page 1 --stack a --non-interactive",
            "preview --expect-no-changes --policy-pack SHIPPED_PACK --policy-pack-config TMP/policy-config.a.json --exec-kind auto.local --event-log tcp://EVENTS --stack a --non-interactive",
        ]);
        assert.deepStrictEqual(
            run.environments.map((e) => e.status),
            ["drift", "succeeded", "succeeded"],
        );
        assert.strictEqual(exitCodeOf(run), 3);
    });

    it("destroy: no policy pack, and the stacks it names", async () => {
        const { fake } = await drive("destroy", { existingStacks: ["a", "b", "c"], stacks: {} });
        const destroy = normalised(fake, workDir, "b").find((c) => c.startsWith("destroy"));
        assert.strictEqual(
            destroy,
            "destroy --yes --skip-preview --event-log tcp://EVENTS --exec-kind auto.local --stack b --non-interactive",
        );
    });

    it("refuses an environment whose credentials are for another account, and runs the others", async () => {
        sts.reset();
        sts.on(GetCallerIdentityCommand).resolves({ Account: "111111111111" });
        const { run, fake } = await drive("apply", { existingStacks: ["a", "b", "c"], stacks: {} });
        const c = run.environments[2];
        assert.strictEqual(c.status, "refused");
        assert.strictEqual(
            c.error,
            "the credentials are for account 111111111111, but the manifest says 222222222222; refusing to touch it",
        );
        assert.deepStrictEqual(normalised(fake, workDir, "c"), [], "nothing ran against c");
        assert.deepStrictEqual(
            run.environments.slice(0, 2).map((e) => e.status),
            ["succeeded", "succeeded"],
        );
    });

    it("--no-account-check asks STS nothing", async () => {
        await drive("preview", { existingStacks: ["a", "b", "c"], stacks: {} }, { accountCheck: false });
        assert.strictEqual(sts.commandCalls(GetCallerIdentityCommand).length, 0);
    });

    it("isolates a failing environment; --fail-fast stops starting others", async () => {
        const failing: Scenario = {
            existingStacks: ["a", "b", "c"],
            stacks: { a: { up: { fail: { exitCode: 255, stderr: "error: AccessDenied: not authorized to perform iam:CreateRole\n" } } } },
        };
        const isolated = await drive("apply", failing, { parallel: 1 });
        assert.deepStrictEqual(
            isolated.run.environments.map((e) => e.status),
            ["failed", "succeeded", "succeeded"],
        );
        assert.strictEqual(isolated.run.environments[0].error, "error: AccessDenied: not authorized to perform iam:CreateRole");
        const fast = await drive("apply", failing, { parallel: 1, failFast: true });
        assert.deepStrictEqual(
            fast.run.environments.map((e) => e.status),
            ["failed", "skipped", "skipped"],
        );
        assert.ok(fast.fake.invocations().every((i) => !i.argv.includes("b") && !i.argv.includes("c")));
    });

    it("never runs more than --parallel environments at once, and does use them", async () => {
        // Scripted: fixed delays make the overlap measurable; real runs vary with the machine's load.
        fleet = parseManifest(
            "fleet.yaml",
            "version: 1\nenvironments:\n" +
                Array.from(
                    { length: 6 },
                    (_, i) => `  e${i}:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: e${i} }\n`,
                ).join(""),
        );
        const slow = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`e${i}`, { preview: { delayMs: 400 } }]));
        const two = await drive("preview", { existingStacks: Object.keys(slow), stacks: slow }, { parallel: 2 });
        assert.strictEqual(two.fake.maxConcurrentOperations(), 2);
        const four = await drive("preview", { existingStacks: Object.keys(slow), stacks: slow }, { parallel: 4 });
        assert.strictEqual(four.fake.maxConcurrentOperations(), 4);
    });

    it("Ctrl-C cancels running updates (SIGINT to the CLI) and starts no others", async () => {
        const cancel = new AbortController();
        const slow = {
            existingStacks: ["a", "b", "c"],
            // Long updates, so stopping early is plain even on a loaded machine (apply previews first).
            stacks: { a: { up: { delayMs: 20000 } }, b: { up: { delayMs: 20000 } }, c: { up: { delayMs: 20000 } } },
        };
        setTimeout(() => cancel.abort(), 1500);
        const started = Date.now();
        const { run } = await drive("apply", slow, { parallel: 2, signal: cancel.signal });
        assert.ok(Date.now() - started < 15000, "the running updates stopped early");
        assert.deepStrictEqual(
            run.environments.map((e) => e.status),
            ["cancelled", "cancelled", "skipped"],
        );
        assert.strictEqual(exitCodeOf(run), 1);
    });

    it("a per-environment timeout cancels a hung update and fails that environment only", async () => {
        // The limit leaves b and c (no delay) ample time on a loaded machine; a would take 20 s.
        const scenario = { existingStacks: ["a", "b", "c"], stacks: { a: { up: { delayMs: 20_000 } } } };
        const started = Date.now();
        const { run } = await drive("apply", scenario, { timeoutMs: 6000 });
        assert.ok(Date.now() - started < 15_000, "the hung update did not hold the run");
        assert.deepStrictEqual(
            run.environments.map((e) => [e.name, e.status]),
            [
                ["a", "failed"],
                ["b", "succeeded"],
                ["c", "succeeded"],
            ],
        );
        assert.match(run.environments[0].error ?? "", /^timed out after 6 s \(--timeout\); the update was cancelled/);
        assert.strictEqual(exitCodeOf(run), 1);
    });

    it("a timed-out pulumi that ignores the cancel is waited for only the grace period", async () => {
        // apply previews first, so the preview is the command that hangs when the time is up.
        const hung = { delayMs: 10_000, ignoreSigint: true };
        const scenario = { existingStacks: ["a", "b", "c"], stacks: { a: { preview: hung, up: hung } } };
        const started = Date.now();
        const { run } = await drive("apply", scenario, { timeoutMs: 1000, timeoutGraceMs: 500 });
        assert.ok(Date.now() - started < 15_000, "the driver stopped waiting");
        assert.strictEqual(run.environments[0].status, "failed");
        assert.strictEqual(
            run.environments[0].error,
            "timed out after 1 s (--timeout); the update was cancelled, but pulumi did not stop within 0.5 s; once it ends, release its lock with 'pulumi cancel'",
        );
    });

    it("organization: stacks are org/<environment>", async () => {
        const { fake } = await drive("preview", { existingStacks: ["acme/a", "acme/b", "acme/c"], stacks: {} }, { organization: "acme" });
        assert.ok(normalised(fake, workDir, "acme/a").includes("stack select --stack acme/a --non-interactive"));
    });
});
