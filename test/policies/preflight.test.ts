/**
 * fleet-enrolled-instances-snapshot-ready: an enrolled instance the inventory shows cannot be
 * snapshotted is reported, advisory unless the config says mandatory. A ready instance first, then
 * one fact broken per case; facts the inventory lacks are not judged.
 */
import * as assert from "assert";
import type { InventoryInstance } from "../../policies/policyConfig";
import { preflightGaps } from "../../policies/lib/preflight";
import { resource, run } from "./harness";

const P = "fleet-enrolled-instances-snapshot-ready";
const environment = {
    name: "prod",
    targetTags: { Backup: "prod", "VSS-Snapshot": "daily" },
    accountId: "111111111111",
    region: "us-east-1",
};
const HEAD = "Every enrolled Windows instance in the environment's inventory can be reached by SSM and snapshotted.\n";

const ready: InventoryInstance = {
    instanceId: "i-0000000000000001a",
    name: "sql-1",
    accountId: "111111111111",
    region: "us-east-1",
    platform: "windows",
    tags: { Backup: "prod", "VSS-Snapshot": "daily", Name: "sql-1" },
    instanceType: "m6i.large",
    instanceProfileArn: "arn:aws:iam::111111111111:instance-profile/app",
    role: { name: "app-role", canSnapshot: true, ssmCore: true },
    ssm: { registered: true, pingStatus: "Online", agentVersion: "3.3.1142.0", platformType: "Windows" },
};
const broken = (overrides: Partial<InventoryInstance>): InventoryInstance => ({ ...ready, ...overrides });

async function messages(inventory: InventoryInstance[], level?: string) {
    const config = { [P]: { environment, inventory, ...(level ? { enforcementLevel: level } : {}) } };
    const { violations } = await run(P, [], config as never);
    return violations.map((v) => [v.enforcementLevel, v.message.replace(HEAD, "")]);
}

describe("fleet-enrolled-instances-snapshot-ready", () => {
    it("passes an enrolled instance with a profile, a role that can snapshot, and an online agent", async () => {
        assert.deepStrictEqual(await messages([ready]), []);
    });

    it("reports an enrolled instance whose role lacks the snapshot permission, advisory by default", async () => {
        assert.deepStrictEqual(await messages([broken({ role: { name: "app-role", canSnapshot: false, ssmCore: true } })]), [
            [
                "advisory",
                "Windows instance i-0000000000000001a (sql-1) in 111111111111/us-east-1 is enrolled in environment prod but its role app-role " +
                    "lacks the snapshot permission (ec2:CreateSnapshots). Attach the environment's snapshot policy to role app-role, " +
                    "or switch the instance to the environment's instance profile.",
            ],
        ]);
    });

    it("reports an enrolled instance SSM has no record of, naming a role without SSM core", async () => {
        const [[, message]] = await messages([
            broken({ ssm: { registered: false }, role: { name: "app-role", canSnapshot: true, ssmCore: false } }),
        ]);
        assert.strictEqual(
            message,
            "Windows instance i-0000000000000001a (sql-1) in 111111111111/us-east-1 is enrolled in environment prod but is not managed by SSM: " +
                "Systems Manager has no record of its agent (its role app-role lacks AmazonSSMManagedInstanceCore). " +
                "Install and start the SSM Agent, give its role AmazonSSMManagedInstanceCore, and let it reach the SSM endpoints.",
        );
    });

    it("reports no instance profile, and an agent that lost its connection", async () => {
        const found = await messages([
            broken({ instanceId: "i-0000000000000002b", name: undefined, instanceProfileArn: null, role: undefined }),
            broken({ ssm: { registered: true, pingStatus: "ConnectionLost", lastPingDateTime: "2026-11-20T03:00:00Z" } }),
        ]);
        assert.deepStrictEqual(
            found.map(([, m]) => (m as string).replace(/\. .*$/, ".")),
            [
                "Windows instance i-0000000000000002b in 111111111111/us-east-1 is enrolled in environment prod but has no instance profile, so neither SSM nor the snapshot can act for it.",
                "Windows instance i-0000000000000001a (sql-1) in 111111111111/us-east-1 is enrolled in environment prod but its SSM agent is ConnectionLost since 2026-11-20T03:00:00Z, so Run Command cannot reach it.",
            ],
        );
    });

    it("reports every gap of one instance, each on its own", async () => {
        const all = broken({ instanceProfileArn: null, role: { name: "r", canSnapshot: false }, ssm: { registered: false } });
        assert.deepStrictEqual(
            preflightGaps(all).map((g) => g.code),
            ["no-instance-profile", "role-cannot-snapshot", "not-managed-by-ssm"],
        );
        assert.strictEqual((await messages([all])).length, 3);
    });

    it("is mandatory when the config asks for it", async () => {
        const found = await messages([broken({ ssm: { registered: false } })], "mandatory");
        assert.deepStrictEqual(
            found.map(([level]) => level),
            ["mandatory"],
        );
    });

    it("judges only enrolled instances: one with a single target tag, another account or a non-Windows one is not its business", async () => {
        const bad = { ssm: { registered: false } };
        const inventory = [
            broken({ ...bad, instanceId: "i-0000000000000003c", tags: { Backup: "prod" } }),
            broken({ ...bad, instanceId: "i-0000000000000004d", accountId: "222222222222" }),
            broken({ ...bad, instanceId: "i-0000000000000005e", platform: undefined }),
        ];
        assert.deepStrictEqual(await messages(inventory), []);
    });

    it("counts an instance the stack tags (aws.ec2.Tag) as enrolled", async () => {
        const untagged = broken({ tags: {}, ssm: { registered: false } });
        const tags = Object.entries(environment.targetTags).map(([key, value]) =>
            resource("aws:ec2/tag:Tag", `enroll-${key}`, { resourceId: untagged.instanceId, key, value }),
        );
        const { violations } = await run(P, tags, { [P]: { environment, inventory: [untagged] } });
        assert.strictEqual(violations.length, 1);
    });

    it("judges nothing an inventory does not say: plain describe-instances facts pass", async () => {
        const plain: InventoryInstance = {
            instanceId: "i-0000000000000006f",
            accountId: "111111111111",
            region: "us-east-1",
            platform: "windows",
            tags: environment.targetTags,
        };
        assert.deepStrictEqual(preflightGaps(plain), []);
        assert.deepStrictEqual(
            preflightGaps(broken({ ssm: { registered: true } })),
            [],
            "a registered agent without a ping status is not judged",
        );
        assert.deepStrictEqual(await messages([plain]), []);
    });

    it("is not applicable without an environment", async () => {
        const { notApplicable } = await run(P, [], {});
        assert.match(notApplicable[0].reason, /no environment is configured/);
    });
});
