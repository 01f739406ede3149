/**
 * Retention's invariants over generated fleets: it never leaves an instance fewer than `minSets` good
 * sets, never deletes part of a set, never touches a snapshot that is not wholly this fleet's and
 * environment's, and never deletes a set younger than `days` (exactly `days` old stays).
 */
import * as assert from "assert";
import fc from "fast-check";
import { retentionPlan } from "../../../core/lifecycle/retention";
import type { SnapshotRecord, SnapshotSet } from "../../../core/lifecycle/sets";

const NOW = new Date("2026-11-28T08:00:00Z");
const DAY = 86_400_000;
const OWNER = { environment: "prod", fleet: "acme" };

/** Whose a snapshot is: ours, another fleet's, another environment's, or untagged (another tool's). */
const OWNERS = [
    { "vss-fleet:environment": "prod", "vss-fleet:fleet": "acme" },
    { "vss-fleet:environment": "prod", "vss-fleet:fleet": "other" },
    { "vss-fleet:environment": "dev", "vss-fleet:fleet": "acme" },
    {},
] as const;

const setArb = fc.record({
    instance: fc.integer({ min: 1, max: 3 }),
    ageHours: fc.integer({ min: 0, max: 24 * 90 }),
    good: fc.boolean(),
    // Each snapshot's owner: mostly ours, so partly foreign sets (one foreign snapshot of three) occur.
    owners: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: 1, maxLength: 3 }),
});

type SetSpec = { instance: number; ageHours: number; good: boolean; owners: number[] };

function build(specs: readonly SetSpec[]): Map<string, SnapshotSet[]> {
    const byInstance = new Map<string, SnapshotSet[]>();
    specs.forEach((s, i) => {
        const startTime = new Date(NOW.getTime() - s.ageHours * 3_600_000);
        const snapshots: SnapshotRecord[] = s.owners.map((o, v) => ({
            snapshotId: `snap-${i}-${v}`,
            volumeId: `vol-${s.instance}-${v}`,
            startTime,
            state: "completed",
            tags: { ...OWNERS[o], AwsVssConfig: `set-${i}` },
        }));
        const set: SnapshotSet = {
            key: `set-${i}`,
            instanceId: `i-${s.instance}`,
            startTime,
            snapshots,
            missingVolumes: [],
            problems: s.good ? [] : ["a snapshot failed"],
            good: s.good,
            completing: false,
        };
        byInstance.set(set.instanceId, [...(byInstance.get(set.instanceId) ?? []), set]);
    });
    return byInstance;
}

describe("retention (properties)", () => {
    it("never leaves fewer than minSets good sets, deletes whole sets only, and only wholly-ours sets older than days", () => {
        fc.assert(
            fc.property(
                fc.array(setArb, { maxLength: 25 }),
                fc.integer({ min: 1, max: 40 }),
                fc.integer({ min: 1, max: 5 }),
                (specs, days, minSets) => {
                    const sets = build(specs);
                    const deletions = retentionPlan(sets, { days, minSets }, OWNER, NOW);
                    const all = [...sets.values()].flat();
                    for (const d of deletions) {
                        const set = all.find((s) => s.key === d.setKey)!;
                        assert.deepStrictEqual(
                            d.snapshotIds,
                            set.snapshots.map((s) => s.snapshotId),
                            "a whole set",
                        );
                        assert.ok(
                            set.snapshots.every((s) => s.tags["vss-fleet:environment"] === "prod" && s.tags["vss-fleet:fleet"] === "acme"),
                            `${d.setKey} is not wholly ours`,
                        );
                        assert.ok(NOW.getTime() - set.startTime.getTime() > days * DAY, `${d.setKey} is not older than ${days} days`);
                    }
                    const deleted = new Set(deletions.map((d) => d.setKey));
                    for (const [instance, instanceSets] of sets) {
                        const goodBefore = instanceSets.filter((s) => s.good).length;
                        const goodAfter = instanceSets.filter((s) => s.good && !deleted.has(s.key)).length;
                        assert.ok(goodAfter >= Math.min(goodBefore, minSets), `${instance}: ${goodAfter} good sets left of ${goodBefore}`);
                        if (goodBefore < minSets) {
                            assert.ok(
                                instanceSets.every((s) => !deleted.has(s.key)),
                                `${instance} has too few good sets; nothing of it may go`,
                            );
                        }
                    }
                },
            ),
            { numRuns: 300 },
        );
    });

    it("boundary: a set exactly `days` old stays, one a millisecond older goes", () => {
        const at = (ms: number): SnapshotSet => ({
            key: `k${ms}`,
            instanceId: "i-1",
            startTime: new Date(NOW.getTime() - ms),
            snapshots: [{ snapshotId: `s${ms}`, volumeId: "v", startTime: new Date(0), state: "completed", tags: { ...OWNERS[0] } }],
            missingVolumes: [],
            problems: [],
            good: true,
            completing: false,
        });
        const sets = new Map([["i-1", [at(0), at(30 * DAY), at(30 * DAY + 1)]]]);
        assert.deepStrictEqual(
            retentionPlan(sets, { days: 30, minSets: 1 }, OWNER, NOW).map((d) => d.setKey),
            [`k${30 * DAY + 1}`],
        );
    });
});
