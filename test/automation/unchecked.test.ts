/**
 * A plan never says a plain "OK" about something it did not check: a scope that selects none of the
 * Windows instances in its account and region, or no inventory at all, is said in every format.
 */
import * as assert from "assert";
import type { InventoryInstance } from "../../policies/policyConfig";
import { parseManifest } from "../../automation/manifest/load";
import { planFleet, type FleetPlan } from "../../automation/offline/engine";
import { toJson, toMarkdown, toText } from "../../automation/output/formats";

const TODAY = new Date("2026-11-28T12:00:00Z");

/** prod scopes on `environment: prod` (lower case); the servers carry `Environment: prod`. */
const MANIFEST = `version: 1
environments:
  prod:
    region: us-east-1
    accountId: "111111111111"
    targetTags: { Backup: daily, Tier: db }
    scope: { tags: { environment: prod, Team: data } }
  dev:
    region: eu-west-1
    accountId: "222222222222"
    targetTags: { Backup: daily, Tier: dev }
`;

function server(i: number, tags: Record<string, string>, overrides: Partial<InventoryInstance> = {}): InventoryInstance {
    return {
        instanceId: `i-${(0x10000 + i).toString(16).padStart(17, "0")}`,
        accountId: "111111111111",
        region: "us-east-1",
        platform: "windows",
        tags,
        ...overrides,
    };
}

/** Three Windows servers in prod's account and region (none in scope), one Linux, one elsewhere. */
const INVENTORY: InventoryInstance[] = [
    server(1, { Environment: "prod", Team: "data" }),
    server(2, { Environment: "prod", Team: "data", Backup: "daily" }),
    server(3, { environment: "prod", Team: "web" }),
    server(4, { environment: "prod", Team: "data" }, { platform: undefined }),
    server(5, { environment: "prod", Team: "data" }, { region: "us-west-2" }),
];

describe("a plan says what it did not check", () => {
    let scoped: FleetPlan;
    let bare: FleetPlan;
    before(async () => {
        const fleet = parseManifest("fleet.yaml", MANIFEST);
        scoped = await planFleet(fleet, INVENTORY, { today: TODAY });
        bare = await planFleet(fleet, [], { today: TODAY });
    });

    it("a scope that selects none of the Windows instances in its account and region (all of its tags, not any)", () => {
        assert.deepStrictEqual(scoped.environments[0].notChecked, [
            "scope selects 0 of 3 Windows instances in 111111111111/us-east-1 (scope tags environment=prod, Team=data); fleet enrollment not checked",
        ]);
        assert.deepStrictEqual(scoped.environments[1].notChecked, [
            "fleet enrollment not checked: the inventory has no Windows instances in 222222222222/eu-west-1",
        ]);
    });

    it("no inventory at all", () => {
        assert.deepStrictEqual(
            bare.environments.map((e) => e.notChecked),
            [
                ["fleet enrollment not checked: no inventory (--inventory FILE)"],
                ["fleet enrollment not checked: no inventory (--inventory FILE)"],
            ],
        );
    });

    it("text: per environment, and a verdict that is not a plain OK", () => {
        const text = toText(scoped, "fleet.yaml");
        assert.match(
            text,
            /\n {2}scope selects 0 of 3 Windows instances in 111111111111\/us-east-1 \(scope tags environment=prod, Team=data\)/,
        );
        assert.match(
            text,
            /\nOK: 2 of 2 environment\(s\) planned, no mandatory policy violations; fleet enrollment not checked in prod, dev\.$/,
        );
        assert.match(toText(bare, "fleet.yaml"), /\n {2}fleet enrollment not checked: no inventory \(--inventory FILE\)\n/);
    });

    it("markdown: the same, in the environment's section and the verdict", () => {
        const markdown = toMarkdown(scoped, "fleet.yaml");
        assert.match(markdown, /\n#### prod\n\n- :grey_question: scope selects 0 of 3 Windows instances in 111111111111\/us-east-1/);
        assert.match(
            markdown,
            /\nOK: 2 of 2 environment\(s\) planned, no mandatory policy violations; fleet enrollment not checked in prod, dev\.$/,
        );
    });

    it("JSON: the counts and what was not checked", () => {
        const json = JSON.parse(toJson(scoped)) as {
            environmentsInManifest: number;
            environments: { windows: unknown; notChecked: string[] }[];
        };
        assert.strictEqual(json.environmentsInManifest, 2);
        assert.deepStrictEqual(json.environments[0].windows, { inAccountRegion: 3, inScope: 0, enrolled: 0, exempt: 0, unenrolled: 0 });
        assert.deepStrictEqual(json.environments[0].notChecked, scoped.environments[0].notChecked);
    });

    it("--env: says how many of the manifest's environments it planned", async () => {
        const only = await planFleet(parseManifest("fleet.yaml", MANIFEST), INVENTORY, { today: TODAY, environments: ["dev"] });
        assert.match(toText(only, "fleet.yaml"), /\nOK: 1 of 2 environment\(s\) planned/);
    });
});
