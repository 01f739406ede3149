/**
 * The bin through a real pipe. A pipe holds 64 KiB; a CLI that calls process.exit() right after
 * writing loses whatever the reader has not taken yet. The reader here waits a second before it reads,
 * so the whole output must sit in the writer until then, and arrive complete.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** `count` running Windows servers tagged Environment=prod in 111111111111/us-east-1, none enrolled. */
function inventory(count: number): string {
    const instances = Array.from({ length: count }, (_, i) => ({
        InstanceId: `i-${(i + 0x10000).toString(16).padStart(17, "0")}`,
        Placement: { AvailabilityZone: "us-east-1a" },
        Platform: "windows",
        State: { Name: "running" },
        Tags: [
            { Key: "Environment", Value: "prod" },
            { Key: "Name", Value: `srv-${i}` },
        ],
    }));
    return JSON.stringify({ Reservations: [{ OwnerId: "111111111111", Instances: instances }] });
}

/**
 * Runs `bin/vss-fleet.js ARGV | (sleep; cat)` in a shell: a real pipe(2), as in a CI step, whose
 * reader starts late. (Node's own child pipes are socket pairs with larger buffers.) The bin's exit
 * code comes back on stderr's last line.
 */
function runThroughSlowPipe(argv: string[], delaySeconds: number): Promise<{ code: number; stdout: Buffer; stderr: string }> {
    const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const script = `"$NODE" bin/vss-fleet.js ${quoted} | (sleep ${delaySeconds}; cat); echo "exit \${PIPESTATUS[0]}" >&2`;
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE: process.execPath } });
        const chunks: Buffer[] = [];
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => chunks.push(d));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", () => {
            const code = Number(/exit (\d+)\n$/.exec(stderr)?.[1] ?? NaN);
            resolve({ code, stdout: Buffer.concat(chunks), stderr });
        });
    });
}

describe("the bin writes all of its output before it exits", function () {
    this.timeout(90_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-pipe-"));
        fs.writeFileSync(path.join(dir, "inventory.json"), inventory(400));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plan --json of a 400-server inventory arrives whole through a pipe read late (far above 64 KiB)", async () => {
        const argv = ["plan", "examples/fleet.yaml", "--offline", "--inventory", path.join(dir, "inventory.json"), "--json"];
        const { code, stdout, stderr } = await runThroughSlowPipe(argv, 1.5);
        assert.strictEqual(code, 1, stderr);
        assert.ok(stdout.length > 3 * 65536, `only ${stdout.length} bytes arrived`);
        const plan = JSON.parse(stdout.toString("utf8")) as { ok: boolean; environments: { name: string }[] };
        assert.strictEqual(plan.ok, false);
        assert.deepStrictEqual(
            plan.environments.map((e) => e.name),
            ["prod", "dev"],
        );
    });
});
