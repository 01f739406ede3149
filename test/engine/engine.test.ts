/**
 * The engine tier: `pulumi` run literally, as a user runs it, on a copy of this repository and on a
 * fresh `vss-fleet init` scaffold: the real CLI (v3.274.1) and Node.js language host (v3.68.0, both
 * built by scripts/pulumi-cli.sh) load the TypeScript program named by Pulumi.yaml, the real policy
 * analyzer runs policies/, on a local file backend with passphrase secrets. Only the AWS provider is a
 * stand-in (test/engine/standin-aws-provider), whose recorded calls show what the engine asked for.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ENROLLED, prodPolicyConfig, UNENROLLED } from "./fixtures";
import { expectOk, REPO, requireEngine, Sandbox, urnsOf, type CliResult } from "./sandbox";

/** The one resource `destroy` leaves in AWS: the environment's Recycle Bin rule (components/recycleBin.ts). */
const RETAINED_RECYCLE_BIN_RULE = "$aws:rbin/rule:Rule::prod-recycle-bin";

/** The stack outputs docs/deploying.md lists ("Stack outputs: `a`, `b` ... and `c`."), sorted. */
function documentedOutputs(): string[] {
    const doc = fs.readFileSync(path.join(REPO, "docs", "deploying.md"), "utf8");
    const paragraph = /^Stack outputs: ([^.]*)\./m.exec(doc);
    assert.ok(paragraph, "docs/deploying.md has no 'Stack outputs:' paragraph");
    return [...paragraph[1].matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
}

/** The output names of `pulumi preview`'s text ("Outputs:" then one indented `name: value` per line). */
function previewedOutputs(stdout: string): string[] {
    const block = stdout.slice(stdout.indexOf("\nOutputs:\n"));
    return [...block.slice(0, block.indexOf("\n\n")).matchAll(/^ {4}(\w+)\s*:/gm)].map((m) => m[1]).sort();
}

const ok = (result: CliResult) => (expectOk(result), result.stdout);
const stateOf = async (sandbox: Sandbox, stack: string, cwd: string) =>
    (JSON.parse(ok(await sandbox.cli(["stack", "export", "-s", stack], cwd))) as { deployment: { resources?: unknown[] } }).deployment
        .resources ?? [];

describe("engine tier: `pulumi` on a copy of this repository, through the real language host", function () {
    this.timeout(600_000);
    let sandbox: Sandbox;
    let passing: string;
    let violating: string;
    const documented = documentedOutputs();

    before(async function () {
        requireEngine();
        sandbox = await Sandbox.create();
        passing = sandbox.policyConfig("passing", prodPolicyConfig([ENROLLED]));
        violating = sandbox.policyConfig("violating", prodPolicyConfig([ENROLLED, UNENROLLED]));
        ok(await sandbox.cli(["stack", "init", "prod"]));
    });

    after(() => sandbox?.dispose());

    it("`pulumi preview -s prod` runs stacks/index.ts, type-checked: 55 to create, the documented outputs", async () => {
        const result = await sandbox.cli(["preview", "-s", "prod"], sandbox.project, sandbox.typeChecked());
        assert.strictEqual(result.code, 0, result.stdout + result.stderr);
        // 45 AWS resources, the environment's provider, 8 components and the stack.
        assert.match(result.stdout, /^ {4}\+ 55 to create$/m);
        assert.deepStrictEqual(previewedOutputs(result.stdout), documented);
        assert.strictEqual(documented.length, 12);
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), [], "a preview created something");
    });

    it("bad config stops `pulumi preview` with the stack file's line and column, though the program runs in stacks/", async () => {
        const file = path.join(sandbox.project, "stacks", "Pulumi.prod.yaml");
        const original = fs.readFileSync(file, "utf8");
        const line = original.split("\n").indexOf("    cutoffHours: 1") + 1;
        assert.ok(line > 0, "no cutoffHours in the stack file");
        try {
            fs.writeFileSync(file, original.replace("    cutoffHours: 1\n", "    cutoffHours: 2\n"));
            const result = await sandbox.cli(["preview", "-s", "prod"]);
            assert.notStrictEqual(result.code, 0, result.stdout + result.stderr);
            assert.ok(
                result.stdout.includes(
                    `stacks/Pulumi.prod.yaml:${line}:5: vss-fleet:environment.cutoffHours: cutoffHours (2) must be less than durationHours (2)`,
                ),
                result.stdout,
            );
            assert.doesNotMatch(result.stdout, /^\s+at /m, "a stack trace");
        } finally {
            fs.writeFileSync(file, original);
        }
    });

    it("`--policy-pack ./policies`: the host v3.68.0 refuses a pack folder; the launcher runs the same pack, which blocks an unenrolled instance", async () => {
        const refused = await sandbox.cli(["preview", "-s", "prod", "--policy-pack", "./policies"]);
        assert.strictEqual(refused.code, 1);
        assert.match(refused.stdout + refused.stderr, /could not read plugin \[\.\/policies\]: not supported/);

        ok(await sandbox.cli(["preview", "-s", "prod", "--policy-pack", sandbox.launcher, "--policy-pack-config", passing]));
        const blocked = await sandbox.cli(["preview", "-s", "prod", "--policy-pack", sandbox.launcher, "--policy-pack-config", violating]);
        assert.notStrictEqual(blocked.code, 0);
        assert.match(
            blocked.stdout,
            /fleet-windows-instances-enrolled[\s\S]*Windows instance i-0badc0ffee0000001 \(sql07\) in 111111111111\/us-east-1 is not backed up by environment prod/,
        );
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
    });

    it("`pulumi up` creates each resource once and exports the documented outputs; again changes nothing; a config change updates in place; `pulumi destroy` removes all", async () => {
        const pack = ["--policy-pack", sandbox.launcher, "--policy-pack-config", passing];
        sandbox.clearCalls();
        ok(await sandbox.cli(["up", "-s", "prod", "--yes", ...pack]));
        const created = urnsOf(sandbox.calls(), "Create");
        assert.strictEqual(created.length, 45);
        assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");
        assert.strictEqual((await stateOf(sandbox, "prod", sandbox.project)).length, 55);
        const outputs = JSON.parse(ok(await sandbox.cli(["stack", "output", "-s", "prod", "--json"]))) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(outputs).sort(), documented);
        assert.deepStrictEqual([outputs.environment, outputs.region, outputs.accountId], ["prod", "us-east-1", "111111111111"]);
        assert.deepStrictEqual(outputs.enrolledInstances, ["i-0a1b2c3d4e5f60003"]);

        sandbox.clearCalls();
        ok(await sandbox.cli(["up", "-s", "prod", "--yes", ...pack]));
        assert.deepStrictEqual(
            sandbox.calls().filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
            [],
        );

        sandbox.clearCalls();
        ok(await sandbox.cli(["config", "set", "--path", "vss-fleet:environment.maxErrors", "3", "-s", "prod"]));
        ok(await sandbox.cli(["up", "-s", "prod", "--yes", ...pack]));
        const updates = sandbox.calls().filter((c) => c.method === "Update" && !c.preview);
        assert.deepStrictEqual(
            updates.map((c) => [c.urn?.split("::").slice(2).join("::"), c.changes]),
            [
                [
                    "vss-fleet:backup:BackupEnvironment$vss-fleet:ssm:BackupWindow$aws:ssm/maintenanceWindowTask:MaintenanceWindowTask::prod-backup-task",
                    ["maxErrors"],
                ],
            ],
        );
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Delete"), []);

        sandbox.clearCalls();
        ok(await sandbox.cli(["destroy", "-s", "prod", "--yes"]));
        // The Recycle Bin rule is retained on destroy (retainOnDelete): the engine forgets it, AWS keeps it.
        assert.deepStrictEqual(
            urnsOf(sandbox.calls(), "Delete").sort(),
            created.filter((urn) => !urn.endsWith(RETAINED_RECYCLE_BIN_RULE)).sort(),
        );
        assert.deepStrictEqual(await stateOf(sandbox, "prod", sandbox.project), []);
    });

    it("`pulumi up --skip-preview` (the Automation API's up) judges a stack policy only after every resource was created", async () => {
        // Why `vss-fleet apply` previews first (automation/driver/run.ts).
        sandbox.clearCalls();
        const result = await sandbox.cli([
            "up",
            "-s",
            "prod",
            "--yes",
            "--skip-preview",
            "--policy-pack",
            sandbox.launcher,
            "--policy-pack-config",
            violating,
        ]);
        assert.notStrictEqual(result.code, 0);
        assert.match(result.stdout, /fleet-windows-instances-enrolled/);
        assert.strictEqual(urnsOf(sandbox.calls(), "Create").length, 45, "the violation did not stop a single create");
        assert.strictEqual((await stateOf(sandbox, "prod", sandbox.project)).length, 55);
        ok(await sandbox.cli(["destroy", "-s", "prod", "--yes"]));
    });

    describe("a fresh `vss-fleet init` scaffold", () => {
        let fleet: string;

        before(async () => {
            fleet = await sandbox.scaffold("fleet");
            ok(await sandbox.cli(["stack", "init", "dev"], fleet));
        });

        it("`pulumi preview -s dev`, type-checked, then `pulumi up` and `pulumi destroy`: its stacks/index.ts, the documented outputs", async () => {
            const preview = await sandbox.cli(["preview", "-s", "dev"], fleet, sandbox.typeChecked());
            assert.strictEqual(preview.code, 0, preview.stdout + preview.stderr);
            assert.match(preview.stdout, /^ {4}\+ 46 to create$/m);
            // The template's dev environment enrolls no instance by id, and an empty list is not displayed.
            assert.deepStrictEqual(
                previewedOutputs(preview.stdout),
                documented.filter((o) => o !== "enrolledInstances"),
            );

            sandbox.clearCalls();
            ok(await sandbox.cli(["up", "-s", "dev", "--yes"], fleet));
            const created = urnsOf(sandbox.calls(), "Create");
            assert.strictEqual(new Set(created).size, created.length, "a resource was created twice");
            assert.strictEqual((await stateOf(sandbox, "dev", fleet)).length, 46);
            const outputs = JSON.parse(ok(await sandbox.cli(["stack", "output", "-s", "dev", "--json"], fleet))) as Record<string, unknown>;
            assert.deepStrictEqual(Object.keys(outputs).sort(), documented);
            assert.strictEqual(outputs.environment, "dev");
            assert.deepStrictEqual(outputs.enrolledInstances, []);

            ok(await sandbox.cli(["destroy", "-s", "dev", "--yes"], fleet));
            assert.deepStrictEqual(await stateOf(sandbox, "dev", fleet), []);
        });
    });
});
