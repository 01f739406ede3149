import * as assert from "assert";
import { snapshotSets, type Attachment, type SnapshotRecord } from "../../../core/lifecycle/sets";

const T0 = new Date("2026-11-28T07:30:00Z");
const attach = (volumeId: string, device: string, attachTime = new Date("2026-09-01T00:00:00Z")): Attachment => ({
    volumeId,
    instanceId: "i-1",
    device,
    attachTime,
});
const snap = (
    id: string,
    volumeId: string,
    key: string,
    extra: Partial<SnapshotRecord> & { tags?: Record<string, string> } = {},
): SnapshotRecord => ({
    snapshotId: id,
    volumeId,
    startTime: T0,
    state: "completed",
    ...extra,
    tags: { "vss-fleet:environment": "prod", "vss-fleet:engine": "aws-vss", AwsVssConfig: key, AppConsistent: "true", ...extra.tags },
});
const options = { environment: "prod", excludeBootVolume: false, rootDeviceOf: () => "/dev/sda1" };
const attachments = [attach("vol-root", "/dev/sda1"), attach("vol-data", "xvdf")];

describe("snapshot sets", () => {
    it("groups one run's snapshots of one instance, by the engine's set tag", () => {
        const sets = snapshotSets(
            [
                snap("s1", "vol-root", "set-A"),
                snap("s2", "vol-data", "set-A"),
                snap("s3", "vol-root", "set-B", { startTime: new Date("2026-11-27T07:30:00Z") }),
            ],
            attachments,
            options,
        ).get("i-1");
        assert.deepStrictEqual(
            sets?.map((s) => [s.key, s.snapshots.length, s.good]),
            [
                ["set-A", 2, true],
                ["set-B", 1, false],
            ],
        );
        assert.deepStrictEqual(sets?.[1].missingVolumes, ["vol-data"]);
    });

    it("does not expect a volume attached after the run", () => {
        const late = [...attachments, attach("vol-new", "xvdg", new Date("2026-11-28T09:00:00Z"))];
        const [set] = snapshotSets([snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A")], late, options).get("i-1") ?? [];
        assert.strictEqual(set.good, true);
    });

    it("does not expect a deliberately excluded boot volume", () => {
        const [set] = snapshotSets([snap("s2", "vol-data", "A")], attachments, { ...options, excludeBootVolume: true }).get("i-1") ?? [];
        assert.strictEqual(set.good, true);
        const [strict] = snapshotSets([snap("s2", "vol-data", "A")], attachments, options).get("i-1") ?? [];
        assert.deepStrictEqual(strict.problems, ["no snapshot of vol-root"]);
    });

    it("is bad when a snapshot in it failed or lacks AppConsistent=true", () => {
        const failed =
            snapshotSets([snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A", { state: "error" })], attachments, options).get("i-1") ??
            [];
        assert.deepStrictEqual(failed[0].problems, ["s2 (vol-data) is error"]);
        const notConsistent =
            snapshotSets(
                [snap("s1", "vol-root", "A"), snap("s2", "vol-data", "A", { tags: { AppConsistent: "false" } })],
                attachments,
                options,
            ).get("i-1") ?? [];
        assert.deepStrictEqual(notConsistent[0].problems, ["s2 (vol-data) lacks AppConsistent=true"]);
    });

    it("ignores other tools' snapshots of the same volumes, and other environments'", () => {
        const foreign: SnapshotRecord = {
            snapshotId: "x",
            volumeId: "vol-root",
            startTime: T0,
            state: "completed",
            tags: { CreatedBy: "other" },
        };
        const otherEnv = snap("y", "vol-root", "A", { tags: { "vss-fleet:environment": "dev" } });
        assert.strictEqual(snapshotSets([foreign, otherEnv], attachments, options).size, 0);
    });

    it("reads a diskshadow set by its shadow set id and consistency tag", () => {
        const tags = {
            "vss-fleet:engine": "diskshadow",
            "vss-fleet:shadow-set-id": "{0f0f}",
            "vss-fleet:instance-id": "i-1",
            "vss-fleet:consistency": "crash-consistent-volume;app-consistent-shadow-copy",
        };
        const disk = (id: string, volumeId: string, extra: Record<string, string> = {}): SnapshotRecord => ({
            snapshotId: id,
            volumeId,
            startTime: T0,
            state: "completed",
            tags: { "vss-fleet:environment": "prod", ...tags, ...extra },
        });
        const [good] = snapshotSets([disk("d1", "vol-root"), disk("d2", "vol-data")], attachments, options).get("i-1") ?? [];
        assert.deepStrictEqual([good.key, good.good], ["{0f0f}", true]);
        const withoutTag = disk("d2", "vol-data");
        delete (withoutTag.tags as Record<string, string>)["vss-fleet:consistency"];
        const [bad] = snapshotSets([disk("d1", "vol-root"), withoutTag], attachments, options).get("i-1") ?? [];
        assert.deepStrictEqual(bad.problems, ["d2 (vol-data) lacks vss-fleet:consistency"]);
    });
});
