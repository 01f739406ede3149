import * as assert from "assert";
import { snapshotSets, untiedSnapshots, type Attachment, type SnapshotRecord } from "../../../core/lifecycle/sets";

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

    it("gives each environment of one snapshot list its own sets, and sees the list grow", () => {
        const two = { ...attach("vol-two", "/dev/sda1"), instanceId: "i-2" };
        const list = [
            snap("p1", "vol-root", "A"),
            snap("d1", "vol-two", "B", { tags: { "vss-fleet:environment": "dev" } }),
            snap("p2", "vol-data", "A"),
        ];
        const summary = (environment: string) =>
            [...snapshotSets(list, [...attachments, two], { ...options, environment })].map(([id, sets]) => [
                id,
                sets.map((s) => s.snapshots.map((x) => x.snapshotId)),
            ]);
        assert.deepStrictEqual(summary("prod"), [["i-1", [["p1", "p2"]]]]);
        assert.deepStrictEqual(summary("dev"), [["i-2", [["d1"]]]]);
        list.push(snap("d2", "vol-two", "C", { tags: { "vss-fleet:environment": "dev" }, startTime: new Date("2026-11-29T07:30:00Z") }));
        assert.deepStrictEqual(summary("dev"), [["i-2", [["d2"], ["d1"]]]]);
        assert.deepStrictEqual(summary("test"), []);
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

describe("untied snapshots", () => {
    const ours = { "vss-fleet:fleet": "acme" };
    it("are this environment's and fleet's snapshots with a set id that no instance tag or attachment ties to an instance", () => {
        const snapshots = [
            snap("copy", "vol-ffffffff", "set-A", { tags: ours }), // CopySnapshot's placeholder volume: untied
            snap("gone", "vol-deleted", "set-B", { tags: ours }), // a volume since deleted: untied
            snap("tied-by-attachment", "vol-root", "set-A", { tags: ours }),
            snap("tied-by-tag", "vol-deleted", "set-C", { tags: { ...ours, "vss-fleet:instance-id": "i-9" } }),
            snap("other-fleet", "vol-deleted", "set-D", { tags: { "vss-fleet:fleet": "other" } }),
            snap("no-fleet", "vol-deleted", "set-E"),
            snap("other-env", "vol-deleted", "set-F", { tags: { ...ours, "vss-fleet:environment": "dev" } }),
            snap("no-set-id", "vol-deleted", "", { tags: { ...ours, AwsVssConfig: undefined as unknown as string } }),
            snap("shadow", "vol-deleted", "", {
                tags: { ...ours, AwsVssConfig: undefined as unknown as string, "vss-fleet:shadow-set-id": "{s}" },
            }),
        ].map((s) => ({ ...s, tags: Object.fromEntries(Object.entries(s.tags).filter(([, v]) => v !== undefined)) }));
        assert.deepStrictEqual(
            untiedSnapshots(snapshots, attachments, { environment: "prod", fleet: "acme" }).map((s) => s.snapshotId),
            ["copy", "gone", "shadow"],
        );
        // snapshotSets groups exactly the tied ones; the untied ones of other fleets are simply not ours to count.
        const grouped = [...snapshotSets(snapshots, attachments, options).values()]
            .flat()
            .flatMap((set) => set.snapshots.map((x) => x.snapshotId));
        assert.deepStrictEqual(grouped.sort(), ["tied-by-attachment", "tied-by-tag"]);
    });
});
