/**
 * sweepLeftovers directly, against SDK mocks: which drill volumes it deletes (only those the record
 * on their snapshot proves this function made), at the one-hour age boundary, and which snapshots it
 * holds busy. Written for Stryker's run over functions/lifecycle/drill.ts (docs/testing-mutation.md);
 * the verify-run's use of the sweep is in drillLeftovers.test.ts.
 */
import * as assert from "assert";
import { DeleteVolumeCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, type Volume } from "@aws-sdk/client-ec2";
import { sweepLeftovers } from "../../functions/lifecycle/drill";
import { createMocks, NOW, resetMocks, restoreMocks, snapshot, type Mocks } from "./fixtures";

const RUN = "drill-2026-11-21T06:00:00.000Z-0a1b2c3d4e5f6071";

/** A drill volume made from `snapshotId`, `ageMs` before NOW, tagged as a drill of `run` tags it (null: no run tag). */
function drillVolume(volumeId: string, snapshotId: string | undefined, ageMs: number | undefined, run: string | null = RUN): Volume {
    return {
        VolumeId: volumeId,
        State: "available",
        ...(ageMs === undefined ? {} : { CreateTime: new Date(NOW.getTime() - ageMs) }),
        ...(snapshotId === undefined ? {} : { SnapshotId: snapshotId }),
        Tags: [{ Key: "vss-fleet:drill", Value: "prod" }, ...(run === null ? [] : [{ Key: "vss-fleet:drill-run", Value: run }])],
    };
}

/** A snapshot carrying the drill's record that run `run` made volume `volumeId` from it. */
const recorded = (snapshotId: string, volumeId: string, run = RUN) =>
    snapshot("vol-0a00000000000a001", "set-1", new Date("2026-11-20T07:30:00Z"), {
        SnapshotId: snapshotId,
        tags: { "vss-fleet:drill-run": run, "vss-fleet:drill-volume": volumeId },
    });

const HOUR = 3_600_000;

describe("sweepLeftovers: which drill volumes are deleted", () => {
    let mocks: Mocks;
    let ec2: Mocks["ec2"];
    before(() => {
        mocks = createMocks();
        ec2 = mocks.ec2;
    });
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    it("deletes exactly the volumes an hour old or more whose snapshot records their run and id", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [
                drillVolume("vol-old", "snap-1", 7 * 24 * HOUR),
                drillVolume("vol-hour", "snap-2", HOUR), // exactly at the limit: no invocation lives that long
                drillVolume("vol-young", "snap-3", HOUR - 1000), // a second younger: possibly a drill running now
                drillVolume("vol-undated", "snap-4", undefined), // no CreateTime: as old as can be
            ],
        });
        ec2.on(DescribeSnapshotsCommand).resolves({
            Snapshots: [
                recorded("snap-1", "vol-old"),
                recorded("snap-2", "vol-hour"),
                recorded("snap-3", "vol-young"),
                recorded("snap-4", "vol-undated"),
            ],
        });
        ec2.on(DeleteVolumeCommand).resolves({});
        const outcome = await sweepLeftovers(new EC2Client({}), "prod", NOW);
        assert.deepStrictEqual(
            ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId),
            ["vol-old", "vol-hour", "vol-undated"],
        );
        assert.deepStrictEqual(
            { ...outcome, busySnapshots: [...outcome.busySnapshots] },
            { deleted: ["vol-old", "vol-hour", "vol-undated"], stuck: [], unproven: [], busySnapshots: ["snap-3"] },
        );
        const filters = ec2.commandCalls(DescribeVolumesCommand)[0].args[0].input.Filters;
        assert.deepStrictEqual(filters, [{ Name: "tag:vss-fleet:drill", Values: ["prod"] }]);
    });

    it("leaves alone, and holds busy, every volume the record does not prove: other run, other volume, no run tag, no record, no tags", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [
                drillVolume("vol-other-run", "snap-1", 7 * 24 * HOUR),
                drillVolume("vol-renamed", "snap-2", 7 * 24 * HOUR),
                drillVolume("vol-untagged", "snap-3", 7 * 24 * HOUR, null),
                drillVolume("vol-unrecorded", "snap-4", 7 * 24 * HOUR),
                drillVolume("vol-no-snapshot", undefined, 7 * 24 * HOUR),
                // Neither the volume nor the snapshot names a run: two absences do not make a match.
                drillVolume("vol-runless", "snap-5", 7 * 24 * HOUR, null),
                { VolumeId: "vol-tagless", CreateTime: new Date(NOW.getTime() - 7 * 24 * HOUR), SnapshotId: "snap-6" },
            ],
        });
        ec2.on(DescribeSnapshotsCommand).resolves({
            Snapshots: [
                recorded("snap-1", "vol-other-run", "drill-2026-11-14T06:00:00.000Z-0a1b2c3d4e5f6071"),
                recorded("snap-2", "vol-someone-else"),
                recorded("snap-3", "vol-untagged"),
                snapshot("vol-0a00000000000a001", "set-1", new Date("2026-11-20T07:30:00Z"), { SnapshotId: "snap-4" }),
                snapshot("vol-0a00000000000a001", "set-1", new Date("2026-11-20T07:30:00Z"), {
                    SnapshotId: "snap-5",
                    tags: { "vss-fleet:drill-volume": "vol-runless" },
                }),
            ],
        });
        const outcome = await sweepLeftovers(new EC2Client({}), "prod", NOW);
        assert.deepStrictEqual(
            ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId),
            [],
        );
        assert.deepStrictEqual(
            { ...outcome, busySnapshots: [...outcome.busySnapshots] },
            {
                deleted: [],
                stuck: [],
                unproven: [
                    "vol-other-run",
                    "vol-renamed",
                    "vol-untagged",
                    "vol-unrecorded",
                    "vol-no-snapshot",
                    "vol-runless",
                    "vol-tagless",
                ],
                busySnapshots: ["snap-1", "snap-2", "snap-3", "snap-4", "snap-5", "snap-6"],
            },
        );
    });

    it("reports a proven volume whose deletion fails as stuck, and holds its snapshot busy", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [drillVolume("vol-stuck", "snap-1", 7 * 24 * HOUR), drillVolume("vol-gone", "snap-2", 7 * 24 * HOUR)],
        });
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [recorded("snap-1", "vol-stuck"), recorded("snap-2", "vol-gone")] });
        ec2.on(DeleteVolumeCommand, { VolumeId: "vol-stuck" }).rejects(new Error("VolumeInUse"));
        ec2.on(DeleteVolumeCommand, { VolumeId: "vol-gone" }).resolves({});
        const outcome = await sweepLeftovers(new EC2Client({}), "prod", NOW);
        assert.deepStrictEqual(
            { ...outcome, busySnapshots: [...outcome.busySnapshots] },
            { deleted: ["vol-gone"], stuck: ["vol-stuck"], unproven: [], busySnapshots: ["snap-1"] },
        );
    });

    it("reads no snapshots when every drill volume is young, and holds only those with a snapshot busy", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [drillVolume("vol-young", "snap-1", 60_000), drillVolume("vol-blank", undefined, 60_000), { SnapshotId: "snap-2" }],
        });
        const outcome = await sweepLeftovers(new EC2Client({}), "prod", NOW);
        assert.deepStrictEqual(ec2.commandCalls(DescribeSnapshotsCommand), []);
        assert.deepStrictEqual(
            { ...outcome, busySnapshots: [...outcome.busySnapshots] },
            { deleted: [], stuck: [], unproven: [], busySnapshots: ["snap-1", "snap-2"] },
        );
    });
});
