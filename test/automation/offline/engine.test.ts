import * as assert from "assert";
import { loadInventoryFiles } from "../../../automation/inventory/describeInstances";
import { loadManifest, parseManifest } from "../../../automation/manifest/load";
import { burstWarnings, concurrencyOf, windowWarnings } from "../../../automation/offline/capacity";
import { planFleet, type FleetPlan } from "../../../automation/offline/engine";
import { toJson, toMarkdown, toText } from "../../../automation/output/formats";
import { specOf } from "../../helpers";

const TODAY = new Date("2026-11-28T12:00:00Z");

describe("offline plan of the example fleet", () => {
    let plan: FleetPlan;
    let blocked: FleetPlan;
    before(async () => {
        const fleet = loadManifest("examples/fleet.yaml");
        plan = await planFleet(fleet, loadInventoryFiles(["examples/inventory.json"]), { today: TODAY });
        blocked = await planFleet(fleet, loadInventoryFiles(["examples/inventory.json", "examples/inventory-new-server.json"]), {
            today: TODAY,
        });
    });

    it("passes, with every existing Windows instance enrolled or exempt", () => {
        assert.strictEqual(plan.ok, true);
        assert.deepStrictEqual(
            plan.environments.map((e) => [e.name, e.windows]),
            [
                ["prod", { inAccountRegion: 4, inScope: 4, enrolled: 3, exempt: 1, unenrolled: 0 }],
                ["dev", { inAccountRegion: 2, inScope: 2, enrolled: 2, exempt: 0, unenrolled: 0 }],
            ],
        );
        assert.ok(plan.environments.every((e) => e.violations.every((v) => v.enforcementLevel !== "mandatory")));
    });

    it("enrolls a listed instance with one aws.ec2.Tag per target tag, and nothing per tag-selected instance", () => {
        const tags = plan.environments[0].resources.filter((r) => r.type === "aws:ec2/tag:Tag");
        assert.deepStrictEqual(tags, [
            {
                type: "aws:ec2/tag:Tag",
                name: "prod-enrolled-i-0a1b2c3d4e5f60003-Backup",
                inputs: { resourceId: "i-0a1b2c3d4e5f60003", key: "Backup", value: "prod" },
            },
        ]);
        assert.strictEqual(plan.environments[1].resources.filter((r) => r.type === "aws:ec2/tag:Tag").length, 0);
    });

    it("runs the real program: the window as the manifest says, merged with defaults", () => {
        const window = plan.environments[0].resources.find((r) => r.type === "aws:ssm/maintenanceWindow:MaintenanceWindow");
        assert.deepStrictEqual(
            [window?.inputs.schedule, window?.inputs.scheduleTimezone, window?.inputs.duration, window?.inputs.cutoff],
            ["cron(30 2 ? * * *)", "America/New_York", 2, 1],
        );
    });

    it("blocks when an in-scope Windows instance is not enrolled", () => {
        assert.strictEqual(blocked.ok, false);
        const prod = blocked.environments[0];
        assert.deepStrictEqual(prod.windows, { inAccountRegion: 5, inScope: 5, enrolled: 3, exempt: 1, unenrolled: 1 });
        assert.deepStrictEqual(
            prod.violations.map((v) => [v.policy, v.enforcementLevel]),
            [["fleet-windows-instances-enrolled", "mandatory"]],
        );
        assert.match(prod.violations[0].message, /i-0a1b2c3d4e5f60099 \(reporting-prod-01\) .* Tag it Backup=prod/);
        assert.deepStrictEqual(blocked.environments[1].violations, [], "dev is not affected");
    });

    it("plans only the environments asked for", async () => {
        const only = await planFleet(loadManifest("examples/fleet.yaml"), [], { environments: ["dev"], today: TODAY });
        assert.deepStrictEqual(
            only.environments.map((e) => e.name),
            ["dev"],
        );
    });

    it("prints exactly the JSON contract", () => {
        const json = JSON.parse(toJson(blocked)) as Record<string, unknown> & { environments: Record<string, unknown>[] };
        assert.deepStrictEqual(Object.keys(json), ["ok", "environmentsInManifest", "environments"]);
        assert.deepStrictEqual(Object.keys(json.environments[0]), [
            "name",
            "region",
            "accountId",
            "resources",
            "violations",
            "windows",
            "rateControl",
            "notChecked",
        ]);
        assert.deepStrictEqual(json.environments[0].windows, { inAccountRegion: 5, inScope: 5, enrolled: 3, exempt: 1, unenrolled: 1 });
        const resources = json.environments[0].resources as Record<string, unknown>[];
        assert.ok(resources.every((r) => Object.keys(r).join() === "type,name,inputs"));
        assert.ok(resources.some((r) => r.type === "aws:ssm/maintenanceWindow:MaintenanceWindow"));
        assert.deepStrictEqual(json.environments[0].violations, [
            {
                policy: "fleet-windows-instances-enrolled",
                enforcementLevel: "mandatory",
                message: blocked.environments[0].violations[0].message,
                urn: null,
                ids: ["i-0a1b2c3d4e5f60099"],
            },
        ]);
    });

    it("renders a markdown summary fit for a pull request", () => {
        const markdown = toMarkdown(blocked, "examples/fleet.yaml");
        assert.match(markdown, /^### vss-fleet plan: BLOCKED\n/);
        assert.match(markdown, /\n\| prod \| 111111111111 \/ us-east-1 \| 46 \| 3 \| 1 \| 1 \| 1 \| 0 \|\n/);
        assert.match(
            markdown,
            /\n- :no_entry: \*\*fleet-windows-instances-enrolled\*\* \(mandatory\): Windows instance i-0a1b2c3d4e5f60099/,
        );
        assert.match(markdown, /\nBLOCKED: 1 mandatory policy violation\(s\) in prod\.$/);
    });

    it("keeps the manifest's rate control and derives the one dev leaves unset from its 2 enrolled instances", () => {
        assert.deepStrictEqual(
            plan.environments.map((e) => e.rateControl),
            [
                {
                    maxConcurrency: "25%",
                    maxErrors: "2",
                    defaulted: [],
                    why: "maxConcurrency 25% from the manifest; maxErrors 2 from the manifest",
                },
                {
                    maxConcurrency: "1",
                    maxErrors: "1",
                    defaulted: ["maxConcurrency", "maxErrors"],
                    why:
                        "default maxConcurrency 1 for 2 enrolled: runs of up to 15 min spread over 2 of the window's 4 waves; " +
                        "EC2 CreateSnapshots allows 100 at once per account and region, refilling 5/s; default maxErrors 1, a tenth of the enrolled",
                },
            ],
        );
        const tasks = plan.environments.map(
            (e) => e.resources.find((r) => r.name === `${e.name}-backup-task`)?.inputs as Record<string, unknown>,
        );
        assert.deepStrictEqual(
            tasks.map((t) => [t.maxConcurrency, t.maxErrors]),
            [
                ["25%", "2"],
                ["1", "1"],
            ],
            "the program deploys what the plan line says",
        );
    });

    it("renders text for people", () => {
        const text = toText(plan, "examples/fleet.yaml");
        assert.match(text, /\nprod {2}us-east-1 \/ 111111111111\n {2}46 resources to create:\n/);
        assert.match(text, /\n {2}Windows instances: 3 enrolled, 1 exempt, 0 unenrolled\n/);
        assert.match(
            text,
            /\n {2}Lifecycle: verifies each run \(RPO 26 h\); alarms after 28 h without a verified run; retention 35 days, at least 7 good sets; restore drill cron\(0 6 \? \* SUN \*\), 2 instance\(s\)\n/,
        );
        assert.match(
            text,
            /\n {2}Lifecycle: verifies each run \(RPO 26 h\); alarms after 76 h without a verified run; no retention: snapshots are kept forever; no drills\n/,
            "dev verifies only, and says what no retention means",
        );
        assert.match(text, /\n {2}Rate control: maxConcurrency 25% from the manifest; maxErrors 2 from the manifest\n/);
        assert.match(text, /\n {2}Rate control: default maxConcurrency 1 for 2 enrolled: runs of up to 15 min spread over 2 of/);
        assert.match(text, /\nOK: 2 of 2 environment\(s\) planned, no mandatory policy violations\.$/);
    });
});

describe("capacity check", () => {
    it("reads maxConcurrency as a count or a percentage of the targets", () => {
        assert.strictEqual(concurrencyOf("20", 500), 20);
        assert.strictEqual(concurrencyOf("10%", 45), 5);
        assert.strictEqual(concurrencyOf("1%", 3), 1);
    });

    it("warns when the window cannot reach every instance before the cutoff", () => {
        const spec = { ...specOf({ durationHours: 2, cutoffHours: 1 }), maxConcurrency: "5" };
        assert.deepStrictEqual(windowWarnings(spec, 20), []);
        const [warning] = windowWarnings(spec, 21);
        assert.match(warning, /^21 instances at a concurrency of 5 need 5 waves of up to 15 min \(75 min\), but the window leaves 60 min/);
    });

    it("warns when windows that open together would burst EC2's CreateSnapshots bucket", () => {
        const all = { maxConcurrency: "100%" };
        const a = { ...specOf({ targetTags: { B: "a" } }, "a"), ...all };
        const b = { ...specOf({ targetTags: { B: "b" } }, "b"), ...all };
        // a and b run 04:00-05:00 UTC; c 05:00-06:00 (touching, not overlapping).
        const elsewhere = { ...specOf({ targetTags: { B: "c" }, schedule: "cron(0 5 ? * * *)", durationHours: 1 }, "c"), ...all };
        assert.strictEqual(burstWarnings([{ spec: a, enrolled: 100 }]).size, 0);
        const warnings = burstWarnings([
            { spec: a, enrolled: 60 },
            { spec: b, enrolled: 60 },
            { spec: elsewhere, enrolled: 90 },
        ]);
        assert.deepStrictEqual([...warnings.keys()], ["a", "b"]);
        assert.deepStrictEqual(warnings.get("a"), [
            "the windows of a, b run at overlapping times in 111111111111/us-east-1 (cron(0 4 ? * * *) UTC, 1 h), so they share " +
                "EC2's CreateSnapshots throttle (100 burst, 5 per second refill, per account and region): together they start up to " +
                "120 snapshot runs at once (a 60, b 60); stagger the schedules so the windows do not overlap to give each the whole burst.",
            "environments a, b together start 120 snapshot runs at once in 111111111111/us-east-1 (cron(0 4 ? * * *) UTC, 1 h), " +
                "past EC2's CreateSnapshots throttle (100 burst, 5 per second refill, per account and region); lower maxConcurrency or stagger the schedules.",
        ]);
        assert.deepStrictEqual(warnings.get("b"), warnings.get("a"));
    });

    it("shows up in the plan", async () => {
        const fleet = parseManifest(
            "f.yaml",
            `version: 1\nenvironments:\n  big:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { B: big }\n    maxConcurrency: "1"\n`,
        );
        const inventory = Array.from({ length: 6 }, (_, i) => ({
            instanceId: `i-00000000000000${i}aa`,
            accountId: "111111111111",
            region: "us-east-1",
            platform: "windows",
            tags: { B: "big" },
        }));
        const plan = await planFleet(fleet, inventory, { today: TODAY });
        assert.match(plan.environments[0].warnings[0], /^6 instances at a concurrency of 1 need 6 waves/);
    });

    it("judges the default it chose: two 400-instance environments opening together get 50 each, no burst, but too few waves", async () => {
        const env = (name: string) => `  ${name}:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { B: ${name} }\n`;
        const fleet = parseManifest("f.yaml", `version: 1\nenvironments:\n${env("a")}${env("b")}`);
        const inventory = ["a", "b"].flatMap((name) =>
            Array.from({ length: 400 }, (_, i) => ({
                instanceId: `i-${name}${String(i).padStart(16, "0")}`,
                accountId: "111111111111",
                region: "us-east-1",
                platform: "windows",
                tags: { B: name },
            })),
        );
        const plan = await planFleet(fleet, inventory, { today: TODAY });
        assert.deepStrictEqual(
            plan.environments.map((e) => [e.rateControl.maxConcurrency, e.rateControl.maxErrors]),
            [
                ["50", "40"],
                ["50", "40"],
            ],
        );
        assert.match(
            plan.environments[1].rateControl.why,
            /capped at the throttle: .*\(50 taken by environments whose windows overlap, 50 left\)/,
        );
        // 400 at 50 need 8 waves of 15 min; a 1 h window has 4. Never a burst warning (50 + 50 = 100), but each is told it shares.
        assert.deepStrictEqual(
            plan.environments.map((e) => e.warnings.filter((w) => /waves|at once/.test(w)).map((w) => w.slice(0, 65))),
            [
                [
                    "400 instances at a concurrency of 50 need 8 waves of up to 15 min",
                    "the windows of a, b run at overlapping times in 111111111111/us-e",
                ],
                [
                    "400 instances at a concurrency of 50 need 8 waves of up to 15 min",
                    "the windows of a, b run at overlapping times in 111111111111/us-e",
                ],
            ],
        );
        assert.match(plan.environments[0].warnings.join("\n"), /together they start up to 100 snapshot runs at once \(a 50, b 50\)/);
    });
});
