/**
 * `render --check` ends with the command that fixes what it found, on a line of its own: pasted into a
 * shell as it is, it runs, also when the manifest's path has a space (a quoted path inside quotes did not).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "vss-fleet.js");

describe("render --check's fix", () => {
    it("is one line a shell runs as is, for a manifest path with a space", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-render check-"));
        try {
            fs.copyFileSync(path.join(ROOT, "examples", "fleet.yaml"), path.join(dir, "my fleet.yaml"));
            fs.mkdirSync(path.join(dir, "stacks"));
            const check = spawnSync(process.execPath, [BIN, "render", "my fleet.yaml", "--check"], { cwd: dir, encoding: "utf8" });
            assert.strictEqual(check.status, 1, check.stderr);
            const fix = check.stderr.split("\n").find((line) => line.startsWith("  vss-fleet render "));
            assert.strictEqual(fix, "  vss-fleet render 'my fleet.yaml'");
            // The line as a shell reads it, with vss-fleet standing for this repository's bin.
            const ran = spawnSync(
                "bash",
                ["-c", `vss-fleet() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }\n${fix}`],
                {
                    cwd: dir,
                    encoding: "utf8",
                },
            );
            assert.strictEqual(ran.status, 0, ran.stderr);
            const again = spawnSync(process.execPath, [BIN, "render", "my fleet.yaml", "--check"], { cwd: dir, encoding: "utf8" });
            assert.strictEqual(again.status, 0, again.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the stacks folder it checked when it is not stacks/", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-render-dir-"));
        try {
            fs.copyFileSync(path.join(ROOT, "examples", "fleet.yaml"), path.join(dir, "fleet.yaml"));
            fs.mkdirSync(path.join(dir, "other stacks"));
            const check = spawnSync(process.execPath, [BIN, "render", "fleet.yaml", "--check", "--stacks-dir", "other stacks"], {
                cwd: dir,
                encoding: "utf8",
            });
            assert.strictEqual(check.status, 1, check.stderr);
            assert.ok(check.stderr.includes("\n  vss-fleet render fleet.yaml --stacks-dir 'other stacks'\n"), check.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
