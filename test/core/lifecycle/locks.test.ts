import * as assert from "assert";
import fc from "fast-check";
import { isLocked, planLocks, withoutLockedSets, type SnapshotLock } from "../../../core/lifecycle/locks";
import type { Deletion } from "../../../core/lifecycle/retention";
import { byInstance, daysAgo, NOW, OWNER, set } from "./setFixtures";

const none = new Map<string, SnapshotLock>();

describe("snapshot lock on the newest good sets", () => {
    it("locks every snapshot of the newest N good sets per instance, skipping bad and foreign sets", () => {
        const sets = byInstance(
            set("new-bad", 0.5, { good: false }),
            set("half-foreign", 0.7, { foreign: 1 }),
            set("n1", 1),
            set("n2", 2),
            set("n3", 3),
            set("other", 1, { instanceId: "i-2" }),
        );
        const requests = planLocks(sets, { mode: "governance", durationDays: 30, newestSets: 2 }, none, OWNER, NOW);
        assert.deepStrictEqual(
            requests.map((r) => `${r.instanceId}/${r.snapshotId}/${r.mode}/${r.lockDuration}`),
            [
                "i-1/snap-n1-0/governance/30",
                "i-1/snap-n1-1/governance/30",
                "i-1/snap-n2-0/governance/30",
                "i-1/snap-n2-1/governance/30",
                "i-2/snap-other-0/governance/30",
                "i-2/snap-other-1/governance/30",
            ],
        );
    });

    it("with withinDays locks every good set that young, the boundary included", () => {
        const sets = byInstance(set("d7", 7), set("d7plus", 7.001), set("d1", 1));
        const requests = planLocks(sets, { mode: "compliance", durationDays: 90, withinDays: 7, coolOffHours: 24 }, none, OWNER, NOW);
        assert.deepStrictEqual([...new Set(requests.map((r) => r.setKey))], ["d1", "d7"]);
        assert.deepStrictEqual(requests[0].coolOffPeriod, 24);
    });

    it("never re-locks a snapshot that is locked, and treats an expired lock as no lock", () => {
        const locks = new Map<string, SnapshotLock>([
            ["snap-n1-0", { snapshotId: "snap-n1-0", lockState: "compliance", lockExpiresOn: daysAgo(-10) }],
            ["snap-n1-1", { snapshotId: "snap-n1-1", lockState: "expired", lockExpiresOn: daysAgo(1) }],
        ]);
        const requests = planLocks(byInstance(set("n1", 1)), { mode: "governance", durationDays: 30, newestSets: 1 }, locks, OWNER, NOW);
        assert.deepStrictEqual(
            requests.map((r) => r.snapshotId),
            ["snap-n1-1"],
        );
        assert.strictEqual(isLocked({ snapshotId: "s", lockState: "governance", lockExpiresOn: NOW }, NOW), false, "expires exactly now");
        assert.strictEqual(isLocked({ snapshotId: "s", lockState: "governance", lockExpiresOn: new Date(NOW.getTime() + 1) }, NOW), true);
    });

    it("keeps a whole set out of retention when any one of its snapshots is locked, and says so", () => {
        const deletions: Deletion[] = [
            {
                instanceId: "i-1",
                setKey: "old",
                startTime: daysAgo(40).toISOString(),
                snapshotIds: ["snap-old-0", "snap-old-1"],
                reason: "good set older than 30 days",
            },
            {
                instanceId: "i-1",
                setKey: "older",
                startTime: daysAgo(50).toISOString(),
                snapshotIds: ["snap-older-0"],
                reason: "good set older than 30 days",
            },
        ];
        const locks = new Map<string, SnapshotLock>([["snap-old-1", { snapshotId: "snap-old-1", lockState: "governance" }]]);
        const result = withoutLockedSets(deletions, locks, NOW);
        assert.deepStrictEqual(
            result.deletions.map((d) => d.setKey),
            ["older"],
        );
        assert.deepStrictEqual(
            result.keptByLock.map((d) => d.reason),
            ["kept by snapshot lock (snap-old-1); retention would delete it: good set older than 30 days"],
        );
    });

    it("property: only whole good sets wholly ours are locked", () => {
        fc.assert(
            fc.property(
                fc.array(fc.record({ age: fc.integer({ min: 0, max: 60 }), good: fc.boolean(), foreign: fc.integer({ min: 0, max: 2 }) }), {
                    maxLength: 10,
                }),
                fc.integer({ min: 1, max: 5 }),
                (specs, n) => {
                    const sets = specs.map((s, i) => set(`s${i}`, s.age, { good: s.good, foreign: s.foreign }));
                    const requests = planLocks(
                        byInstance(...sets),
                        { mode: "governance", durationDays: 1, newestSets: n },
                        none,
                        OWNER,
                        NOW,
                    );
                    const perSet = new Map<string, number>();
                    requests.forEach((r) => perSet.set(r.setKey, (perSet.get(r.setKey) ?? 0) + 1));
                    assert.ok(perSet.size <= n);
                    for (const [key, count] of perSet) {
                        const s = sets.find((x) => x.key === key)!;
                        assert.ok(s.good && s.snapshots.every((x) => x.tags["vss-fleet:fleet"] === "acme"));
                        assert.strictEqual(count, s.snapshots.length);
                    }
                },
            ),
        );
    });
});
