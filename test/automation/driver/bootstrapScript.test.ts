/**
 * The bootstrap's files (deploy-policy --bootstrap --out-dir): which deploy role the script creates,
 * and the script's shape. test/emulator/bootstrapScript.test.ts runs the script against moto's IAM.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bootstrap } from "../../../automation/driver/bootstrap";
import { bootstrapFiles, deployRoleOf, writeBootstrapFiles } from "../../../automation/driver/bootstrapScript";
import { UserInputError } from "../../../automation/errors";
import { specOf } from "../../helpers";

function userError(fn: () => unknown): string {
    try {
        fn();
    } catch (error) {
        assert.ok(error instanceof UserInputError, String(error));
        return error.message;
    }
    return assert.fail("no error");
}

describe("the bootstrap script's deploy role", () => {
    it("--role-name alone: a role at / in the environment's account and partition", () => {
        assert.deepStrictEqual(deployRoleOf(specOf(), "vss-deploy"), {
            name: "vss-deploy",
            path: "/",
            arn: "arn:aws:iam::111111111111:role/vss-deploy",
        });
        assert.strictEqual(deployRoleOf(specOf({ region: "cn-north-1" }), "d").arn, "arn:aws-cn:iam::111111111111:role/d");
    });

    it("the manifest's deployRoleArn alone gives the name and the path; --role-name must agree with it", () => {
        const spec = specOf({ deployRoleArn: "arn:aws:iam::111111111111:role/ci/team/vss-deploy" });
        const expected = { name: "vss-deploy", path: "/ci/team/", arn: "arn:aws:iam::111111111111:role/ci/team/vss-deploy" };
        assert.deepStrictEqual(deployRoleOf(spec, undefined), expected);
        assert.deepStrictEqual(deployRoleOf(spec, "vss-deploy"), expected);
        assert.match(
            userError(() => deployRoleOf(spec, "other")),
            /--role-name other disagrees with the manifest's deployRoleArn arn:aws:iam::111111111111:role\/ci\/team\/vss-deploy/,
        );
    });

    it("neither: says to give --role-name, and how; a name IAM would refuse (or a shell would read) is refused", () => {
        assert.match(
            userError(() => deployRoleOf(specOf(), undefined)),
            /needs the deploy role's name: give --role-name <name> \(e\.g\. --role-name vss-fleet-deploy-prod\)/,
        );
        for (const bad of ["<deploy-role-name>", "a b", "x;rm", "", "r".repeat(65)]) {
            assert.match(
                userError(() => deployRoleOf(specOf(), bad)),
                /an IAM role name is 1 to 64 of letters, digits and \+=,\.@_-/,
                bad,
            );
        }
        assert.strictEqual(deployRoleOf(specOf(), "r".repeat(64)).name.length, 64);
    });
});

describe("the bootstrap's files", () => {
    const spec = specOf({ targetTags: { Backup: "prod" }, existingInstanceRoleNames: ["legacy-role"] });
    const role = deployRoleOf(spec, "vss-deploy");
    const plan = bootstrap({ ...spec, deployRoleArn: role.arn }, "vss-fleet", []);
    const files = bootstrapFiles(spec, plan, role);

    it("one document per policy, the trust, and one executable script that attaches every part and no placeholder", () => {
        assert.deepStrictEqual(
            files.map((f) => f.name),
            [
                "vss-fleet-prod-boundary.json",
                ...plan.deployPolicies.map((p) => `${p.name}.json`),
                "vss-fleet-prod-instance-snapshot.json",
                "vss-fleet-watch-prod.json",
                "vss-deploy-trust.json",
                "bootstrap.sh",
            ],
        );
        const script = files[files.length - 1];
        assert.strictEqual(script.executable, true);
        assert.match(script.content, /^#!\/usr\/bin\/env bash\n/);
        assert.match(script.content, /^set -euo pipefail$/m);
        // No placeholder outside the comments: the script runs as written.
        assert.deepStrictEqual(
            script.content.split("\n").filter((l) => !l.startsWith("#") && /<[a-z-]+>/.test(l)),
            [],
        );
        const attaches = script.content.split("\n").filter((l) => l.startsWith("aws iam attach-role-policy"));
        assert.strictEqual(attaches.length, plan.deployPolicies.length);
        assert.deepStrictEqual(JSON.parse(files[0].content), plan.boundary.policy);
    });

    it("writes them whole into the folder, replacing an earlier bootstrap; leaves no temporary file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-bootstrap-files-"));
        try {
            fs.writeFileSync(path.join(dir, "bootstrap.sh"), "old");
            const written = writeBootstrapFiles(path.join(dir), files);
            assert.deepStrictEqual(fs.readdirSync(dir).sort(), files.map((f) => f.name).sort());
            assert.strictEqual(fs.readFileSync(written[written.length - 1], "utf8"), files[files.length - 1].content);
            assert.strictEqual(fs.statSync(path.join(dir, "bootstrap.sh")).mode & 0o777, 0o755);
            assert.strictEqual(fs.statSync(path.join(dir, "vss-deploy-trust.json")).mode & 0o777, 0o644);
            const file = path.join(dir, "a-file");
            fs.writeFileSync(file, "");
            assert.match(
                userError(() => writeBootstrapFiles(file, files)),
                /--out-dir .*a-file: exists and is not a folder/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
