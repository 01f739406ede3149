/** The policy pack's config for one environment, as the driver writes it and the offline engine uses it. */
import * as assert from "assert";
import type { Fleet, FleetEnvironment } from "../../../automation/manifest/load";
import { generatedPolicyConfig } from "../../../automation/manifest/packConfig";
import type { InventoryInstance } from "../../../policies/policyConfig";
import { specOf } from "../../helpers";

const prod: FleetEnvironment = {
    spec: specOf({ targetTags: { "vss-fleet:environment": "prod", Tier: "db" } }, "prod"),
    instances: [],
    scopeTags: { Team: "dba" },
    exemptions: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", reason: "legacy", expires: "2099-01-01" }],
};
const dev: FleetEnvironment = {
    spec: specOf({ region: "eu-west-1", accountId: "222222222222" }, "dev"),
    instances: [],
    scopeTags: {},
    exemptions: [],
};
const fleet: Fleet = { file: "fleet.yaml", environments: [prod, dev] };

const instance = (instanceId: string, accountId: string, region: string): InventoryInstance => ({
    instanceId,
    accountId,
    region,
    platform: "windows",
    tags: {},
});

describe("generatedPolicyConfig", () => {
    const inventory = [
        instance("i-0aaaaaaaaaaaaaaa1", "111111111111", "us-east-1"),
        instance("i-0aaaaaaaaaaaaaaa2", "111111111111", "eu-west-1"), // prod's account, another region
        instance("i-0aaaaaaaaaaaaaaa3", "222222222222", "us-east-1"), // prod's region, another account
    ];

    it("gives the fleet policy only this environment's account and region, and every policy the same exemptions", () => {
        const config = generatedPolicyConfig(fleet, prod, inventory, { resolveAmis: true });
        const enrollment = {
            environments: [
                { name: "prod", targetTags: { "vss-fleet:environment": "prod", Tier: "db" } },
                { name: "dev", targetTags: { "VSS-Snapshot": "dev" } },
            ],
            exemptions: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", reason: "legacy", expires: "2099-01-01" }],
            resolveAmis: true,
        };
        const fleetScope = {
            environment: {
                name: "prod",
                targetTags: { "vss-fleet:environment": "prod", Tier: "db" },
                accountId: "111111111111",
                region: "us-east-1",
                scopeTags: { Team: "dba" },
            },
            inventory: [inventory[0]],
            exemptions: enrollment.exemptions,
        };
        assert.deepStrictEqual(config, {
            "windows-instance-enrolled": enrollment,
            "windows-instance-can-run-snapshot": enrollment,
            "windows-instance-requires-imdsv2": { resolveAmis: true },
            "fleet-windows-instances-enrolled": fleetScope,
            "fleet-enrolled-instances-snapshot-ready": { ...fleetScope, enforcementLevel: "advisory" },
        });
    });

    it("gives the preflight policy the level the environment asks for", () => {
        const strict: FleetEnvironment = { ...prod, spec: { ...prod.spec, preflight: "mandatory" } };
        const config = generatedPolicyConfig(fleet, strict, inventory, { resolveAmis: true }) as Record<
            string,
            { enforcementLevel?: string }
        >;
        assert.strictEqual(config["fleet-enrolled-instances-snapshot-ready"].enforcementLevel, "mandatory");
        assert.strictEqual(
            config["fleet-windows-instances-enrolled"].enforcementLevel,
            undefined,
            "the other policies keep their own levels",
        );
    });

    it("the offline engine's variant does not resolve AMIs", () => {
        const config = generatedPolicyConfig(fleet, dev, inventory, { resolveAmis: false }) as Record<string, { resolveAmis?: boolean }>;
        assert.strictEqual(config["windows-instance-enrolled"].resolveAmis, false);
        assert.deepStrictEqual((config["fleet-windows-instances-enrolled"] as unknown as { inventory: unknown[] }).inventory, []);
    });

    it("counts an instance's role as able to snapshot when existingInstanceRoleNames names it in another case", () => {
        const spec = specOf({ existingInstanceRoleNames: ["/app/WebServers"] }, "prod");
        const withRoles: FleetEnvironment = { ...prod, spec };
        const role = (name: string) => ({
            ...instance(`i-0bbbbbbbbbbbbbb${name.length}`, "111111111111", "us-east-1"),
            role: { name, canSnapshot: false },
        });
        const config = generatedPolicyConfig(fleet, withRoles, [role("webservers"), role("WebServers2")], {
            resolveAmis: true,
        }) as unknown as Record<string, { inventory: InventoryInstance[] }>;
        assert.deepStrictEqual(
            config["fleet-enrolled-instances-snapshot-ready"].inventory.map((i) => [i.role?.name, i.role?.canSnapshot]),
            [
                ["webservers", true],
                ["WebServers2", false],
            ],
        );
    });
});
