/**
 * Command modules load their heavy dependencies inside run(): `--help` and `validate` must not load
 * Pulumi, the Automation API, the AWS SDK or the offline engine (start-up time, issue 14). Each case
 * runs the CLI in a fresh Node process and lists which of those ended up in require's cache.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

const PROBE = `
const io = { out: () => {}, err: () => {} };
require("./automation/cli").main(JSON.parse(process.argv[1]), io).then((code) => {
    const loaded = Object.keys(require.cache).map((f) => f.split(require("path").sep).join("/"));
    const heavy = {
        pulumi: loaded.some((f) => f.includes("/node_modules/@pulumi/")),
        awsSdk: loaded.some((f) => f.includes("/node_modules/@aws-sdk/")),
        offlineEngine: loaded.some((f) => f.includes("/automation/offline/")),
        driver: loaded.some((f) => f.includes("/automation/driver/")),
    };
    process.stdout.write(JSON.stringify({ code, heavy }));
});
`;

function loadedBy(argv: string[]): { code: number; heavy: Record<string, boolean> } {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", PROBE, JSON.stringify(argv)], {
        cwd: ROOT,
        encoding: "utf8",
    });
    assert.strictEqual(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as { code: number; heavy: Record<string, boolean> };
}

const NOTHING_HEAVY = { pulumi: false, awsSdk: false, offlineEngine: false, driver: false };

describe("the CLI loads heavy dependencies only when a command runs", function () {
    this.timeout(60_000);

    for (const argv of [["--help"], ["plan", "--help"], ["apply", "--help"], ["validate", "examples/fleet.yaml"]]) {
        it(`${argv.join(" ")}: neither Pulumi, nor the AWS SDK, nor the offline engine or driver`, () => {
            assert.deepStrictEqual(loadedBy(argv), { code: 0, heavy: NOTHING_HEAVY });
        });
    }

    it("the probe can fail: plan --offline does load Pulumi and the offline engine", () => {
        const { code, heavy } = loadedBy(["plan", "examples/fleet.yaml", "--offline", "--inventory", "examples/inventory.json"]);
        assert.strictEqual(code, 0);
        assert.strictEqual(heavy.pulumi, true);
        assert.strictEqual(heavy.offlineEngine, true);
    });
});
