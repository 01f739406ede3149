/** `vss-fleet plan` (automation/commands/plan.ts): exit codes, input errors, and the bin end to end. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { runCli } from "../../helpers";

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

describe("vss-fleet plan", () => {
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
