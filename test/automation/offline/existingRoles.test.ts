import * as assert from "assert";
import type { InventoryInstance } from "../../../policies/policyConfig";
import { parseManifest } from "../../../automation/manifest/load";
import { planFleet } from "../../../automation/offline/engine";
import { toText } from "../../../automation/output/formats";

const TODAY = new Date("2026-11-28T12:00:00Z");
const manifest = (roles: string) =>
    parseManifest(
        "f.yaml",
        `version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: prod }\n    preflight: mandatory\n${roles}`,
    );

/** Two enrolled servers whose roles lack the snapshot permission (as IAM said before the stack ran); SSM is fine. */
const server = (id: string, role: string): InventoryInstance => ({
    instanceId: id,
    accountId: "111111111111",
    region: "us-east-1",
    platform: "windows",
    tags: { Backup: "prod" },
    instanceProfileArn: `arn:aws:iam::111111111111:instance-profile/${role}`,
    role: { name: role, canSnapshot: false, ssmCore: true },
    ssm: { registered: true, pingStatus: "Online" },
});
const INVENTORY = [server("i-0000000000000001a", "WebServers"), server("i-0000000000000002b", "SqlServers")];

const preflight = async (roles: string) =>
    (await planFleet(manifest(roles), INVENTORY, { today: TODAY })).environments[0].violations
        .filter((v) => v.policy === "fleet-enrolled-instances-snapshot-ready")
        .map((v) => /its role (\w+) lacks/.exec(v.message)?.[1]);

describe("plan with existingInstanceRoleNames", () => {
    it("the preflight stops asking for the attachment the stack makes, and only for the listed roles", async () => {
        assert.deepStrictEqual(await preflight(""), ["WebServers", "SqlServers"]);
        assert.deepStrictEqual(await preflight("    existingInstanceRoleNames: [WebServers]\n"), ["SqlServers"]);
        assert.deepStrictEqual(await preflight("    existingInstanceRoleNames: [WebServers, /app/SqlServers]\n"), []);
    });

    it("prints which roles get which policy, and where it comes from", async () => {
        const plan = await planFleet(manifest("    existingInstanceRoleNames: [WebServers, /app/SqlServers]\n"), INVENTORY, {
            today: TODAY,
        });
        assert.strictEqual(plan.ok, true);
        const text = toText(plan, "f.yaml");
        assert.match(
            text,
            /\n {2}Existing roles: WebServers, \/app\/SqlServers get the snapshot policy arn:aws:iam::111111111111:policy\/vss-fleet-boundary\/vss-fleet-prod-instance-snapshot \(an administrator creates it once: vss-fleet deploy-policy --bootstrap\)\n/,
        );
        assert.match(text, /\n {4}\+ aws:iam\/rolePolicyAttachment:RolePolicyAttachment x4\n/);
        assert.doesNotMatch(toText(await planFleet(manifest(""), INVENTORY, { today: TODAY }), "f.yaml"), /Existing roles/);
    });
});
