/**
 * The compiled CLI (dist/, what bin/vss-fleet.js runs) against the in-process engine from the
 * TypeScript sources: the same bytes on stdout and stderr and the same exit code, on the example
 * fleet. The build runs first (incremental: seconds when nothing changed), so the test never judges
 * a stale dist/.
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLE_PLAN = ["plan", "examples/fleet.yaml", "--offline", "--inventory", "examples/inventory.json"];

function compiled(...argv: string[]): { code: number | null; out: string; err: string } {
    const env = { ...process.env };
    delete env.VSS_FLEET_FROM_SOURCE;
    const child = spawnSync(process.execPath, ["bin/vss-fleet.js", ...argv], { cwd: ROOT, encoding: "utf8", env });
    return { code: child.status, out: child.stdout, err: child.stderr };
}

describe("the compiled CLI", function () {
    this.timeout(240_000);

    before(() => {
        execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
        execFileSync(process.execPath, ["scripts/copy-assets.js"], { cwd: ROOT });
    });

    it("is what bin/vss-fleet.js runs", () => {
        assert.ok(fs.existsSync(path.join(ROOT, "dist", "automation", "cli.js")));
        assert.ok(fs.existsSync(path.join(ROOT, "dist", "components", "document", "diskshadow", "VssFleetSnapshot.ps1")));
    });

    for (const extra of [[], ["--json"], ["--format", "markdown"]]) {
        it(`plans the example fleet byte for byte as the in-process engine does (${extra.join(" ") || "text"})`, async () => {
            const inProcess = await runCli(...EXAMPLE_PLAN, ...extra);
            const child = compiled(...EXAMPLE_PLAN, ...extra);
            assert.strictEqual(child.err, inProcess.err);
            assert.strictEqual(child.out, inProcess.out);
            assert.strictEqual(child.code, inProcess.code);
            assert.ok(child.out.includes("prod"), "the plan names the environments");
        });
    }

    it("validates the example fleet as the in-process CLI does", async () => {
        const inProcess = await runCli("validate", "examples/fleet.yaml");
        assert.deepStrictEqual(compiled("validate", "examples/fleet.yaml"), { ...inProcess, code: 0 });
    });
});
