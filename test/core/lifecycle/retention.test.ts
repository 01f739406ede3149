import * as assert from "assert";
import { judgeSets, type WindowExecution } from "../../../core/lifecycle/provenance";
import { retentionPlan, retentionReview } from "../../../core/lifecycle/retention";
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
        description: "vss-fleet acme/prod",
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": opts.fleet ?? "acme",
            "vss-fleet:engine": "aws-vss",
            AwsVssConfig: `set-${age}`,
            AppConsistent: "true",
        },
    }));
}

/** A window run around each day's backup, for every day of the last 100 (as if SSM still kept them). */
const executions: WindowExecution[] = Array.from({ length: 100 }, (_, d) => ({
    id: `exec-${d}`,
    start: new Date(daysAgo(d).getTime() - 60_000),
    end: new Date(daysAgo(d).getTime() + 3_600_000),
}));

function judged(snapshots: SnapshotRecord[], history: readonly WindowExecution[] | null = executions) {
    const sets = snapshotSets(snapshots, attachments, { environment: "prod", excludeBootVolume: false, rootDeviceOf: () => "/dev/sda1" });
    return judgeSets(sets, {
        ...owner,
        instanceIds: new Set(["i-1"]),
        attachments,
        knownVolumeIds: new Set(["vol-root", "vol-data"]),
        ...(history ? { executions: history } : {}),
        now: NOW,
    });
}

function plan(snapshots: SnapshotRecord[], days: number, minSets: number) {
    return retentionReview(judged(snapshots), { days, minSets }, owner, NOW).deletions;
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

    it("withholds an old set whose evidence is incomplete, and says why", () => {
        const forged = run(40).map((s) => ({ ...s, description: "nightly copy" }));
        const review = retentionReview(judged([...run(1), ...forged]), { days: 30, minSets: 1 }, owner, NOW);
        assert.deepStrictEqual(review.deletions, []);
        assert.deepStrictEqual(
            review.withheld.map((w) => [w.setKey, w.verdict, w.reasons[0]]),
            [["set-40", "contradicted", "snap-40-0's description 'nightly copy' is not the aws-vss document's 'vss-fleet acme/prod'"]],
        );
    });

    it("deletes nothing when the window history was not read (the CLI's dry run without it)", () => {
        const review = retentionReview(judged([...run(1), ...run(40)], null), { days: 30, minSets: 1 }, owner, NOW);
        assert.deepStrictEqual(review.deletions, []);
        assert.deepStrictEqual(
            review.withheld.map((w) => [w.setKey, w.verdict, w.reasons]),
            [["set-40", "proven", ["the window's execution history was not read"]]],
        );
    });

    it("counts only sets wholly of this environment and fleet toward minSets", () => {
        // The newest good set belongs to another fleet with the same environment name (not judged: retentionPlan).
        const sets = snapshotSets([...run(1, { fleet: "other" }), ...run(40)], attachments, {
            environment: "prod",
            excludeBootVolume: false,
            rootDeviceOf: () => "/dev/sda1",
        });
        assert.deepStrictEqual(retentionPlan(sets, { days: 30, minSets: 1 }, owner, NOW), [], "set-40 is our only good set: kept");
    });
});
