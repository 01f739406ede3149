/** The lifecycle's projection of a spec, and the function configuration derived from it. */
import * as assert from "assert";
import { functionEnvironment, readConfig } from "../../../core/lifecycle/functionConfig";
import { functionConfigOf, lifecycleSettingsOf } from "../../../core/lifecycle/lifecycleSettings";
import { specOf } from "../../helpers";

describe("lifecycleSettingsOf / functionConfigOf", () => {
    const spec = specOf({
        targetTags: { "vss-fleet:environment": "prod", Role: "db" },
        rpoHours: 12,
        vss: { excludeBootVolume: true },
        retention: { days: 35 },
        restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: 2 },
    });

    it("takes the lifecycle fields from the spec, defaults applied", () => {
        assert.deepStrictEqual(lifecycleSettingsOf(spec, "acme-fleet"), {
            environment: "prod",
            fleet: "acme-fleet",
            targetTags: { "vss-fleet:environment": "prod", Role: "db" },
            rpoHours: 12,
            excludeBootVolume: true,
            retention: { days: 35, minSets: 7 },
            restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: 2 },
            protection: undefined,
        });
    });

    it("the function's configuration carries the drill size, not its schedule (EventBridge owns that)", () => {
        assert.deepStrictEqual(
            functionConfigOf(lifecycleSettingsOf(spec, "acme-fleet"), "arn:aws:sns:us-east-1:111111111111:alerts", "mw-0c50858d01abc0123"),
            {
                environment: "prod",
                fleet: "acme-fleet",
                targetTags: { "vss-fleet:environment": "prod", Role: "db" },
                rpoHours: 12,
                excludeBootVolume: true,
                retention: { days: 35, minSets: 7 },
                drillInstancesPerRun: 2,
                alertTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts",
                windowId: "mw-0c50858d01abc0123",
                protection: undefined,
            },
        );
    });

    it("without retention or drills, neither appears", () => {
        const settings = lifecycleSettingsOf(specOf({ lifecycle: true }), "vss-fleet");
        assert.strictEqual(settings.retention, undefined);
        assert.strictEqual(settings.restoreDrill, undefined);
        const config = functionConfigOf(settings, "arn:aws:sns:us-east-1:111111111111:a", "mw-0c50858d01abc0123");
        assert.strictEqual(config.retention, undefined);
        assert.strictEqual(config.drillInstancesPerRun, undefined);
        assert.strictEqual(settings.rpoHours, 26);
        assert.strictEqual(settings.excludeBootVolume, false);
    });

    it("tiers travel to the function with the environment's time zone, and read back unchanged", () => {
        const tiered = specOf({
            scheduleTimezone: "Europe/Berlin",
            retention: { days: 7, minSets: 3, daily: 7, weekly: 4, monthly: 12, yearly: 3 },
        });
        const settings = lifecycleSettingsOf(tiered, "acme");
        assert.deepStrictEqual(settings.retention, {
            days: 7,
            minSets: 3,
            daily: 7,
            weekly: 4,
            monthly: 12,
            yearly: 3,
            timeZone: "Europe/Berlin",
        });
        const config = functionConfigOf(settings, "arn:aws:sns:eu-central-1:111111111111:a", "mw-0c50858d01abc0123");
        const variables = functionEnvironment(config);
        assert.strictEqual(
            variables.VSS_FLEET_RETENTION,
            '{"days":7,"minSets":3,"daily":7,"weekly":4,"monthly":12,"yearly":3,"timeZone":"Europe/Berlin"}',
        );
        assert.deepStrictEqual(readConfig(variables).retention, settings.retention);
    });

    it("a plain { days, minSets } stays exactly what it was: no zone, the same variable", () => {
        const config = functionConfigOf(
            lifecycleSettingsOf(spec, "acme-fleet"),
            "arn:aws:sns:us-east-1:111111111111:a",
            "mw-0c50858d01abc0123",
        );
        assert.strictEqual(functionEnvironment(config).VSS_FLEET_RETENTION, '{"days":35,"minSets":7}');
        assert.deepStrictEqual(readConfig(functionEnvironment(config)).retention, { days: 35, minSets: 7 });
    });
});
