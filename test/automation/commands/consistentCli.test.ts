/**
 * One consistent CLI, run as users run it (bin/vss-fleet.js): --json on every command that prints a
 * result, --env as one repeatable filter (a command that needs one says so when given two), one
 * --project-dir, and each command's help listing only its own options.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { COMMANDS } from "../../../automation/commands";

const ROOT = path.join(__dirname, "..", "..", "..");
const run = (...argv: string[]) => spawnSync(process.execPath, ["bin/vss-fleet.js", ...argv], { cwd: ROOT, encoding: "utf8" });
const flagsOf = (name: string) => (COMMANDS.find((c) => c.name === name)?.options ?? []).map((o) => o.build().long);

describe("one consistent CLI", function () {
    this.timeout(120_000);

    it("--json on every command that prints a result (init writes files, schema prints the schema, preview-stacks a listing)", () => {
        const without = COMMANDS.filter((c) => !flagsOf(c.name).includes("--json")).map((c) => c.name);
        assert.deepStrictEqual(without, ["init", "schema", "preview-stacks"]);
    });

    it("render --check --json, guardrails --json and deploy-policy --json each print exactly one JSON object", () => {
        const check = run("render", "examples/fleet.yaml", "--check", "--json");
        assert.strictEqual(check.status, 0, check.stderr);
        assert.deepStrictEqual(JSON.parse(check.stdout), { ok: true, check: true, differences: [] });
        for (const argv of [
            ["guardrails", "--json"],
            ["deploy-policy", "examples/fleet.yaml", "--env", "prod", "--json"],
        ]) {
            const child = run(...argv);
            assert.strictEqual(child.status, 0, child.stderr);
            assert.strictEqual(typeof JSON.parse(child.stdout), "object", argv.join(" "));
        }
    });

    it("--env is one repeatable filter; deploy-policy and restore need one and say so when given two", () => {
        // validate and render work on the whole manifest (the stack files must all match it).
        for (const command of COMMANDS.filter((c) => c.takesManifest && !["validate", "render"].includes(c.name))) {
            assert.ok(flagsOf(command.name).includes("--env"), `${command.name} has --env`);
        }
        const two = run("deploy-policy", "examples/fleet.yaml", "--env", "prod", "--env", "dev");
        assert.strictEqual(two.status, 2);
        assert.strictEqual(two.stdout, "");
        assert.strictEqual(two.stderr, "deploy-policy works on one environment, and --env was given 2 times (prod, dev): name one\n");
        const none = run("restore", "examples/fleet.yaml", "--instance", "i-0a1b2c3d4e5f60001", "--offline");
        assert.strictEqual(none.status, 2);
        assert.strictEqual(none.stderr, "restore works on one environment: name it with --env (the manifest has prod, dev)\n");
    });

    it("the project folder is --project-dir wherever a command needs the project", () => {
        for (const name of ["preview", "apply", "drift", "destroy", "verify", "restore", "deploy-policy"]) {
            assert.ok(flagsOf(name).includes("--project-dir"), name);
        }
    });

    it("each command's help lists its own options: --yes only on apply and destroy", () => {
        const help = (name: string) => run(name, "--help").stdout;
        assert.doesNotMatch(help("preview"), /--yes/);
        assert.doesNotMatch(help("drift"), /--yes/);
        assert.match(help("apply"), /--yes +apply without asking/);
        assert.match(help("destroy"), /--yes +destroy without asking/);
    });
});
