/** windows-instance-can-run-snapshot (policies/windowsInstanceCanRunSnapshot.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { enrollment, WINDOWS_AMI } from "./fixtures";
import { resource, run } from "./harness";

describe("windows-instance-can-run-snapshot", () => {
    const P = "windows-instance-can-run-snapshot";
    const config = { [P]: enrollment };
    const role = resource("aws:iam/role:Role", "role", {});
    const policy = resource("aws:iam/policy:Policy", "snap", {
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ec2:CreateSnapshots", Resource: "*" }] }),
    });
    const core = resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "core",
        { policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
        { role: [role] },
    );
    const snap = resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "snap",
        { policyArn: "arn:aws:iam::1:policy/snap" },
        { role: [role], policyArn: [policy] },
    );
    const profile = resource("aws:iam/instanceProfile:InstanceProfile", "profile", {}, { role: [role] });
    const instance = (props: Record<string, unknown>, deps = {}) =>
        resource("aws:ec2/instance:Instance", "sql-1", { ami: WINDOWS_AMI, tags: { Backup: "prod" }, ...props }, deps);

    it("passes an enrolled instance whose profile's role has SSM core and a snapshot policy", async () => {
        const stack = [role, policy, core, snap, profile, instance({ iamInstanceProfile: "x" }, { iamInstanceProfile: [profile] })];
        assert.deepStrictEqual((await run(P, stack, config)).violations, []);
    });
    it("blocks an enrolled instance without an instance profile", async () => {
        const { violations } = await run(P, [instance({})], config);
        assert.match(violations[0].message, /sql-1 is enrolled for backups but has no IAM instance profile/);
    });
    it("blocks a profile whose role lacks SSM core", async () => {
        const stack = [role, policy, snap, profile, instance({ iamInstanceProfile: "x" }, { iamInstanceProfile: [profile] })];
        assert.match((await run(P, stack, config)).violations[0].message, /role role lacks AmazonSSMManagedInstanceCore\./);
    });
    it("decides from the dependency graph while the profile name is unknown in preview (stays mandatory)", async () => {
        const pending = instance({ iamInstanceProfile: UNKNOWN_VALUES.string }, { iamInstanceProfile: [profile] });
        assert.deepStrictEqual((await run(P, [role, policy, core, snap, profile, pending], config)).violations, []);
        const { violations } = await run(P, [role, policy, snap, profile, pending], config);
        assert.deepStrictEqual(
            violations.map((v) => v.enforcementLevel),
            ["mandatory"],
        );
    });
    it("leaves unenrolled instances to windows-instance-enrolled", async () => {
        assert.deepStrictEqual((await run(P, [instance({ tags: {} })], config)).violations, []);
    });
});
