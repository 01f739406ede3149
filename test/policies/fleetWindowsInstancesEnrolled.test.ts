/** fleet-windows-instances-enrolled (policies/fleetWindowsInstancesEnrolled.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { resource, run } from "./harness";

describe("fleet-windows-instances-enrolled", () => {
    const P = "fleet-windows-instances-enrolled";
    const environment = {
        name: "prod",
        targetTags: { Backup: "prod" },
        accountId: "111111111111",
        region: "us-east-1",
        scopeTags: { Env: "prod" },
    };
    const inv = (id: string, extra: Record<string, unknown> = {}) => ({
        instanceId: id,
        accountId: "111111111111",
        region: "us-east-1",
        platform: "windows",
        tags: { Env: "prod" },
        ...extra,
    });

    it("passes when every in-scope Windows instance is selected, tagged by the stack, or exempted", async () => {
        const inventory = [
            inv("i-0000000000000001a", { tags: { Env: "prod", Backup: "prod" } }),
            inv("i-0000000000000002b"),
            inv("i-0000000000000003c"),
            inv("i-0000000000000004d", { platform: undefined }),
            inv("i-0000000000000005e", { region: "eu-west-1" }),
            inv("i-0000000000000006f", { tags: { Env: "dev" } }),
        ];
        const tag = resource("aws:ec2/tag:Tag", "enroll", { resourceId: "i-0000000000000002b", key: "Backup", value: "prod" });
        const exemptions = [{ instanceId: "i-0000000000000003c", reason: "decommissioned in Q1", expires: "2027-03-31" }];
        assert.deepStrictEqual((await run(P, [tag], { [P]: { environment, inventory, exemptions } })).violations, []);
    });
    it("blocks an in-scope Windows instance nobody enrolls, saying how to fix it", async () => {
        const { violations } = await run(P, [], { [P]: { environment, inventory: [inv("i-0000000000000002b", { name: "file-server" })] } });
        assert.deepStrictEqual(
            violations.map((v) => v.message.split("\n")[1]),
            [
                "Windows instance i-0000000000000002b (file-server) in 111111111111/us-east-1 is not backed up by environment prod. Tag it Backup=prod, list it under the environment's instances, or exempt it with a reason and an expiry date.",
            ],
        );
    });
    it("does not count a tag whose value is unknown in preview: enrollment must be provable", async () => {
        const tag = resource("aws:ec2/tag:Tag", "enroll", {
            resourceId: "i-0000000000000002b",
            key: "Backup",
            value: UNKNOWN_VALUES.string,
        });
        const { violations } = await run(P, [tag], { [P]: { environment, inventory: [inv("i-0000000000000002b")] } });
        assert.deepStrictEqual(
            violations.map((v) => v.enforcementLevel),
            ["mandatory"],
        );
    });
    it("is not applicable without an environment (stacks other than backup stacks)", async () => {
        const { notApplicable, violations } = await run(P, [], {});
        assert.deepStrictEqual(violations, []);
        assert.match(notApplicable[0].reason, /no environment is configured/);
    });
});
