/**
 * Set cases that Stryker's run over core/lifecycle/sets.ts (stryker.deletion.json) showed no test
 * pinned down: what a set must cover at its boundaries, pending snapshots, snapshots that belong to
 * no run, and several instances in one list. Expected values are literals (docs/testing-mutation.md).
 */
import * as assert from "assert";
import { snapshotSets, type Attachment, type SnapshotRecord } from "../../../core/lifecycle/sets";

const T0 = new Date("2026-11-28T07:30:00Z");
const BEFORE = new Date("2026-09-01T00:00:00Z");
const attach = (volumeId: string, device: string, instanceId = "i-1", attachTime = BEFORE): Attachment => ({
    volumeId,
    instanceId,
    device,
    attachTime,
});
const snap = (id: string, volumeId: string, key: string, extra: Partial<SnapshotRecord> = {}, tags: Record<string, string> = {}) => ({
    snapshotId: id,
    volumeId,
    startTime: T0,
    state: "completed",
    ...extra,
    tags: { "vss-fleet:environment": "prod", "vss-fleet:engine": "aws-vss", AwsVssConfig: key, AppConsistent: "true", ...tags },
});
const options = { environment: "prod", excludeBootVolume: false, rootDeviceOf: (): string | undefined => "/dev/sda1" };
const attachments = [attach("vol-root", "/dev/sda1"), attach("vol-data", "xvdf")];

/** Per instance: each set's key, start, snapshot ids, missing volumes, good and completing. */
function summary(snapshots: SnapshotRecord[], att: Attachment[] = attachments, opts = options) {
    return [...snapshotSets(snapshots, att, opts)].map(([instanceId, sets]) => [
        instanceId,
        sets.map((s) => [s.key, s.startTime.toISOString(), s.snapshots.map((x) => x.snapshotId), s.missingVolumes, s.good, s.completing]),
    ]);
}

describe("snapshot sets: boundaries and partial runs", () => {
    it("starts a set at its EARLIEST snapshot, whatever order they come in", () => {
        const late = new Date("2026-11-28T07:31:00Z");
        assert.deepStrictEqual(summary([snap("s2", "vol-data", "A", { startTime: late }), snap("s1", "vol-root", "A")]), [
            ["i-1", [["A", "2026-11-28T07:30:00.000Z", ["s2", "s1"], [], true, false]]],
        ]);
    });

    it("expects a volume attached at the very second the run started, not one attached a second later", () => {
        const exact = [...attachments, attach("vol-new", "xvdg", "i-1", T0)];
        assert.deepStrictEqual(summary([snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A")], exact), [
            ["i-1", [["A", "2026-11-28T07:30:00.000Z", ["s1", "s2"], ["vol-new"], false, false]]],
        ]);
        const later = [...attachments, attach("vol-new", "xvdg", "i-1", new Date(T0.getTime() + 1000))];
        assert.deepStrictEqual(summary([snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A")], later), [
            ["i-1", [["A", "2026-11-28T07:30:00.000Z", ["s1", "s2"], [], true, false]]],
        ]);
    });

    it("excludes the boot volume only when asked AND the root device is known", () => {
        const dataOnly = [snap("s2", "vol-data", "A")];
        const unknownRoot = { ...options, excludeBootVolume: true, rootDeviceOf: () => undefined };
        assert.deepStrictEqual(summary(dataOnly, attachments, unknownRoot), [
            ["i-1", [["A", "2026-11-28T07:30:00.000Z", ["s2"], ["vol-root"], false, false]]],
        ]);
        const otherRoot = { ...options, excludeBootVolume: true, rootDeviceOf: () => "/dev/xvda" };
        assert.deepStrictEqual(summary(dataOnly, attachments, otherRoot)[0][1], [
            ["A", "2026-11-28T07:30:00.000Z", ["s2"], ["vol-root"], false, false],
        ]);
    });

    it("is completing while its only problems are pending snapshots, and not when anything else is wrong", () => {
        const pending = snap("s2", "vol-data", "A", { state: "pending" });
        assert.deepStrictEqual(summary([snap("s1", "vol-root", "A"), pending])[0][1], [
            ["A", "2026-11-28T07:30:00.000Z", ["s1", "s2"], [], false, true],
        ]);
        const failed = snap("s1", "vol-root", "A", { state: "error" });
        assert.deepStrictEqual(summary([failed, pending])[0][1], [["A", "2026-11-28T07:30:00.000Z", ["s1", "s2"], [], false, false]]);
        // The root volume has no snapshot at all: a pending copy of the other does not make the set complete later.
        assert.deepStrictEqual(summary([pending])[0][1], [["A", "2026-11-28T07:30:00.000Z", ["s2"], ["vol-root"], false, false]]);
        const [set] = snapshotSets([pending], attachments, options).get("i-1") ?? [];
        assert.deepStrictEqual(set.problems, ["s2 (vol-data) is pending", "no snapshot of vol-root"]);
    });

    it("does not count an incomplete set as completing when nothing is pending", () => {
        assert.deepStrictEqual(summary([snap("s2", "vol-data", "A")])[0][1], [
            ["A", "2026-11-28T07:30:00.000Z", ["s2"], ["vol-root"], false, false],
        ]);
    });
});

describe("snapshot sets: which snapshots form which set", () => {
    it("ignores a snapshot of the environment that carries no set id", () => {
        const stray = snap("x", "vol-root", "A");
        delete (stray.tags as Record<string, string>).AwsVssConfig;
        assert.deepStrictEqual(summary([stray, snap("s1", "vol-root", "B"), snap("s2", "vol-data", "B")]), [
            ["i-1", [["B", "2026-11-28T07:30:00.000Z", ["s1", "s2"], [], true, false]]],
        ]);
    });

    it("ties a snapshot to the instance its diskshadow tag names, even when its volume is detached now", () => {
        const tags = { "vss-fleet:engine": "diskshadow", "vss-fleet:instance-id": "i-7", "vss-fleet:consistency": "app" };
        const disk = { ...snap("d1", "vol-detached", "A", {}, tags) };
        delete (disk.tags as Record<string, string>).AwsVssConfig;
        (disk.tags as Record<string, string>)["vss-fleet:shadow-set-id"] = "{0f0f}";
        assert.deepStrictEqual(summary([disk, snap("y", "vol-detached", "B")]), [
            ["i-7", [["{0f0f}", "2026-11-28T07:30:00.000Z", ["d1"], [], true, false]]],
        ]);
    });

    it("prefers the diskshadow instance tag over the volume's current attachment", () => {
        const tags = {
            "vss-fleet:engine": "diskshadow",
            "vss-fleet:instance-id": "i-7",
            "vss-fleet:consistency": "app",
            "vss-fleet:shadow-set-id": "{1}",
        };
        assert.deepStrictEqual(
            summary([snap("d1", "vol-root", "A", {}, tags)]).map(([id]) => id),
            ["i-7"],
        );
    });

    it("keeps two instances' runs apart even when they share a set id, each held to its own volumes", () => {
        const att = [...attachments, attach("vol-2", "/dev/sda1", "i-2")];
        assert.deepStrictEqual(summary([snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A"), snap("t1", "vol-2", "A")], att), [
            ["i-1", [["A", "2026-11-28T07:30:00.000Z", ["s1", "s2"], [], true, false]]],
            ["i-2", [["A", "2026-11-28T07:30:00.000Z", ["t1"], [], true, false]]],
        ]);
    });

    it("lists an instance's sets newest first when they arrive oldest first", () => {
        const day = (n: number) => ({ startTime: new Date(T0.getTime() - n * 86_400_000) });
        const sets = snapshotSets(
            [
                snap("a1", "vol-root", "old", day(3)),
                snap("a2", "vol-data", "old", day(3)),
                snap("b1", "vol-root", "mid", day(2)),
                snap("b2", "vol-data", "mid", day(2)),
                snap("c1", "vol-root", "new", day(1)),
                snap("c2", "vol-data", "new", day(1)),
            ],
            attachments,
            options,
        );
        assert.deepStrictEqual(
            sets.get("i-1")?.map((s) => s.key),
            ["new", "mid", "old"],
        );
    });
});
