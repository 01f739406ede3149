/**
 * A forced second Ctrl-C: the bin exits at once (130), and the driver's temporary policy configs go
 * with it (removed from a process 'exit' handler), even though the update it was running never ended.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakePulumi } from "../automation/driver/fakePulumi";

const MANIFEST = `version: 1\nenvironments:\n  a:\n    region: us-east-1\n    accountId: "111111111111"\n`;

/** The vss-fleet-* folders under `tmp` that still hold a file. */
const leftovers = (tmp: string) =>
    fs.readdirSync(tmp).filter((d) => d.startsWith("vss-fleet-") && fs.readdirSync(path.join(tmp, d)).length > 0);

async function until(condition: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > end) {
            throw new Error("timed out waiting");
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}

describe("the bin on a second Ctrl-C", function () {
    this.timeout(120_000);

    it("exits 130 at once and leaves no temporary policy config behind", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-interrupt-"));
        const tmp = path.join(dir, "tmp");
        fs.mkdirSync(tmp);
        fs.mkdirSync(path.join(dir, "stacks"));
        fs.copyFileSync("Pulumi.yaml", path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "fleet.yaml"), MANIFEST);
        // An update that ignores the first Ctrl-C's cancel, so only the forced exit can end the run. apply previews
        // first (a Ctrl-C during the preview just cancels the run), so the test waits until the update has started.
        const fake = new FakePulumi({
            existingStacks: ["a"],
            stacks: { a: { up: { delayMs: 8_000, ignoreSigint: true } } },
        });
        try {
            const argv = ["bin/vss-fleet.js", "apply", path.join(dir, "fleet.yaml"), "--project-dir", dir, "--no-account-check", "--yes"];
            const child = spawn(process.execPath, [...argv, "--inventory", "examples/inventory.json"], {
                env: { ...process.env, TMPDIR: tmp, PATH: `${path.join(fake.root, "bin")}${path.delimiter}${process.env.PATH}` },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stderr = "";
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
            const upStarted = () => fs.existsSync(path.join(fake.root, "state", "count_a_up"));
            await until(() => (leftovers(tmp).length > 0 && upStarted()) || child.exitCode !== null, 60_000);
            assert.strictEqual(child.exitCode, null, `the run ended before the test could interrupt it: ${stderr}`);
            child.kill("SIGINT");
            await until(() => stderr.includes("cancelling running updates"), 10_000);
            const forced = Date.now();
            child.kill("SIGINT");
            const code = await exited;
            assert.strictEqual(code, 130, stderr);
            assert.ok(Date.now() - forced < 5_000, "the second Ctrl-C did not wait for the update");
            assert.deepStrictEqual(leftovers(tmp), []);
        } finally {
            fake.dispose();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
