import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakePulumi } from "../driver/fakePulumi";
import { runCli } from "../../helpers";

const MANIFEST = `version: 1
environments:
  a:
    region: us-east-1
    accountId: "111111111111"
  b:
    region: eu-west-1
    accountId: "222222222222"
`;

const run = runCli;

describe("vss-fleet preview/apply/drift/destroy/render (the CLI)", function () {
    this.timeout(60_000);
    let dir: string;
    let manifest: string;
    const originalPath = process.env.PATH;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-cli-"));
        fs.copyFileSync("Pulumi.yaml", path.join(dir, "Pulumi.yaml"));
        fs.mkdirSync(path.join(dir, "stacks"));
        manifest = path.join(dir, "fleet.yaml");
        fs.writeFileSync(manifest, MANIFEST);
    });
    /** The scratch project, no STS, and the example inventory instead of a live DescribeInstances. */
    const againstScratchProject = () => ["--project-dir", dir, "--no-account-check", "--inventory", "examples/inventory.json"];

    afterEach(() => {
        process.env.PATH = originalPath;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("says in one line how to get the Pulumi CLI when it is not on PATH, and renders nothing", async () => {
        process.env.PATH = path.join(dir, "empty");
        const { code, out, err } = await run("preview", manifest, "--project-dir", dir, "--no-account-check");
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.deepStrictEqual(err.trim().split("\n").slice(-1), [
            "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/); 'vss-fleet plan --offline' works without it",
        ]);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "stacks")), []);
    });

    it("finds pulumi on PATH, streams prefixed output to stderr and prints one JSON summary", async () => {
        const fake = new FakePulumi({ existingStacks: ["a", "b"], stacks: { a: { up: { changes: { create: 12 } } } } });
        try {
            process.env.PATH = `${path.join(fake.root, "bin")}${path.delimiter}${originalPath}`;
            const { code, out, err } = await run("apply", manifest, ...againstScratchProject(), "--json", "--yes");
            assert.strictEqual(code, 0, err);
            assert.match(err, /^account check skipped \(--no-account-check\)/m);
            assert.match(err, /^\[a\] up of a done$/m);
            assert.match(err, /^\[b\] up of b done$/m);
            const summary = JSON.parse(out) as {
                ok: boolean;
                operation: string;
                environments: { name: string; status: string; changes: object }[];
            };
            assert.strictEqual(out.trim().split("\n").length, 1);
            assert.deepStrictEqual(
                summary.environments.map((e) => [e.name, e.status, e.changes]),
                [
                    ["a", "succeeded", { create: 12 }],
                    ["b", "succeeded", {}],
                ],
            );
            assert.strictEqual(summary.ok, true);
            assert.strictEqual(summary.operation, "apply");
            assert.strictEqual((summary as unknown as { environmentsInManifest: number }).environmentsInManifest, 2);
            const one = await run("apply", manifest, ...againstScratchProject(), "--env", "b", "--yes");
            assert.match(one.out, /^vss-fleet apply: 1 of 2 environment\(s\) of the manifest\n/);
        } finally {
            fake.dispose();
        }
    });

    it("writes a markdown summary for pull requests", async () => {
        const fake = new FakePulumi({
            existingStacks: ["a", "b"],
            stacks: {
                b: {
                    preview: {
                        policyEvents: [
                            { policyName: "windows-instance-enrolled", enforcementLevel: "mandatory", message: "web-1 is not enrolled" },
                        ],
                        fail: { exitCode: 255, stderr: "error: 1 mandatory policy violation\n" },
                    },
                },
            },
        });
        try {
            process.env.PATH = `${path.join(fake.root, "bin")}${path.delimiter}${originalPath}`;
            const { code, out } = await run("preview", manifest, ...againstScratchProject(), "--format", "markdown");
            assert.strictEqual(code, 1);
            assert.match(out, /^### vss-fleet preview\n/);
            assert.match(out, /\n\| b \| blocked \| no changes \| 1 \| 0 \| [\d.]+ s \|\n/);
            assert.match(out, /\n- :no_entry: \*\*windows-instance-enrolled\*\*: web-1 is not enrolled/);
        } finally {
            fake.dispose();
        }
    });

    it("preview --format markdown shows each environment's resource diff; --json-file keeps every step for the artifact", async () => {
        const window = "urn:pulumi:a::vss-fleet::vss-fleet:index:BackupEnvironment$aws:ssm/maintenanceWindow:MaintenanceWindow::a-window";
        const fake = new FakePulumi({
            existingStacks: ["a", "b"],
            stacks: {
                a: {
                    preview: {
                        changes: { update: 1, same: 12 },
                        resourceEvents: [
                            { op: "same", urn: "urn:pulumi:a::vss-fleet::pulumi:pulumi:Stack::vss-fleet-a", type: "pulumi:pulumi:Stack" },
                            {
                                op: "update",
                                urn: window,
                                type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
                                diffs: ["duration"],
                                detailedDiff: { duration: { diffKind: "update", inputDiff: true } },
                            },
                        ],
                    },
                },
            },
        });
        const jsonFile = path.join(dir, "preview.json");
        try {
            process.env.PATH = `${path.join(fake.root, "bin")}${path.delimiter}${originalPath}`;
            const { code, out, err } = await run(
                "preview",
                manifest,
                ...againstScratchProject(),
                "--format",
                "markdown",
                "--json-file",
                jsonFile,
            );
            assert.strictEqual(code, 0, err);
            assert.ok(
                out.endsWith(
                    [
                        "<details><summary>a: resource diff (1 to update)</summary>",
                        "",
                        "- update `aws:ssm/maintenanceWindow:MaintenanceWindow` **a-window**: `duration` (update)",
                        "",
                        "</details>\n",
                    ].join("\n"),
                ),
                out,
            );
            assert.ok(!out.includes("b: resource diff"), "b changes nothing");
            const saved = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { environments: { name: string; steps: unknown[] }[] };
            assert.deepStrictEqual(
                saved.environments.map((e) => [e.name, e.steps]),
                [
                    [
                        "a",
                        [
                            {
                                op: "update",
                                urn: window,
                                type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
                                name: "a-window",
                                properties: [{ path: "duration", kind: "update" }],
                            },
                        ],
                    ],
                    ["b", []],
                ],
            );
        } finally {
            fake.dispose();
        }
    });

    it("--json-file that cannot be written is refused before any stack is touched", async () => {
        const { code, out, err } = await run(
            "preview",
            manifest,
            ...againstScratchProject(),
            "--json-file",
            path.join(dir, "missing", "preview.json"),
        );
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.match(err, /^--json-file .*missing\/preview\.json: cannot write in .*missing \(no such file or folder, ENOENT\)$/m);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "stacks")), []);
    });

    it("destroy refuses without --yes, naming what it would remove; --yes names it again", async () => {
        const refused = await run("destroy", manifest, "--project-dir", dir, "--env", "b");
        assert.strictEqual(refused.code, 2);
        assert.strictEqual(
            refused.err,
            "destroy would remove the stacks of b (222222222222/eu-west-1), and stdin is not a terminal, so nobody can confirm: run again with --yes to confirm\n",
        );
        const fake = new FakePulumi({ existingStacks: ["a", "b"], stacks: {} });
        try {
            process.env.PATH = `${path.join(fake.root, "bin")}${path.delimiter}${originalPath}`;
            const confirmed = await run("destroy", manifest, "--project-dir", dir, "--env", "b", "--yes", "--no-account-check");
            assert.strictEqual(confirmed.code, 0, confirmed.err);
            assert.match(confirmed.err, /^destroying b \(222222222222\/eu-west-1\)$/m);
            assert.ok(
                fake.invocations().every((i) => !i.argv.includes("a")),
                "only b was touched",
            );
        } finally {
            fake.dispose();
        }
    });

    it("deploy-policy prints the deploy role's policy for one environment", async () => {
        const { code, out } = await run("deploy-policy", manifest, "--env", "b");
        assert.strictEqual(code, 0);
        const policy = JSON.parse(out) as { Statement: { Sid: string; Resource: unknown }[] };
        assert.deepStrictEqual(policy.Statement.find((s) => s.Sid === "PassOnlyTheTaskRolesToSsm")?.Resource, [
            "arn:aws:iam::222222222222:role/vss-fleet/b/b-task-role*",
            "arn:aws:iam::222222222222:role/vss-fleet/b/b-task-notify*",
        ]);
        assert.strictEqual((await run("deploy-policy", manifest)).code, 2, "--env is required");
    });

    it("rejects --timeout 0", async () => {
        const { code, err } = await run("preview", manifest, "--timeout", "0");
        assert.strictEqual(code, 2);
        assert.match(err, /--timeout takes a whole number of at least 1, not '0'/);
    });

    it("rejects --parallel 0", async () => {
        const { code, err } = await run("preview", manifest, "--parallel", "0");
        assert.strictEqual(code, 2);
        assert.match(err, /--parallel takes a whole number of at least 1, not '0'/);
    });

    it("render writes the stack files and --check fails when one drifts from the manifest", async () => {
        const stacks = path.join(dir, "stacks");
        assert.strictEqual((await run("render", manifest, "--stacks-dir", stacks)).code, 0);
        assert.deepStrictEqual(fs.readdirSync(stacks).sort(), ["Pulumi.a.yaml", "Pulumi.b.yaml"]);
        const clean = await run("render", manifest, "--check", "--stacks-dir", stacks);
        assert.strictEqual(clean.code, 0, clean.err);
        const file = path.join(stacks, "Pulumi.b.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("durationHours: 1", "durationHours: 3"));
        fs.unlinkSync(path.join(stacks, "Pulumi.a.yaml"));
        const drifted = await run("render", manifest, "--check", "--stacks-dir", stacks);
        assert.strictEqual(drifted.code, 1);
        assert.match(drifted.err, /Pulumi\.a\.yaml: missing; the manifest has environment 'a'/);
        assert.match(drifted.err, /Pulumi\.b\.yaml: vss-fleet:environment.durationHours: 3 → 1\n/);
        assert.match(drifted.err, /run this, then commit the result:\n {2}vss-fleet render \S*fleet\.yaml --stacks-dir \S*stacks$/m);
    });

    it("the shipped stacks/ match the shipped example manifest (render --check in CI)", async () => {
        const { code, err } = await run("render", "examples/fleet.yaml", "--check");
        assert.strictEqual(code, 0, err);
    });
});
