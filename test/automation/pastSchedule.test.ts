import * as assert from "assert";
import { atInstant, pastScheduleWarnings } from "../../automation/offline/pastSchedule";
import { parseManifest } from "../../automation/manifest/load";
import { planFleet } from "../../automation/offline/engine";
import { specOf } from "../helpers";

const NOW = new Date("2026-11-28T12:00:00Z");

describe("an at() schedule in the past", () => {
    it("reads the wall-clock time in the window's time zone", () => {
        assert.strictEqual(atInstant("at(2026-11-28T07:00:00)", "America/New_York")?.toISOString(), "2026-11-28T12:00:00.000Z");
        assert.strictEqual(atInstant("at(2026-07-01T14:00:00)", "Europe/Berlin")?.toISOString(), "2026-07-01T12:00:00.000Z");
        assert.strictEqual(atInstant("at(2026-11-28T12:00:00)", "UTC")?.toISOString(), "2026-11-28T12:00:00.000Z");
        assert.strictEqual(atInstant("cron(0 4 ? * * *)", "UTC"), undefined);
    });

    it("is an advisory exactly at now and before, never after", () => {
        const at = (schedule: string, scheduleTimezone = "UTC") => pastScheduleWarnings(specOf({ schedule, scheduleTimezone }), NOW);
        assert.deepStrictEqual(at("at(2026-11-28T12:00:00)"), [
            "schedule at(2026-11-28T12:00:00) (UTC) is in the past (2026-11-28T12:00:00.000Z): the window will never run",
        ]);
        assert.strictEqual(at("at(2026-11-28T12:00:01)").length, 0, "one second ahead");
        // 07:00:01 in New York is 12:00:01 UTC: ahead, although 07:00 UTC is long past.
        assert.strictEqual(at("at(2026-11-28T07:00:01)", "America/New_York").length, 0);
        assert.strictEqual(at("at(2026-11-28T13:00:00)", "Europe/Berlin").length, 1, "13:00 in Berlin is 12:00 UTC");
        assert.strictEqual(at("rate(1 day)").length, 0);
    });

    it("shows up among the plan's warnings", async () => {
        const fleet = parseManifest(
            "f.yaml",
            `version: 1\nenvironments:\n  once:\n    region: us-east-1\n    accountId: "111111111111"\n    schedule: at(2020-01-01T04:00:00)\n`,
        );
        const plan = await planFleet(fleet, [], { today: NOW });
        assert.deepStrictEqual(plan.environments[0].warnings, [
            "schedule at(2020-01-01T04:00:00) (UTC) is in the past (2020-01-01T04:00:00.000Z): the window will never run",
            // The lifecycle is on by default (core/environment/alerts.ts); a one-time window gets no dead-man warning.
            "alerts go to a topic nobody subscribed to: add notifications.subscriptions (an email, an https endpoint or an existing topicArn)",
        ]);
    });
});
