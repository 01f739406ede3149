/**
 * Progress: one stderr line per environment as it completes, for a person at a terminal. The CLI gets
 * a progress sink only when stderr is a TTY; with --json, or without the sink, nothing extra is printed.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../automation/cli";
import { VERIFY_OFFLINE } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");
const PLAN = ["plan", "examples/fleet.yaml", "--offline", "--inventory", "examples/inventory.json"];
const VERIFY = ["verify", "examples/fleet.yaml", ...VERIFY_OFFLINE];

async function run(argv: readonly string[], terminal: boolean) {
    const streams = { out: "", err: "", progress: [] as string[] };
    const code = await main(argv, {
        out: (t) => (streams.out += t + "\n"),
        err: (t) => (streams.err += t + "\n"),
        ...(terminal ? { progress: (t: string) => streams.progress.push(t) } : {}),
    });
    return { code, ...streams };
}

describe("progress on a terminal", function () {
    this.timeout(120_000);

    it("plan: one line per environment, in order, and the same stdout as without a terminal", async () => {
        const terminal = await run(PLAN, true);
        assert.deepStrictEqual(terminal.progress, ["planned prod (1/2)", "planned dev (2/2)"]);
        const piped = await run(PLAN, false);
        assert.strictEqual(terminal.out, piped.out);
        assert.strictEqual(terminal.err, piped.err);
        assert.strictEqual(terminal.code, piped.code);
    });

    it("plan --env: counts only the chosen environments", async () => {
        assert.deepStrictEqual((await run([...PLAN, "--env", "dev"], true)).progress, ["planned dev (1/1)"]);
    });

    it("verify: one line per environment", async () => {
        assert.deepStrictEqual((await run(VERIFY, true)).progress, ["verified prod (1/2)", "verified dev (2/2)"]);
    });

    it("nothing with --json, even on a terminal", async () => {
        assert.deepStrictEqual((await run([...PLAN, "--json"], true)).progress, []);
        assert.deepStrictEqual((await run([...VERIFY, "--json"], true)).progress, []);
    });

    it("the bin prints nothing extra when stderr is a pipe", () => {
        const child = spawnSync(process.execPath, ["bin/vss-fleet.js", ...PLAN], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(child.status, 0, child.stderr);
        assert.strictEqual(child.stderr, "");
    });

    it("the bin prints the lines when stderr is a terminal (under script(1)), and not with --json", () => {
        // util-linux's script makes the pseudo-terminal; a machine without it cannot run this test, and says so.
        assert.ok(fs.existsSync("/usr/bin/script"), "this test needs /usr/bin/script (util-linux) to give the CLI a terminal");
        const underTerminal = (argv: readonly string[]) =>
            spawnSync("/usr/bin/script", ["-qec", [process.execPath, "bin/vss-fleet.js", ...argv].join(" "), "/dev/null"], {
                cwd: ROOT,
                encoding: "utf8",
            }).stdout;
        const text = underTerminal(PLAN);
        assert.match(text, /planned prod \(1\/2\)\r?\nplanned dev \(2\/2\)\r?\n/);
        assert.doesNotMatch(underTerminal([...PLAN, "--json"]), /planned/);
    });
});
