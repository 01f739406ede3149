/** iam-no-broad-managed-policies (policies/iamNoBroadManagedPolicies.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { messages, resource } from "./harness";

describe("iam-no-broad-managed-policies", () => {
    const P = "iam-no-broad-managed-policies";
    const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    it("passes AmazonSSMManagedInstanceCore", async () => {
        assert.deepStrictEqual(
            await messages(P, [resource(ATTACH, "core", { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" })]),
            [],
        );
    });
    for (const name of ["AdministratorAccess", "AmazonSSMFullAccess", "service-role/AmazonEC2RoleforSSM"]) {
        it(`blocks ${name}`, async () => {
            const found = await messages(P, [resource(ATTACH, "broad", { role: "r", policyArn: `arn:aws:iam::aws:policy/${name}` })]);
            assert.strictEqual(found.length, 1);
            assert.match(found[0], new RegExp(`broad attaches the AWS managed policy ${name.split("/").pop()}`));
        });
    }
    it("reads a role's managedPolicyArns, skipping unknown entries in preview", async () => {
        const role = resource("aws:iam/role:Role", "r", {
            managedPolicyArns: [UNKNOWN_VALUES.string, "arn:aws:iam::aws:policy/AmazonSSMFullAccess"],
        });
        assert.strictEqual((await messages(P, [role])).length, 1);
    });
});
