/** `vss-fleet validate` (automation/commands/validate.ts). */
import * as assert from "assert";
import { runCli as run } from "../../helpers";

describe("vss-fleet validate", () => {
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
        assert.strictEqual(err, "missing.yaml: cannot read the manifest (no such file or folder, ENOENT)\n");
    });
});
