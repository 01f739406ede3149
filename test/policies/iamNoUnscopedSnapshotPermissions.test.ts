/** iam-no-unscoped-snapshot-permissions (policies/iamNoUnscopedSnapshotPermissions.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { instanceSnapshotPolicy } from "../../components/iam";
import { iamDocument as json, POLICY_DOC, SCOPE as scope } from "./fixtures";
import { messages, resource } from "./harness";

describe("iam-no-unscoped-snapshot-permissions", () => {
    const P = "iam-no-unscoped-snapshot-permissions";
    it("passes vss-fleet's own instance policy", async () => {
        const doc = JSON.stringify(instanceSnapshotPolicy({ ...scope, environment: "prod", engine: "aws-vss" }));
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "snap", { policy: doc })]), []);
    });
    it("blocks the classic recipe's ec2:CreateSnapshot on *", async () => {
        const doc = json([{ Sid: "Classic", Effect: "Allow", Action: ["ec2:CreateSnapshot", "ec2:DescribeInstances"], Resource: "*" }]);
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "classic", { policy: doc })]), [
            "mandatory: Statement Classic allows ec2:CreateSnapshot on every resource without a condition. Scope snapshot creation to the calling instance (ec2:SourceInstanceARN) and tag writes to ec2:CreateAction or required tags, as AWSEC2VssSnapshotPolicy does.",
        ]);
    });
    it("blocks ec2:* in a role's inline policy", async () => {
        const role = resource("aws:iam/role:Role", "r", {
            inlinePolicies: [{ name: "x", policy: json([{ Effect: "Allow", Action: "ec2:*", Resource: "*" }]) }],
        });
        assert.strictEqual((await messages(P, [role])).length, 1);
    });
    it("judges unknown policy JSON at update, not in preview", async () => {
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "later", { policy: UNKNOWN_VALUES.string })]), []);
    });
});
