/**
 * bin/vss-fleet.js refuses a Node.js older than package.json's engines with one line, before anything
 * else loads. The process runs on this Node with its version faked by a preloaded module.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

function runAs(version: string, ...argv: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-node-"));
    const fake = path.join(dir, "fake.js");
    fs.writeFileSync(
        fake,
        `Object.defineProperty(process, "version", { value: "v${version}" });\n` +
            `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${version}" } });\n`,
    );
    try {
        return spawnSync(process.execPath, ["-r", fake, "bin/vss-fleet.js", ...argv], { cwd: ROOT, encoding: "utf8" });
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
}

describe("bin/vss-fleet.js and package.json's engines", function () {
    this.timeout(60_000);

    it("refuses Node.js 18 and 22.11 with one line and exit 2, loading nothing else", () => {
        for (const version of ["18.19.0", "22.11.9", "20.20.2"]) {
            const child = runAs(version, "validate", "examples/fleet.yaml");
            assert.strictEqual(child.status, 2, version);
            assert.strictEqual(child.stdout, "");
            assert.strictEqual(
                child.stderr,
                `vss-fleet needs Node.js >=22.12.0 (package.json engines); this is v${version}: install a newer Node.js (https://nodejs.org/)\n`,
            );
        }
    });

    it("runs on the lowest accepted version and on newer ones", () => {
        for (const version of ["22.12.0", "23.0.0", "24.1.2"]) {
            const child = runAs(version, "--version");
            assert.strictEqual(child.status, 0, `${version}: ${child.stderr}`);
            assert.strictEqual(
                child.stdout,
                `${(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version}\n`,
            );
        }
    });
});
