/**
 * Which windows share EC2's CreateSnapshots burst: by the instants they run (over a whole year, in
 * UTC, with their durations), not by their schedule text; and the sizes and warnings that follow.
 */
import * as assert from "assert";
import { burstWarnings } from "../../automation/offline/capacity";
import { chooseRateControls } from "../../automation/offline/rateControl";
import { burstGroups, intervalsOverlap, referenceRuns, wallToUtc, windowsOverlap } from "../../automation/offline/windowRuns";
import { specOf } from "../helpers";

const env = (name: string, overrides: Record<string, unknown> = {}) => specOf({ targetTags: { B: name }, ...overrides }, name);
/** 400 enrolled, 1 h window (no cutoff): alone each wants 200 at once, capped at the burst of 100. */
const sizes = (...specs: ReturnType<typeof env>[]) =>
    chooseRateControls(specs.map((spec) => ({ spec, enrolled: 400 }))).map((c) => c.maxConcurrency);
const window = (schedule: string, scheduleTimezone = "UTC", durationHours = 1, scheduleOffset?: number) => ({
    schedule,
    scheduleTimezone,
    durationHours,
    ...(scheduleOffset ? { scheduleOffset } : {}),
});

describe("window runs: when windows run, in UTC", () => {
    it("wall clock to UTC across both DST changes", () => {
        assert.strictEqual(new Date(wallToUtc("Europe/Berlin", Date.UTC(2027, 0, 15, 4))).toISOString(), "2027-01-15T03:00:00.000Z");
        assert.strictEqual(new Date(wallToUtc("Europe/Berlin", Date.UTC(2027, 6, 15, 4))).toISOString(), "2027-07-15T02:00:00.000Z");
        // The day after each change (2027-03-28 and 2027-10-31).
        assert.strictEqual(new Date(wallToUtc("Europe/Berlin", Date.UTC(2027, 2, 29, 4))).toISOString(), "2027-03-29T02:00:00.000Z");
        assert.strictEqual(new Date(wallToUtc("Europe/Berlin", Date.UTC(2027, 10, 1, 4))).toISOString(), "2027-11-01T03:00:00.000Z");
        assert.strictEqual(new Date(wallToUtc("Asia/Kolkata", Date.UTC(2027, 0, 15, 4))).toISOString(), "2027-01-14T22:30:00.000Z");
    });

    it("a daily cron runs 365 times in the reference year, at its local time", () => {
        const runs = referenceRuns(window("cron(0 4 ? * * *)", "Europe/Berlin", 2));
        assert.ok(!runs.anyTime);
        const in2027 = runs.intervals.filter((r) => new Date(r.start).getUTCFullYear() === 2027);
        assert.strictEqual(in2027.length, 365);
        assert.strictEqual(new Date(in2027[0].start).toISOString(), "2027-01-01T03:00:00.000Z");
        assert.strictEqual(in2027[0].end - in2027[0].start, 2 * 3_600_000);
        // scheduleOffset: two days after each cron date.
        const offset = referenceRuns(window("cron(0 4 1 * ? *)", "UTC", 1, 2));
        assert.ok(!offset.anyTime);
        assert.ok(offset.intervals.some((r) => new Date(r.start).toISOString() === "2027-02-03T04:00:00.000Z"));
        assert.ok(offset.intervals.every((r) => new Date(r.start).getUTCDate() === 3));
    });

    it("interval overlap: touching ends do not overlap, one minute more does", () => {
        assert.strictEqual(intervalsOverlap([{ start: 0, end: 10 }], [{ start: 10, end: 20 }]), false);
        assert.strictEqual(intervalsOverlap([{ start: 0, end: 11 }], [{ start: 10, end: 20 }]), true);
        assert.strictEqual(
            intervalsOverlap(
                [
                    { start: 0, end: 2 },
                    { start: 1, end: 30 },
                ],
                [{ start: 25, end: 26 }],
            ),
            true,
        );
        assert.strictEqual(intervalsOverlap([], [{ start: 0, end: 1 }]), false);
    });

    it("the same instant written differently, or through another zone, overlaps", () => {
        assert.ok(windowsOverlap(window("cron(0 4 * * ? *)"), window("cron(0 4 ? * * *)")));
        assert.ok(windowsOverlap(window("cron(0 4 ? * * *)"), window("cron(0 0 4 ? * * *)")));
        assert.ok(windowsOverlap(window("cron(0 4 ? * * *)", "Europe/Berlin"), window("cron(0 3 ? * * *)", "Europe/London")));
        assert.ok(windowsOverlap(window("cron(0 4 ? * * *)", "Europe/Berlin"), window("cron(0 3 ? * * *)", "UTC")));
    });

    it("back to back, or on other days, does not overlap; a longer window does", () => {
        assert.ok(!windowsOverlap(window("cron(0 4 ? * * *)"), window("cron(0 5 ? * * *)")));
        assert.ok(windowsOverlap(window("cron(0 4 ? * * *)", "UTC", 2), window("cron(0 5 ? * * *)")));
        assert.ok(!windowsOverlap(window("cron(0 4 ? * MON-FRI *)"), window("cron(0 4 ? * SAT,SUN *)")));
        // Saturday's 23:30 run, two hours long, reaches into Sunday's 00:30 run; one hour long, it ends as that one starts.
        assert.ok(windowsOverlap(window("cron(30 23 ? * SAT *)", "UTC", 2), window("cron(30 0 ? * SUN *)")));
        assert.ok(!windowsOverlap(window("cron(30 23 ? * SAT *)", "UTC", 1), window("cron(30 0 ? * SUN *)")));
    });

    it("zones whose DST changes on other dates overlap only in those weeks, and that is enough", () => {
        // New York 23:00 and London 03:00 are 1 h apart all year, except while the US is on summer time
        // and the UK is not (2027-03-14 to 03-28, 10-31 to 11-07): then both are 03:00 UTC.
        assert.ok(windowsOverlap(window("cron(0 23 ? * * *)", "America/New_York"), window("cron(0 3 ? * * *)", "Europe/London")));
        // Weekly on a Wednesday, one of which (2027-03-17) falls in that gap.
        assert.ok(windowsOverlap(window("cron(0 23 ? * WED *)", "America/New_York"), window("cron(0 3 ? * THU *)", "Europe/London")));
        // Only in January: never in the gap.
        assert.ok(!windowsOverlap(window("cron(0 23 ? JAN * *)", "America/New_York"), window("cron(0 3 ? * * *)", "Europe/London")));
    });

    it("rate windows and cron day specials cannot be placed, so they overlap everything; at() on its own date", () => {
        assert.ok(windowsOverlap(window("rate(12 hours)"), window("cron(0 4 ? * * *)")));
        assert.ok(windowsOverlap(window("cron(0 4 ? * THU#2 *)"), window("cron(0 4 ? * * *)")));
        assert.ok(windowsOverlap(window("cron(0 4 L * ? *)"), window("cron(0 4 ? * * *)")));
        assert.ok(windowsOverlap(window("at(2027-03-10T04:30:00)"), window("cron(0 4 ? * * *)")));
        assert.ok(!windowsOverlap(window("at(2027-03-10T05:00:00)"), window("cron(0 4 ? * * *)")));
        // 2027-03-10 is a Wednesday.
        assert.ok(!windowsOverlap(window("at(2027-03-10T04:30:00)"), window("cron(0 4 ? * THU *)")));
        assert.ok(windowsOverlap(window("at(2027-03-10T04:30:00)"), window("at(2027-03-10T05:00:00)")));
        assert.ok(!windowsOverlap(window("at(2027-03-10T04:30:00)"), window("at(2027-03-10T05:30:00)")));
    });

    it("groups are per account and region, and transitive", () => {
        const groups = burstGroups([
            env("a", { schedule: "cron(0 4 ? * * *)", durationHours: 2 }), // 04:00-06:00
            env("b", { schedule: "cron(30 5 ? * * *)" }), // 05:30-06:30
            env("c", { schedule: "cron(15 6 ? * * *)" }), // 06:15-07:15: overlaps b only
            env("d", { schedule: "cron(0 4 ? * * *)", region: "eu-west-1" }),
            env("e", { schedule: "cron(0 4 ? * * *)", accountId: "222222222222" }),
            env("f", { schedule: "cron(0 12 ? * * *)" }),
        ]);
        assert.deepStrictEqual(groups, [[0, 1, 2], [3], [4], [5]]);
    });
});

describe("rate control sized by overlapping windows", () => {
    it("cron(0 4 * * ? *) and cron(0 4 ? * * *) are one instant: they share, 50 and 50 (each got 100 before)", () => {
        assert.deepStrictEqual(sizes(env("a", { schedule: "cron(0 4 * * ? *)" }), env("b", { schedule: "cron(0 4 ? * * *)" })), [
            "50",
            "50",
        ]);
    });

    it("a window 15 minutes later still overlaps: they share", () => {
        assert.deepStrictEqual(sizes(env("a", { schedule: "cron(0 4 ? * * *)" }), env("b", { schedule: "cron(15 4 ? * * *)" })), [
            "50",
            "50",
        ]);
    });

    it("three windows at 04:00 Berlin, 03:00 London and 03:15 UTC: 300 servers around 04:00 now split 33, 33, 34", () => {
        assert.deepStrictEqual(
            sizes(
                env("a", { schedule: "cron(0 4 ? * * *)", scheduleTimezone: "Europe/Berlin" }),
                env("b", { schedule: "cron(0 3 ? * * *)", scheduleTimezone: "Europe/London" }),
                env("c", { schedule: "cron(15 3 ? * * *)" }),
            ),
            ["33", "33", "34"],
        );
    });

    it("back-to-back windows do not share: 100 each", () => {
        assert.deepStrictEqual(sizes(env("a", { schedule: "cron(0 4 ? * * *)" }), env("b", { schedule: "cron(0 5 ? * * *)" })), [
            "100",
            "100",
        ]);
        assert.deepStrictEqual(
            sizes(env("a", { schedule: "cron(0 4 ? * MON-FRI *)" }), env("b", { schedule: "cron(0 4 ? * SAT,SUN *)" })),
            ["100", "100"],
        );
    });

    it("the plan warns each environment that shares, naming whom with and what they start together", () => {
        const a = { ...env("a", { schedule: "cron(0 4 ? * * *)" }), maxConcurrency: "50" };
        const b = { ...env("b", { schedule: "cron(15 4 ? * * *)" }), maxConcurrency: "50" };
        const c = { ...env("c", { schedule: "cron(0 5 ? * * *)" }), maxConcurrency: "100" };
        const warnings = burstWarnings([
            { spec: a, enrolled: 400 },
            { spec: b, enrolled: 400 },
            { spec: c, enrolled: 400 },
        ]);
        // b (04:15-05:15) overlaps c (05:00-06:00) too, so all three share; 200 at once is past the burst.
        assert.deepStrictEqual(warnings.get("c"), [
            "the windows of a, b, c run at overlapping times in 111111111111/us-east-1 (cron(0 4 ? * * *) UTC, 1 h, " +
                "cron(15 4 ? * * *) UTC, 1 h, cron(0 5 ? * * *) UTC, 1 h), so they share EC2's CreateSnapshots throttle (100 burst, " +
                "5 per second refill, per account and region): together they start up to 200 snapshot runs at once (a 50, b 50, c 100); " +
                "stagger the schedules so the windows do not overlap to give each the whole burst.",
            "environments a, b, c together start 200 snapshot runs at once in 111111111111/us-east-1 (cron(0 4 ? * * *) UTC, 1 h, " +
                "cron(15 4 ? * * *) UTC, 1 h, cron(0 5 ? * * *) UTC, 1 h), past EC2's CreateSnapshots throttle (100 burst, " +
                "5 per second refill, per account and region); lower maxConcurrency or stagger the schedules.",
        ]);
        // Alone, or back to back, nothing to warn about.
        assert.strictEqual(
            burstWarnings([
                { spec: a, enrolled: 400 },
                { spec: { ...c, name: "c" }, enrolled: 40 },
            ]).size,
            0,
        );
    });

    it("a big group names six and counts the rest", () => {
        const specs = Array.from({ length: 8 }, (_, i) => ({ ...env(`e${i}`), maxConcurrency: "5" }));
        const [shared] = burstWarnings(specs.map((spec) => ({ spec, enrolled: 10 }))).get("e0") ?? [];
        assert.match(shared, /^the windows of e0, e1, e2, e3, e4, e5 and 2 more run at overlapping times/);
        assert.match(shared, /together they start up to 40 snapshot runs at once \(e0 5, e1 5, e2 5, e3 5, e4 5, e5 5 and 2 more\)/);
    });
});
