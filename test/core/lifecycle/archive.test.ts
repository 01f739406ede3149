import * as assert from "assert";
import fc from "fast-check";
import { periodOf, planArchive, withoutArchiveSets, type SnapshotTier } from "../../../core/lifecycle/archive";
import { byInstance, NOW, OWNER, set } from "./setFixtures";

const at = (iso: string) => new Date(iso);
const standard = new Map<string, SnapshotTier>();

describe("monthly and weekly archive of one good set per period", () => {
    it("names periods in UTC: calendar months, and ISO weeks across a year boundary", () => {
        assert.strictEqual(periodOf(at("2026-11-30T23:59:59Z"), "month"), "2026-11");
        assert.strictEqual(periodOf(at("2026-12-01T00:00:00Z"), "month"), "2026-12");
        assert.strictEqual(periodOf(at("2026-12-31T12:00:00Z"), "week"), "2026-W53");
        assert.strictEqual(periodOf(at("2027-01-04T00:00:00Z"), "week"), "2027-W01");
        assert.strictEqual(periodOf(at("2024-12-30T00:00:00Z"), "week"), "2025-W01");
    });

    it("archives the earliest good set of each month once it is old enough, whole", () => {
        const sets = byInstance(
            set("sep-bad", 0, { start: at("2026-09-01T02:00:00Z"), good: false }),
            set("sep-2", 0, { start: at("2026-09-02T02:00:00Z") }),
            set("sep-3", 0, { start: at("2026-09-03T02:00:00Z") }),
            set("oct-1", 0, { start: at("2026-10-01T02:00:00Z") }),
            set("nov-1", 0, { start: at("2026-11-01T02:00:00Z") }),
        );
        const plan = planArchive(sets, { every: "month", afterDays: 30, keepMonths: 12 }, standard, OWNER, NOW);
        assert.deepStrictEqual(plan.archive, [
            { instanceId: "i-1", setKey: "sep-2", snapshotIds: ["snap-sep-2-0", "snap-sep-2-1"] },
            { instanceId: "i-1", setKey: "oct-1", snapshotIds: ["snap-oct-1-0", "snap-oct-1-1"] },
        ]);
        assert.deepStrictEqual([...plan.representatives].sort(), ["nov-1", "oct-1", "sep-2"]);
    });

    it("archives a set exactly afterDays old, not one a second younger", () => {
        const edge = new Date(NOW.getTime() - 30 * 86_400_000);
        const plan = planArchive(
            byInstance(set("edge", 0, { start: edge })),
            { every: "week", afterDays: 30, keepMonths: 12 },
            standard,
            OWNER,
            NOW,
        );
        assert.deepStrictEqual(
            plan.archive.map((a) => a.setKey),
            ["edge"],
        );
        const younger = planArchive(
            byInstance(set("y", 0, { start: new Date(edge.getTime() + 1000) })),
            { every: "week", afterDays: 30, keepMonths: 12 },
            standard,
            OWNER,
            NOW,
        );
        assert.deepStrictEqual(younger.archive, []);
    });

    it("resumes a partly archived set, and never archives a set that is partly another fleet's", () => {
        const tiers = new Map<string, SnapshotTier>([
            ["snap-jun-0", { snapshotId: "snap-jun-0", storageTier: "archive", archivedAt: at("2026-07-10T00:00:00Z") }],
        ]);
        const plan = planArchive(
            byInstance(
                set("jun", 0, { start: at("2026-06-01T00:00:00Z") }),
                set("jul", 0, { start: at("2026-07-01T00:00:00Z"), foreign: 1 }),
            ),
            { every: "month", afterDays: 30, keepMonths: 12 },
            tiers,
            OWNER,
            NOW,
        );
        assert.deepStrictEqual(plan.archive, [{ instanceId: "i-1", setKey: "jun", snapshotIds: ["snap-jun-1"] }]);
    });

    it("deletes an archived set after keepMonths, but not before 90 days in the archive", () => {
        const archived = (id: string, since: string): [string, SnapshotTier] => [
            id,
            { snapshotId: id, storageTier: "archive", archivedAt: at(since) },
        ];
        const tiers = new Map<string, SnapshotTier>([
            archived("snap-m2025-0", "2025-12-01T00:00:00Z"),
            archived("snap-m2025-1", "2025-12-01T00:00:00Z"),
            // Old set, archived late: only 60 days in the archive so far.
            archived("snap-late-0", "2026-09-29T08:00:00Z"),
            archived("snap-late-1", "2026-09-29T08:00:00Z"),
        ]);
        const plan = planArchive(
            byInstance(set("m2025", 0, { start: at("2025-11-01T00:00:00Z") }), set("late", 0, { start: at("2025-10-01T00:00:00Z") })),
            { every: "month", afterDays: 30, keepMonths: 12 },
            tiers,
            OWNER,
            NOW,
        );
        assert.deepStrictEqual(
            plan.expire.map((d) => [d.setKey, d.snapshotIds]),
            [["m2025", ["snap-m2025-0", "snap-m2025-1"]]],
        );
        assert.deepStrictEqual(plan.archive, []);
    });

    it("keeps every period's representative out of standard retention", () => {
        const kept = withoutArchiveSets(
            [
                { instanceId: "i-1", setKey: "sep-2", startTime: "", snapshotIds: ["a"], reason: "r" },
                { instanceId: "i-1", setKey: "sep-3", startTime: "", snapshotIds: ["b"], reason: "r" },
            ],
            new Set(["sep-2"]),
        );
        assert.deepStrictEqual(
            kept.map((d) => d.setKey),
            ["sep-3"],
        );
    });

    it("property: at most one set per instance and period is archived, always good and wholly ours", () => {
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        day: fc.integer({ min: 31, max: 400 }),
                        good: fc.boolean(),
                        foreign: fc.integer({ min: 0, max: 2 }),
                        instance: fc.integer({ min: 1, max: 2 }),
                    }),
                    { maxLength: 20 },
                ),
                fc.constantFrom("month" as const, "week" as const),
                (specs, every) => {
                    const sets = specs.map((s, i) =>
                        set(`s${i}`, s.day, { good: s.good, foreign: s.foreign, instanceId: `i-${s.instance}` }),
                    );
                    const plan = planArchive(byInstance(...sets), { every, afterDays: 30, keepMonths: 120 }, standard, OWNER, NOW);
                    const seen = new Set<string>();
                    for (const a of plan.archive) {
                        const s = sets.find((x) => x.key === a.setKey)!;
                        assert.ok(s.good && s.snapshots.every((x) => x.tags["vss-fleet:fleet"] === "acme"));
                        assert.strictEqual(a.snapshotIds.length, s.snapshots.length);
                        const period = `${s.instanceId}/${periodOf(s.startTime, every)}`;
                        assert.ok(!seen.has(period), `two sets archived for ${period}`);
                        seen.add(period);
                    }
                },
            ),
        );
    });
});
