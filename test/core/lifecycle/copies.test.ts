import * as assert from "assert";
import fc from "fast-check";
import { copiedSets, copyTags, planCopies, toCopiedSnapshot, type CopiedSnapshot } from "../../../core/lifecycle/copies";
import { retentionPlan } from "../../../core/lifecycle/retention";
import { byInstance, daysAgo, NOW, OWNER, set } from "./setFixtures";

/** A copy at the destination of snapshot `source` of set `setKey`. */
function copy(
    source: string,
    setKey: string,
    state: string,
    opts: { size?: number; age?: number; instanceId?: string } = {},
): CopiedSnapshot {
    const tags = {
        "vss-fleet:environment": "prod",
        "vss-fleet:fleet": "acme",
    };
    return {
        snapshotId: `snap-copy-of-${source}`,
        sourceSnapshotId: source,
        setKey,
        instanceId: opts.instanceId ?? "i-1",
        setSize: opts.size ?? 2,
        setStart: daysAgo(opts.age ?? 1),
        state,
        tags,
    };
}

const inputs = (sets: ReturnType<typeof byInstance>, copies: CopiedSnapshot[] = [], concurrentLimit?: number) => ({
    setsByInstance: sets,
    copies,
    owner: OWNER,
    maxAgeDays: 30,
    now: NOW,
    concurrentLimit,
});

describe("copies of whole good sets", () => {
    it("copies every snapshot of each new good set, newest first, and nothing of a bad set", () => {
        const plan = planCopies(inputs(byInstance(set("a", 2), set("b", 1), set("bad", 0.5, { good: false }))));
        assert.deepStrictEqual(
            plan.start.map((r) => r.sourceSnapshotId),
            ["snap-b-0", "snap-b-1", "snap-a-0", "snap-a-1"],
        );
        assert.deepStrictEqual(plan.start[0].setSize, 2);
        assert.deepStrictEqual(plan.queued, []);
    });

    it("never copies a set that is partly another fleet's", () => {
        const plan = planCopies(inputs(byInstance(set("half", 1, { foreign: 1 }), set("ours", 2))));
        assert.deepStrictEqual(
            plan.start.map((r) => r.setKey),
            ["ours", "ours"],
        );
    });

    it("resumes an interrupted set first and copies only what is missing; a failed copy is tried again", () => {
        const copies = [copy("snap-old-0", "old", "completed", { age: 5 }), copy("snap-old-1", "old", "error", { age: 5 })];
        const plan = planCopies(inputs(byInstance(set("old", 5), set("new", 1)), copies));
        assert.deepStrictEqual(
            plan.start.map((r) => r.sourceSnapshotId),
            ["snap-old-1", "snap-new-0", "snap-new-1"],
        );
        assert.deepStrictEqual(plan.resumed, ["old"]);
    });

    it("queues what does not fit the destination's concurrent-copy limit instead of starting half a set", () => {
        // 3 copies in flight, limit 5: 2 slots left; a 3-volume set waits, a 2-volume set fits exactly.
        const inFlight = ["x0", "x1", "x2"].map((s) => copy(s, "x", "pending", { size: 3 }));
        const plan = planCopies(inputs(byInstance(set("three", 1, { volumes: 3 }), set("two", 2, { instanceId: "i-2" })), inFlight, 5));
        assert.deepStrictEqual(plan.queued, ["three"]);
        assert.deepStrictEqual(
            plan.start.map((r) => r.sourceSnapshotId),
            ["snap-two-0", "snap-two-1"],
        );
    });

    it("starts a set larger than the whole limit with what fits, when nothing else is in flight", () => {
        const plan = planCopies(inputs(byInstance(set("wide", 1, { volumes: 4 })), [], 3));
        assert.deepStrictEqual(
            plan.start.map((r) => r.sourceSnapshotId),
            ["snap-wide-0", "snap-wide-1", "snap-wide-2"],
        );
        assert.deepStrictEqual(plan.queued, []);
    });

    it("leaves out sets older than the destination keeps (exactly at the limit is still copied)", () => {
        const plan = planCopies(inputs(byInstance(set("edge", 30), set("old", 30.01))));
        assert.deepStrictEqual(
            plan.start.map((r) => r.setKey),
            ["edge", "edge"],
        );
    });

    it("tags each copy with the set's identity, size, start and source", () => {
        const [request] = planCopies(inputs(byInstance(set("a", 1)))).start;
        assert.deepStrictEqual(copyTags(request, OWNER, "us-east-1", "111111111111/us-west-2"), {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": "acme",
            "vss-fleet:instance-id": "i-1",
            "vss-fleet:set-key": "a",
            "vss-fleet:set-size": "2",
            "vss-fleet:set-start": "2026-11-27T08:00:00.000Z",
            "vss-fleet:source-snapshot-id": "snap-a-0",
            "vss-fleet:source-region": "us-east-1",
            "vss-fleet:copy-destination": "111111111111/us-west-2",
        });
    });

    it("reads copies back from their tags, and ignores a snapshot whose tags are incomplete", () => {
        const tags = copyTags(planCopies(inputs(byInstance(set("a", 1)))).start[0], OWNER, "us-east-1", "111111111111/us-west-2");
        const description = "vss-fleet copy of snap-a-0 (set a)";
        assert.strictEqual(toCopiedSnapshot({ snapshotId: "snap-c", state: "completed", description, tags })?.setSize, 2);
        const { ["vss-fleet:set-size"]: _size, ...withoutSize } = tags;
        assert.strictEqual(toCopiedSnapshot({ snapshotId: "snap-c", state: "completed", description, tags: withoutSize }), undefined);
        assert.strictEqual(
            toCopiedSnapshot({ snapshotId: "snap-c", state: "completed", description, tags: { ...tags, "vss-fleet:set-size": "0" } }),
            undefined,
        );
    });

    it("ignores a snapshot with every copy tag whose description our CopySnapshot did not write (forged tags)", () => {
        const tags = copyTags(planCopies(inputs(byInstance(set("a", 1)))).start[0], OWNER, "us-east-1", "111111111111/us-west-2");
        for (const description of [
            undefined,
            "nightly db dump",
            "vss-fleet copy of snap-a-1 (set a)",
            "vss-fleet copy of snap-a-0 (set b)",
        ]) {
            assert.strictEqual(toCopiedSnapshot({ snapshotId: "snap-db", state: "completed", description, tags }), undefined, description);
        }
    });

    it("judges a copied set good only when complete: one of two copied is not a set", () => {
        const sets = copiedSets([
            copy("snap-a-0", "a", "completed"),
            copy("snap-a-1", "a", "completed"),
            copy("snap-b-0", "b", "completed", { age: 2 }),
            copy("snap-c-0", "c", "completed", { age: 3 }),
            copy("snap-c-1", "c", "pending", { age: 3 }),
        ]).get("i-1")!;
        assert.deepStrictEqual(
            sets.map((s) => [s.key, s.good, s.completing]),
            [
                ["a", true, false],
                ["b", false, false],
                ["c", false, true],
            ],
        );
        assert.deepStrictEqual(sets[1].problems, ["1 of 2 snapshots copied"]);
    });

    it("property: a plan never starts a bad, foreign or already copied snapshot, and never more than the free slots", () => {
        const setArb = fc.record({
            age: fc.double({ min: 0, max: 40, noNaN: true }),
            volumes: fc.integer({ min: 1, max: 5 }),
            good: fc.boolean(),
            foreign: fc.integer({ min: 0, max: 2 }),
            instance: fc.integer({ min: 1, max: 3 }),
        });
        fc.assert(
            fc.property(
                fc.array(setArb, { maxLength: 12 }),
                fc.integer({ min: 1, max: 8 }),
                fc.integer({ min: 0, max: 6 }),
                (specs, limit, copiedCount) => {
                    const sets = specs.map((s, i) =>
                        set(`s${i}`, s.age, {
                            volumes: s.volumes,
                            good: s.good,
                            foreign: Math.min(s.foreign, s.volumes),
                            instanceId: `i-${s.instance}`,
                        }),
                    );
                    const all = sets.flatMap((s) => s.snapshots.map((x) => ({ s, x })));
                    const copies = all
                        .slice(0, copiedCount)
                        .map(({ s, x }) => copy(x.snapshotId, s.key, "completed", { size: s.snapshots.length }));
                    const plan = planCopies(inputs(byInstance(...sets), copies, limit));
                    const already = new Set(copies.map((c) => c.sourceSnapshotId));
                    assert.ok(plan.start.length <= limit);
                    for (const request of plan.start) {
                        const owner = sets.find((s) => s.key === request.setKey)!;
                        assert.ok(owner.good, "only good sets");
                        assert.ok(
                            owner.snapshots.every((x) => x.tags["vss-fleet:fleet"] === "acme"),
                            "only wholly ours",
                        );
                        assert.ok(!already.has(request.sourceSnapshotId), "never twice");
                    }
                    // Whole sets: a set is started in full unless it alone is larger than the limit.
                    const started = new Map<string, number>();
                    plan.start.forEach((r) => started.set(r.setKey, (started.get(r.setKey) ?? 0) + 1));
                    for (const [key, count] of started) {
                        const s = sets.find((x) => x.key === key)!;
                        const remaining = s.snapshots.filter((x) => !already.has(x.snapshotId)).length;
                        assert.ok(count === remaining || remaining > limit, `set ${key}: ${count} of ${remaining}`);
                    }
                },
            ),
        );
    });

    it("property: retention at a destination never leaves fewer than minSets complete copied sets", () => {
        fc.assert(
            fc.property(
                fc.array(fc.record({ age: fc.integer({ min: 0, max: 120 }), complete: fc.boolean() }), { maxLength: 15 }),
                fc.integer({ min: 1, max: 4 }),
                fc.integer({ min: 1, max: 60 }),
                (specs, minSets, days) => {
                    const copies = specs.flatMap((s, i) => [
                        copy(`snap-${i}-0`, `k${i}`, "completed", { age: s.age }),
                        ...(s.complete ? [copy(`snap-${i}-1`, `k${i}`, "completed", { age: s.age })] : []),
                    ]);
                    const sets = copiedSets(copies);
                    const deleted = new Set(retentionPlan(sets, { days, minSets }, OWNER, NOW).map((d) => d.setKey));
                    const goodBefore = (sets.get("i-1") ?? []).filter((s) => s.good);
                    const goodAfter = goodBefore.filter((s) => !deleted.has(s.key));
                    assert.ok(goodAfter.length >= Math.min(minSets, goodBefore.length));
                },
            ),
        );
    });
});
