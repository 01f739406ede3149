/**
 * A crashed drill's leftovers and retention, against SDK mocks. The sweep can prove a leftover ours
 * only by the record on the snapshot it restored; retention deletes that snapshot on its own
 * schedule. So the verify-run sweeps before retention and holds from it every set a drill volume
 * still exists for.
 */
import * as assert from "assert";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DeleteSnapshotCommand, DeleteVolumeCommand, DescribeVolumesCommand, type Snapshot, type Volume } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { verifyRun } from "../../functions/lifecycle/actions";
import {
    clients,
    config,
    createMocks,
    describeVolumes,
    hoursAgo,
    instance,
    resetMocks,
    restoreMocks,
    serve,
    snapshot,
    volume,
    WINDOW_EXECUTION,
    type Mocks,
    type World,
} from "./fixtures";

const SQL = "i-0a1b2c3d4e5f60001";
const SQL_VOLUMES = ["vol-0a00000000000a001", "vol-0a00000000000a002"];
const CRASHED_RUN = "drill-2026-11-21T06:00:00.000Z-0a1b2c3d4e5f6071";
const LEFTOVERS = ["vol-0e000000000000001", "vol-0e000000000000002"];
const withDrillsAndRetention = { ...config, drillInstancesPerRun: 1, retention: { days: 7, minSets: 2 } };

/**
 * SQL01 with sets of today, yesterday, 8 days ago (the one last week's crashed drill restored: its
 * snapshots carry that drill's record of LEFTOVERS) and 9 days ago. Retention (7 days, 2 sets)
 * deletes the 8- and 9-day-old sets.
 */
function world(): World & { drilled: Snapshot[]; older: Snapshot[] } {
    const at = (hours: number) => hoursAgo(hours + 0.25); // a quarter of an hour into each day's window
    const set = (id: string, hours: number, records: string[] = []) =>
        SQL_VOLUMES.map((v, i) =>
            snapshot(
                v,
                id,
                at(hours),
                records[i] ? { tags: { "vss-fleet:drill-run": CRASHED_RUN, "vss-fleet:drill-volume": records[i] } } : {},
            ),
        );
    const drilled = set("sql-8d", 8 * 24, LEFTOVERS);
    const older = set("sql-9d", 9 * 24);
    return {
        instances: [instance(SQL, "SQL01", "us-east-1a")],
        volumes: SQL_VOLUMES.map((v, i) => volume(v, SQL, i === 0 ? "/dev/sda1" : "xvdf")),
        snapshots: [...set("sql-run", -0.25), ...set("sql-1d", 24), ...drilled, ...older],
        invocations: { [SQL]: ["Success", "Success"] },
        drilled,
        older,
    };
}

/** A volume the crashed drill made from `from`, `age` hours ago, tagged as drills tag at creation. */
function leftover(id: string, from: Snapshot, age: number): Volume {
    return {
        VolumeId: id,
        State: "available",
        CreateTime: hoursAgo(age),
        SnapshotId: from.SnapshotId,
        Tags: [
            { Key: "vss-fleet:drill", Value: "prod" },
            { Key: "vss-fleet:drill-run", Value: CRASHED_RUN },
        ],
    };
}

/** DescribeVolumes: the drill tag filter (the sweep) sees `drillVolumes`, or fails with `error`. */
function serveDrillVolumes(mocks: Mocks, w: World, drillVolumes: Volume[], error?: Error) {
    mocks.ec2.on(DescribeVolumesCommand).callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
        if (input.Filters?.some((f) => f.Name === "tag:vss-fleet:drill")) {
            if (error) {
                throw error;
            }
            return { Volumes: drillVolumes };
        }
        return describeVolumes(w, input);
    });
}

const ids = (snapshots: Snapshot[]) => snapshots.map((s) => s.SnapshotId ?? "");
const metricValue = (mocks: Mocks, name: string) =>
    mocks.cloudWatch
        .commandCalls(PutMetricDataCommand)
        .flatMap((c) => c.args[0].input.MetricData ?? [])
        .find((d) => d.MetricName === name)?.Value;

describe("lifecycle function: a crashed drill's leftovers, swept ahead of retention", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    it("deletes the week-old leftovers the record proves ours before retention deletes the set that holds the record", async () => {
        const w = world();
        serve(mocks, w);
        serveDrillVolumes(mocks, w, [leftover(LEFTOVERS[0], w.drilled[0], 7 * 24), leftover(LEFTOVERS[1], w.drilled[1], 7 * 24)]);
        const summary = await verifyRun(clients(), withDrillsAndRetention, WINDOW_EXECUTION, new Date(hoursAgo(0)));

        // The order of the deletions across both kinds, as the SDK client sent them.
        const order = mocks.ec2
            .calls()
            .flatMap(({ args: [command] }) =>
                command instanceof DeleteVolumeCommand
                    ? [command.input.VolumeId]
                    : command instanceof DeleteSnapshotCommand
                      ? [command.input.SnapshotId]
                      : [],
            );
        assert.deepStrictEqual(order.slice(0, 2), LEFTOVERS, "both leftovers go first");
        assert.deepStrictEqual(order.slice(2).sort(), [...ids(w.drilled), ...ids(w.older)].sort(), "then both old sets, whole");
        assert.strictEqual(summary.deletedSnapshots, 4);
        assert.strictEqual(summary.alerted, false);
        assert.strictEqual(metricValue(mocks, "DrillSweptVolumes"), 2);
        assert.strictEqual(metricValue(mocks, "RetentionHeldForDrillSets"), 0);
    });

    it("holds from retention a set with one volume a drill may still be using, and one whose record does not name it", async () => {
        const w = world();
        serve(mocks, w);
        serveDrillVolumes(mocks, w, [
            // Half an hour old: possibly a drill running now. Only the set's second snapshot has one.
            leftover(LEFTOVERS[1], w.drilled[1], 0.5),
            // A week old, but the record on the 9-day set's first snapshot (none) does not name it.
            leftover("vol-0f000000000000001", w.older[0], 7 * 24),
        ]);
        const summary = await verifyRun(clients(), withDrillsAndRetention, WINDOW_EXECUTION, new Date(hoursAgo(0)));
        assert.deepStrictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand), []);
        assert.deepStrictEqual(mocks.ec2.commandCalls(DeleteSnapshotCommand), []);
        assert.strictEqual(summary.deletedSnapshots, 0);
        assert.strictEqual(metricValue(mocks, "RetentionHeldForDrillSets"), 2);
        assert.strictEqual(metricValue(mocks, "DrillSweptVolumes"), 0);
        // The weekly drill reports an unproven volume; the verify-run does not repeat it every night.
        assert.strictEqual(summary.alerted, false);
    });

    it("reports a failed look for leftovers and still applies retention", async () => {
        const w = world();
        serve(mocks, w);
        const throttled = Object.assign(new Error("Request limit exceeded."), { name: "RequestLimitExceeded" });
        serveDrillVolumes(mocks, w, [], throttled);
        const summary = await verifyRun(clients(), withDrillsAndRetention, WINDOW_EXECUTION, new Date(hoursAgo(0)));
        assert.strictEqual(summary.deletedSnapshots, 4);
        assert.match(
            mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "",
            /could not look for leftover drill volumes \(RequestLimitExceeded: Request limit exceeded\.\)/,
        );
    });

    it("does not look for drill volumes in an environment without drills", async () => {
        const w = world();
        serve(mocks, w);
        serveDrillVolumes(mocks, w, [leftover(LEFTOVERS[0], w.drilled[0], 7 * 24)]);
        const { drillInstancesPerRun: _, ...noDrills } = withDrillsAndRetention;
        await verifyRun(clients(), noDrills, WINDOW_EXECUTION, new Date(hoursAgo(0)));
        const asked = mocks.ec2.commandCalls(DescribeVolumesCommand).map((c) => c.args[0].input.Filters?.[0]?.Name);
        assert.ok(!asked.includes("tag:vss-fleet:drill"), asked.join());
        assert.deepStrictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand), []);
    });
});
