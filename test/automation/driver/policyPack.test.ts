/** Which policy pack a run attaches (automation/driver/policyPack.ts). */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policyPackDir, SHIPPED_POLICY_PACK } from "../../../automation/driver/policyPack";

describe("the policy pack a run attaches", () => {
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-pack-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("is the project's own policies/ when it holds a PulumiPolicy.yaml", () => {
        fs.mkdirSync(path.join(tmp, "policies"));
        fs.writeFileSync(path.join(tmp, "policies", "PulumiPolicy.yaml"), "runtime: nodejs\n");
        assert.strictEqual(policyPackDir(tmp, "/shipped"), path.join(tmp, "policies"));
    });

    it("is the shipped pack for a fleet repository without one, or with a policies/ folder that is no pack", () => {
        assert.strictEqual(policyPackDir(tmp, "/shipped"), "/shipped");
        fs.mkdirSync(path.join(tmp, "policies"));
        fs.writeFileSync(path.join(tmp, "policies", "notes.md"), "");
        assert.strictEqual(policyPackDir(tmp, "/shipped"), "/shipped");
    });

    it("ships as a complete pack: this repository's policies/ from the sources", () => {
        assert.strictEqual(SHIPPED_POLICY_PACK, path.resolve("policies"));
        assert.ok(fs.existsSync(path.join(SHIPPED_POLICY_PACK, "PulumiPolicy.yaml")));
        assert.strictEqual(policyPackDir(process.cwd()), path.resolve("policies"));
    });
});
