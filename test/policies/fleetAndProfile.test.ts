import * as assert from "assert";
import { runUnderMocks } from "../../automation/offline/mockRuntime";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { defineEnvironment } from "../../stacks/program";
import { specOf } from "../helpers";
import { resource, run } from "./harness";

const WINDOWS_AMI = "ami-0windows0000000001";
const enrollment = { environments: [{ name: "prod", targetTags: { Backup: "prod" } }], windowsAmiIds: [WINDOWS_AMI], resolveAmis: false };

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

describe("our own stacks pass our own pack", () => {
    for (const overrides of [
        {},
        { logging: { s3BucketName: "out" }, notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:a" } },
    ]) {
        it(`no mandatory violation for an environment ${JSON.stringify(overrides)}`, async () => {
            const spec = specOf({ targetTags: { Backup: "prod" }, ...overrides });
            const { resources } = await runUnderMocks(() => defineEnvironment(spec, "acme"), { project: "vss-fleet", stack: "prod" });
            const stack = resources.filter((r) => r.custom).map((r) => resource(r.type, r.name, r.inputs));
            const { evaluatePolicies } = await import("../../automation/offline/policyRuntime");
            const { vssFleetPolicies } = await import("../../policies/policies");
            const result = await evaluatePolicies(vssFleetPolicies(), stack, {
                packName: "vss-fleet",
                config: {
                    "windows-instance-enrolled": { ...enrollment, environments: [{ name: spec.name, targetTags: spec.targetTags }] },
                },
            });
            assert.deepStrictEqual(
                result.violations.filter((v) => v.enforcementLevel === "mandatory"),
                [],
            );
            const advisories = result.violations.map((v) => v.policy);
            assert.deepStrictEqual(advisories, "logging" in overrides ? [] : ["snapshot-task-logging"]);
        });
    }
});
