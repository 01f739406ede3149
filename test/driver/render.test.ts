/** render --check: each differing key as old → new, and the stack files of removed environments. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkStacks, configDiff, renderStacks } from "../../automation/driver/stackFiles";
import { parseManifest } from "../../automation/manifest/load";

const MANIFEST = `version: 1
environments:
  a:
    region: us-east-1
    accountId: "111111111111"
    targetTags: { Backup: a, Tier: db }
  b:
    region: eu-west-1
    accountId: "222222222222"
    durationHours: 2
`;

describe("render --check", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-render-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("names each key that differs with the file's value and the manifest's, like a diff", () => {
        const fleet = parseManifest("fleet.yaml", MANIFEST);
        renderStacks(fleet.environments, dir, "fleet.yaml");
        const b = path.join(dir, "Pulumi.b.yaml");
        fs.writeFileSync(
            b,
            fs
                .readFileSync(b, "utf8")
                .replace("durationHours: 2", "durationHours: 3")
                .replace("aws:region: eu-west-1", "aws:region: eu-west-2"),
        );
        const a = path.join(dir, "Pulumi.a.yaml");
        fs.writeFileSync(a, fs.readFileSync(a, "utf8").replace("Tier: db", "Tier: web"));
        assert.deepStrictEqual(checkStacks(fleet.environments, dir), [
            `${a}: vss-fleet:environment.targetTags.Tier: "web" → "db"`,
            `${b}: aws:region: "eu-west-2" → "eu-west-1"`,
            `${b}: vss-fleet:environment.durationHours: 3 → 2`,
        ]);
    });

    it("reports the stack file of an environment the manifest no longer has, and leaves other files alone", () => {
        const fleet = parseManifest("fleet.yaml", MANIFEST);
        renderStacks(fleet.environments, dir, "fleet.yaml");
        const shrunk = parseManifest("fleet.yaml", MANIFEST.split("  b:")[0]);
        fs.writeFileSync(path.join(dir, "Pulumi.other.yaml"), "config:\n  aws:region: us-east-1\n");
        assert.deepStrictEqual(checkStacks(shrunk.environments, dir), [
            `${path.join(dir, "Pulumi.b.yaml")}: environment 'b' is not in the manifest; destroy its stack (pulumi destroy -s b, then pulumi stack rm b) and delete this file`,
        ]);
    });

    it("diffs nested values and keys present on one side only", () => {
        assert.deepStrictEqual(configDiff({ x: { y: 1, z: [1, 2] } }, { x: { y: 1, z: [1, 3], w: true } }), [
            "x.z: [1,2] → [1,3]",
            "x.w: (not set) → true",
        ]);
        assert.deepStrictEqual(configDiff({ x: 1 }, {}), ["x: 1 → (not set)"]);
    });
});
