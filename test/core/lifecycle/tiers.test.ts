/**
 * Tiered retention at its exact boundaries: the minute before and the minute of local midnight in
 * the environment's zone, ISO week 53, both DST changes, and what the planner then deletes.
 */
import * as assert from "assert";
import { retentionPlan } from "../../../core/lifecycle/retention";
import type { SnapshotSet } from "../../../core/lifecycle/sets";
import { isoWeek, periodOf, tierKeepers } from "../../../core/lifecycle/tiers";

const OWNER = { environment: "prod", fleet: "acme" };
const OURS = { "vss-fleet:environment": "prod", "vss-fleet:fleet": "acme" };

function set(key: string, iso: string, good = true, instanceId = "i-1"): SnapshotSet {
    const startTime = new Date(iso);
    return {
        key,
        instanceId,
        startTime,
        snapshots: [0, 1].map((v) => ({
            snapshotId: `snap-${key}-${v}`,
            volumeId: `vol-${v}`,
            startTime,
            state: "completed",
            tags: { ...OURS, AwsVssConfig: key },
        })),
        missingVolumes: [],
        problems: good ? [] : ["a snapshot failed"],
        good,
        completing: false,
    };
}

const deleted = (sets: SnapshotSet[], rule: Parameters<typeof retentionPlan>[1], now: string) =>
    retentionPlan(new Map([["i-1", sets]]), rule, OWNER, new Date(now))
        .map((d) => d.setKey)
        .sort();

describe("retention tiers: periods in the environment's time zone", () => {
    it("23:59 and 00:00 local are different days, whatever UTC says", () => {
        assert.strictEqual(periodOf("daily", new Date("2026-11-27T22:59:00Z"), "Europe/Berlin"), "2026-11-27");
        assert.strictEqual(periodOf("daily", new Date("2026-11-27T23:00:00Z"), "Europe/Berlin"), "2026-11-28");
        assert.strictEqual(periodOf("daily", new Date("2026-11-27T23:00:00Z"), "UTC"), "2026-11-27");
        // New York is behind UTC: 04:59Z on Monday is still Sunday there, in the week before.
        assert.strictEqual(periodOf("weekly", new Date("2026-11-30T04:59:00Z"), "America/New_York"), "2026-W48");
        assert.strictEqual(periodOf("weekly", new Date("2026-11-30T05:00:00Z"), "America/New_York"), "2026-W49");
        // Auckland is ahead: a New Year that UTC has not reached yet.
        assert.strictEqual(periodOf("yearly", new Date("2026-12-31T10:59:00Z"), "Pacific/Auckland"), "2026");
        assert.strictEqual(periodOf("yearly", new Date("2026-12-31T11:00:00Z"), "Pacific/Auckland"), "2027");
        assert.strictEqual(periodOf("monthly", new Date("2026-12-31T11:00:00Z"), "Pacific/Auckland"), "2027-01");
        assert.strictEqual(periodOf("monthly", new Date("2026-12-31T11:00:00Z"), "UTC"), "2026-12");
    });

    it("ISO week 53: 2026 has one, and it runs into January 2027", () => {
        assert.deepStrictEqual(isoWeek({ year: 2026, month: 12, day: 28 }), { year: 2026, week: 53 });
        assert.deepStrictEqual(isoWeek({ year: 2026, month: 12, day: 31 }), { year: 2026, week: 53 });
        assert.deepStrictEqual(isoWeek({ year: 2027, month: 1, day: 3 }), { year: 2026, week: 53 });
        assert.deepStrictEqual(isoWeek({ year: 2027, month: 1, day: 4 }), { year: 2027, week: 1 });
        assert.deepStrictEqual(isoWeek({ year: 2021, month: 1, day: 3 }), { year: 2020, week: 53 });
        // 2025 has 52 weeks: its last days are week 1 of 2026.
        assert.deepStrictEqual(isoWeek({ year: 2025, month: 12, day: 28 }), { year: 2025, week: 52 });
        assert.deepStrictEqual(isoWeek({ year: 2025, month: 12, day: 29 }), { year: 2026, week: 1 });
        assert.deepStrictEqual(isoWeek({ year: 2024, month: 12, day: 30 }), { year: 2025, week: 1 });
        assert.strictEqual(periodOf("weekly", new Date("2027-01-03T22:59:00Z"), "Europe/Berlin"), "2026-W53");
        assert.strictEqual(periodOf("weekly", new Date("2027-01-03T23:00:00Z"), "Europe/Berlin"), "2027-W01");
    });

    it("DST: local midnight moves by an hour in UTC, in spring and in autumn", () => {
        // Berlin springs forward on 2026-03-29 (CET, UTC+1, before), falls back on 2026-10-25 (CEST, UTC+2, before).
        assert.strictEqual(periodOf("daily", new Date("2026-03-28T22:59:00Z"), "Europe/Berlin"), "2026-03-28");
        assert.strictEqual(periodOf("daily", new Date("2026-03-28T23:00:00Z"), "Europe/Berlin"), "2026-03-29");
        assert.strictEqual(periodOf("monthly", new Date("2026-03-31T21:59:00Z"), "Europe/Berlin"), "2026-03");
        assert.strictEqual(periodOf("monthly", new Date("2026-03-31T22:00:00Z"), "Europe/Berlin"), "2026-04");
        assert.strictEqual(periodOf("daily", new Date("2026-10-24T21:59:00Z"), "Europe/Berlin"), "2026-10-24");
        assert.strictEqual(periodOf("daily", new Date("2026-10-24T22:00:00Z"), "Europe/Berlin"), "2026-10-25");
        // The 25-hour day: 22:59Z is still the 25th, 23:00Z the 26th.
        assert.strictEqual(periodOf("daily", new Date("2026-10-25T22:59:00Z"), "Europe/Berlin"), "2026-10-25");
        assert.strictEqual(periodOf("daily", new Date("2026-10-25T23:00:00Z"), "Europe/Berlin"), "2026-10-26");
    });
});

describe("retention tiers: the planner", () => {
    const october = [
        set("newest", "2026-11-27T03:00:00Z"),
        set("oct-31-2359", "2026-10-31T22:59:00Z"), // 23:59 on October 31 in Berlin
        set("nov-01-0000", "2026-10-31T23:00:00Z"), // 00:00 on November 1 in Berlin, still October in UTC
        set("oct-15", "2026-10-15T03:00:00Z"),
        set("sep-15", "2026-09-15T03:00:00Z"),
    ];

    it("keeps the newest set of each month in the environment's zone: 23:59 vs 00:00 decides which set stays", () => {
        const rule = { days: 1, minSets: 1, monthly: 2 };
        // Berlin: November's newest is `newest`, October's is the 23:59 set; the 00:00 set is November's, not its newest.
        assert.deepStrictEqual(
            deleted(october, { ...rule, timeZone: "Europe/Berlin" }, "2026-11-28T08:00:00Z"),
            ["nov-01-0000", "oct-15", "sep-15"].sort(),
        );
        // UTC: both are October's, and 23:00Z is the later one.
        assert.deepStrictEqual(
            deleted(october, { ...rule, timeZone: "UTC" }, "2026-11-28T08:00:00Z"),
            ["oct-15", "oct-31-2359", "sep-15"].sort(),
        );
        // No zone given: UTC.
        assert.deepStrictEqual(deleted(october, rule, "2026-11-28T08:00:00Z"), ["oct-15", "oct-31-2359", "sep-15"].sort());
    });

    it("monthly: 3 reaches September; without tiers only `days` and minSets count", () => {
        assert.deepStrictEqual(deleted(october, { days: 1, minSets: 1, monthly: 3, timeZone: "Europe/Berlin" }, "2026-11-28T08:00:00Z"), [
            "nov-01-0000",
            "oct-15",
        ]);
        assert.deepStrictEqual(
            deleted(october, { days: 1, minSets: 1 }, "2026-11-28T08:00:00Z"),
            ["nov-01-0000", "oct-15", "oct-31-2359", "sep-15"].sort(),
        );
    });

    it("a bad set is never a tier's keeper: the period's newest GOOD set is, and the bad one goes", () => {
        const sets = [
            set("newest", "2026-11-27T03:00:00Z"),
            set("oct-30-bad", "2026-10-30T03:00:00Z", false),
            set("oct-29", "2026-10-29T03:00:00Z"),
            set("oct-28", "2026-10-28T03:00:00Z"),
        ];
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, monthly: 2 }, "2026-11-28T08:00:00Z"), ["oct-28", "oct-30-bad"]);
    });

    it("a month without good sets is skipped, not counted: monthly: 2 keeps August when September failed", () => {
        const sets = [
            set("nov", "2026-11-27T03:00:00Z"),
            set("sep-bad", "2026-09-20T03:00:00Z", false),
            set("aug", "2026-08-20T03:00:00Z"),
            set("jul", "2026-07-20T03:00:00Z"),
        ];
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, monthly: 2 }, "2026-11-28T08:00:00Z"), ["jul", "sep-bad"]);
    });

    it("ISO week 53 in the planner: the week's newest set stays even though it is in another calendar year", () => {
        const sets = [
            set("w01", "2027-01-05T03:00:00Z"),
            set("w53-sun", "2027-01-03T03:00:00Z"),
            set("w53-mon", "2026-12-28T03:00:00Z"),
            set("w52-sun", "2026-12-27T03:00:00Z"),
            set("w52-sat", "2026-12-26T03:00:00Z"),
        ];
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, weekly: 3 }, "2027-01-10T08:00:00Z"), ["w52-sat", "w53-mon"]);
        // yearly: 2 keeps 2027's newest and 2026's newest (the Monday of week 53), not the Sunday.
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, yearly: 2 }, "2027-01-10T08:00:00Z"), [
            "w52-sat",
            "w52-sun",
            "w53-sun",
        ]);
    });

    it("DST: the daily tier keeps one set per local day across the 25-hour day", () => {
        const sets = [
            set("26th-0000", "2026-10-25T23:00:00Z"),
            set("25th-2359", "2026-10-25T22:59:00Z"),
            set("25th-0000", "2026-10-24T22:00:00Z"),
            set("24th-2359", "2026-10-24T21:59:00Z"),
            set("24th-1200", "2026-10-24T10:00:00Z"),
        ];
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, daily: 3, timeZone: "Europe/Berlin" }, "2026-11-28T08:00:00Z"), [
            "24th-1200",
            "25th-0000",
        ]);
        // In UTC the same instants fall on the 25th (two of them) and the 24th (three): two days, two keepers.
        assert.deepStrictEqual(deleted(sets, { days: 1, minSets: 1, daily: 3, timeZone: "UTC" }, "2026-11-28T08:00:00Z"), [
            "24th-1200",
            "24th-2359",
            "25th-2359",
        ]);
    });

    it("tiers never lower minSets or `days`: a young set and the newest minSets good sets stay whatever the tiers say", () => {
        const sets = [
            set("a", "2026-11-28T03:00:00Z"),
            set("b", "2026-11-28T02:00:00Z"),
            set("c", "2026-11-28T01:00:00Z"),
            set("d", "2026-11-10T01:00:00Z"),
            set("e", "2026-11-09T01:00:00Z"),
            set("f", "2026-11-01T01:00:00Z"),
        ];
        // daily: 1 keeps only `a`; minSets: 2 keeps `b`; days: 20 keeps `c`, `d` and `e` (under 20 days old).
        assert.deepStrictEqual(deleted(sets, { days: 20, minSets: 2, daily: 1 }, "2026-11-28T08:00:00Z"), ["f"]);
    });

    it("the reason names the tiers when there are some", () => {
        const [d] = retentionPlan(
            new Map([["i-1", [set("new", "2026-11-27T03:00:00Z"), set("old", "2026-10-27T03:00:00Z", false)]]]),
            { days: 7, minSets: 1, weekly: 4 },
            OWNER,
            new Date("2026-11-28T08:00:00Z"),
        );
        assert.strictEqual(d.reason, "bad set older than 7 days, the newest of none of the tiers' periods");
    });

    it("tierKeepers says why each set is kept", () => {
        const sets = [set("nov", "2026-11-27T03:00:00Z"), set("oct", "2026-10-20T03:00:00Z")];
        const keepers = tierKeepers(sets, { weekly: 1, monthly: 2, yearly: 1 }, "Europe/Berlin");
        assert.deepStrictEqual(
            [...keepers].map(([s, why]) => [s.key, why]),
            [
                ["nov", ["newest of ISO week 2026-W48", "newest of month 2026-11", "newest of year 2026"]],
                ["oct", ["newest of month 2026-10"]],
            ],
        );
    });
});
