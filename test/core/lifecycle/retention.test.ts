import * as assert from "assert";
import { retentionPlan } from "../../../core/lifecycle/retention";
import { snapshotSets, type Attachment, type SnapshotRecord } from "../../../core/lifecycle/sets";

const NOW = new Date("2026-11-28T08:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const attachments: Attachment[] = ["vol-root", "vol-data"].map((volumeId, i) => ({
    volumeId,
    instanceId: "i-1",
    device: i === 0 ? "/dev/sda1" : "xvdf",
    attachTime: daysAgo(400),
}));
const owner = { environment: "prod", fleet: "acme" };

/** A run of instance i-1, `age` days ago; `broken` leaves the data volume's snapshot failed. */
function run(age: number, opts: { broken?: boolean; fleet?: string } = {}): SnapshotRecord[] {
    return attachments.map((a, i) => ({
        snapshotId: `snap-${age}-${i}`,
        volumeId: a.volumeId,
        startTime: daysAgo(age),
        state: opts.broken && i === 1 ? "error" : "completed",
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": opts.fleet ?? "acme",
            AwsVssConfig: `set-${age}`,
            AppConsistent: "true",
        },
    }));
}

function plan(snapshots: SnapshotRecord[], days: number, minSets: number) {
    const sets = snapshotSets(snapshots, attachments, { environment: "prod", excludeBootVolume: false, rootDeviceOf: () => "/dev/sda1" });
    return retentionPlan(sets, { days, minSets }, owner, NOW);
}

describe("set-aware retention", () => {
    it("deletes whole sets older than the limit, every snapshot of a set together", () => {
        const deletions = plan([...run(1), ...run(2), ...run(40), ...run(50)], 30, 1);
        assert.deepStrictEqual(
            deletions.map((d) => [d.setKey, d.snapshotIds]),
            [
                ["set-40", ["snap-40-0", "snap-40-1"]],
                ["set-50", ["snap-50-0", "snap-50-1"]],
            ],
        );
    });

    it("never goes below minSets good sets per instance, whatever their age", () => {
        const deletions = plan([...run(40), ...run(50), ...run(60)], 30, 2);
        assert.deepStrictEqual(
            deletions.map((d) => d.setKey),
            ["set-60"],
        );
    });

    it("does not count bad sets toward minSets, and deletes old bad sets", () => {
        const deletions = plan([...run(40, { broken: true }), ...run(50), ...run(60)], 30, 1);
        assert.deepStrictEqual(
            deletions.map((d) => [d.setKey, d.reason]),
            [
                ["set-40", "bad set older than 30 days"],
                ["set-60", "good set older than 30 days"],
            ],
        );
    });

    it("deletes nothing of an instance with fewer than minSets good sets: every recovery point counts while it fails", () => {
        const failing = [...run(40, { broken: true }), ...run(50, { broken: true }), ...run(60)];
        assert.deepStrictEqual(plan(failing, 30, 2), []);
        assert.deepStrictEqual(
            plan(failing, 30, 1).map((d) => d.setKey),
            ["set-40", "set-50"],
            "with its one good set kept, the old bad sets go",
        );
    });

    it("never touches another fleet's snapshots, even of the same environment name", () => {
        assert.deepStrictEqual(plan([...run(1), ...run(90, { fleet: "other" })], 30, 1), []);
    });

    it("keeps everything inside the limit", () => {
        assert.deepStrictEqual(plan([...run(1), ...run(10), ...run(29)], 30, 1), []);
    });
});
