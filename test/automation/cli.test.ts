import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { manifestJsonSchema } from "../../automation/manifest/manifestSchema";
import { runCli } from "../helpers";

const run = runCli;

/** The example fleet with the inventory file of a new, unenrolled server: a plan that must block. */
const BLOCKED_PLAN = [
    "plan",
    "examples/fleet.yaml",
    "--offline",
    "--inventory",
    "examples/inventory.json",
    "--inventory",
    "examples/inventory-new-server.json",
];

describe("the vss-fleet CLI", () => {
    it("validate: exit 0 for a valid manifest", async () => {
        const { code, out } = await run("validate", "examples/fleet.yaml");
        assert.strictEqual(code, 0);
        assert.strictEqual(out, "examples/fleet.yaml: valid, 2 environment(s): prod, dev\n");
    });

    it("validate --json: the environment names, for a CI matrix", async () => {
        const { code, out } = await run("validate", "examples/fleet.yaml", "--json");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(JSON.parse(out), { ok: true, environments: ["prod", "dev"] });
    });

    it("validate: exit 2 with every problem on stderr, and no stack trace", async () => {
        const { code, out, err } = await run("validate", "test/fixtures/manifests/broken.yaml");
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.deepStrictEqual(err.trim().split("\n"), [
            "test/fixtures/manifests/broken.yaml:5:5: environments.prod.schedule: cron needs '?' in exactly one of day-of-month and day-of-week (SSM cannot combine both)",
            "test/fixtures/manifests/broken.yaml:7:5: environments.prod.cutoffHours: cutoffHours (2) must be less than durationHours (1)",
            "test/fixtures/manifests/broken.yaml:8:17: environments.prod.instances[0]: must be an instance id such as i-0123456789abcdef0",
        ]);
    });

    it("validate: exit 2 for a file that is not there", async () => {
        const { code, err } = await run("validate", "missing.yaml");
        assert.strictEqual(code, 2);
        assert.strictEqual(err, "missing.yaml: cannot read the manifest (ENOENT)\n");
    });

    it("plan: exit 0 with advisories only, 1 with a mandatory violation", async () => {
        const ok = await run("plan", "examples/fleet.yaml", "--offline", "--inventory", "examples/inventory.json");
        assert.strictEqual(ok.code, 0);
        const blocked = await run(...BLOCKED_PLAN);
        assert.strictEqual(blocked.code, 1);
        assert.match(blocked.out, /BLOCKED: 1 mandatory policy violation\(s\) in prod\.\n$/);
    });

    for (const [what, argv, message] of [
        ["a missing --offline", ["plan", "examples/fleet.yaml"], /^plan needs --offline/],
        ["an unknown flag", ["plan", "examples/fleet.yaml", "--offlne"], /unknown option '--offlne'/],
        ["--json with --format", ["plan", "examples/fleet.yaml", "--offline", "--json", "--format", "markdown"], /cannot be used with/],
        ["an unknown format", ["plan", "examples/fleet.yaml", "--offline", "--format", "html"], /Allowed choices are text, markdown/],
        [
            "an unknown environment",
            ["plan", "examples/fleet.yaml", "--offline", "--env", "staging"],
            /--env staging: examples\/fleet.yaml has no environment 'staging' \(it has prod, dev\)/,
        ],
        [
            "an unreadable inventory",
            ["plan", "examples/fleet.yaml", "--offline", "--inventory", "nope.json"],
            /^nope.json: cannot read the inventory/,
        ],
        ["an unknown command", ["deploy", "examples/fleet.yaml"], /unknown command 'deploy'/],
    ] as const) {
        it(`exit 2 for ${what}`, async () => {
            const { code, out, err } = await run(...argv);
            assert.strictEqual(code, 2, err);
            assert.strictEqual(out, "");
            assert.match(err, message);
            assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
        });
    }

    it("schema: the committed schemas/fleet.schema.json is generated from the manifest definition (npm run schema)", async () => {
        const { code, out } = await run("schema");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(JSON.parse(out), manifestJsonSchema());
        assert.deepStrictEqual(JSON.parse(fs.readFileSync("schemas/fleet.schema.json", "utf8")), manifestJsonSchema());
        const entry = (
            manifestJsonSchema() as { properties: { environments: { additionalProperties: { additionalProperties: unknown } } } }
        ).properties.environments.additionalProperties;
        assert.strictEqual(entry.additionalProperties, false, "unknown keys are errors in editors too");
    });

    it("end to end: the bin as a subprocess prints exactly one JSON object and exits by the verdict", function () {
        this.timeout(60_000);
        const result = spawnSync(process.execPath, ["bin/vss-fleet.js", ...BLOCKED_PLAN, "--json"], { encoding: "utf8" });
        assert.strictEqual(result.status, 1, result.stderr);
        const parsed = JSON.parse(result.stdout) as { ok: boolean; environments: { name: string }[] };
        assert.strictEqual(parsed.ok, false);
        assert.deepStrictEqual(
            parsed.environments.map((e) => e.name),
            ["prod", "dev"],
        );
        assert.strictEqual(result.stdout.trim().split("\n").length, 1, "one JSON object, one line");
    });
});
