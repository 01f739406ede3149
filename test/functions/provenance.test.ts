/**
 * Provenance against AWS's own shapes: snapshots that carry the fleet's tags but not its evidence
 * are never deleted, and each is reported (an alert and a metric). One genuine old set is deleted,
 * so the test also fails if retention simply stopped deleting anything.
 */
import * as assert from "assert";
import { PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import { CreateTagsCommand, DeleteSnapshotCommand, type Snapshot, type Volume } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { ListCommandInvocationsCommand, DescribeMaintenanceWindowExecutionTaskInvocationsCommand } from "@aws-sdk/client-ssm";
import { verifyRun } from "../../functions/lifecycle/actions";
import {
    clients,
    config,
    createMocks,
    dailyExecutions,
    instance,
    NOW,
    resetMocks,
    restoreMocks,
    RUN_START,
    serve,
    snapshot,
    volume,
    WINDOW_EXECUTION,
    type Mocks,
    type World,
} from "./fixtures";

const SQL = "i-0a1b2c3d4e5f60001";
/** The database team's server: not in the fleet, its volume never snapshotted by vss-fleet. */
const DB = "i-0d0d0d0d0d0d0d0d1";
const ROOT = "vol-0a00000000000a001";
const DATA = "vol-0a00000000000a002";
const DB_VOLUME = "vol-0d00000000000d001";
const LATE = "vol-0a00000000000a003";
const retention = { ...config, retention: { days: 30, minSets: 1 } };

/** `days` before NOW's date, at `time` UTC (the fixture's window runs 07:00-08:45 daily). */
const at = (days: number, time: string) => new Date(`${new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10)}T${time}Z`);
const id = (n: string) => ({ SnapshotId: `snap-0${n.padStart(16, "0")}` });

function world(): World {
    const lateVolume: Volume = {
        ...volume(LATE, SQL, "xvdg"),
        Attachments: [{ InstanceId: SQL, Device: "xvdg", State: "attached", AttachTime: at(10, "12:00:00"), VolumeId: LATE }],
    };
    const snapshots: Snapshot[] = [
        // Genuine: today's run, and a set from 40 days ago that retention must delete.
        snapshot(ROOT, "today", new Date(RUN_START.getTime() + 60_000), id("101")),
        snapshot(DATA, "today", new Date(RUN_START.getTime() + 60_000), id("102")),
        snapshot(LATE, "today", new Date(RUN_START.getTime() + 60_000), id("103")),
        snapshot(ROOT, "genuine-40d", at(40, "07:30:05"), id("401")),
        snapshot(DATA, "genuine-40d", at(40, "07:30:05"), id("402")),
        // A database team's snapshot, tagged by someone with the fleet's tags; its own description.
        snapshot(DB_VOLUME, "db", at(45, "07:30:00"), { ...id("d01"), Description: "prod-db nightly" }),
        // A forged vss-fleet:instance-id tying the database volume's snapshot to an enrolled instance.
        snapshot(DB_VOLUME, "forged-id", at(46, "07:30:00"), { ...id("f01"), tags: { "vss-fleet:instance-id": SQL } }),
        // A volume attached to SQL01 only 10 days ago: it was not there when this "set" was taken.
        snapshot(LATE, "late", at(47, "07:30:00"), id("e01")),
        // SQL01's own volumes, but at 13:00: no run of the window was going on.
        snapshot(ROOT, "afternoon", at(48, "13:00:00"), id("a01")),
        snapshot(DATA, "afternoon", at(48, "13:00:00"), id("a02")),
        // Half a set foreign: the data volume's member was not written by the document.
        snapshot(ROOT, "half", at(49, "07:30:00"), id("h01")),
        snapshot(DATA, "half", at(49, "07:30:00"), { ...id("h02"), Description: "copied by ops" }),
    ];
    return {
        instances: [instance(SQL, "SQL01", "us-east-1a")],
        volumes: [volume(ROOT, SQL, "/dev/sda1"), volume(DATA, SQL, "xvdf"), lateVolume, volume(DB_VOLUME, DB, "xvdf")],
        snapshots,
        invocations: { [SQL]: ["Success", "Success"] },
    };
}

const metricValue = (data: MetricDatum[], name: string) => data.find((d) => d.MetricName === name)?.Value;

describe("lifecycle function: provenance before any deletion", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    it("deletes only the genuine old set; every impostor is kept and alerted with its reason", async () => {
        serve(mocks, world());
        const summary = await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        const deleted = mocks.ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);
        assert.deepStrictEqual(deleted, ["snap-00000000000000401", "snap-00000000000000402"]);
        assert.strictEqual(summary.deletedSnapshots, 2);
        assert.deepStrictEqual(summary.failedInstances, [], "SQL01's run is fine: the impostors are reported, not blamed on it");

        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        const expected = [
            // the database team's snapshot
            "snap-00000000000000d01's description 'prod-db nightly' is not the aws-vss document's 'vss-fleet acme/prod'",
            // the forged instance id
            "snap-00000000000000f01 is of vol-0d00000000000d001, attached to i-0d0d0d0d0d0d0d0d1, not to i-0a1b2c3d4e5f60001",
            // the volume that was not attached then
            "vol-0a00000000000a003 was attached to i-0a1b2c3d4e5f60001 at 2026-11-18T12:00:00.000Z, after snap-00000000000000e01 started",
            // outside any window execution
            "snap-00000000000000a01 started at 2026-10-11T13:00:00.000Z, outside every run of the window",
            // half a set foreign
            "snap-00000000000000h02's description 'copied by ops' is not the aws-vss document's 'vss-fleet acme/prod'",
        ];
        for (const reason of expected) {
            assert.ok(message.includes(`  - ${reason}`), `alert names: ${reason}\n--- got:\n${message}`);
        }
        assert.match(
            message,
            /snapshot set AwsVssComponents=2\.4\.1;SnapshotSetId=\{half\} of i-0a1b2c3d4e5f60001 from 2026-10-10T07:30:00\.000Z is not trusted/,
        );

        const data = mocks.cloudWatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
        assert.strictEqual(metricValue(data, "ContradictedSets"), 5);
        assert.strictEqual(metricValue(data, "UnprovenSets"), 0);
        assert.strictEqual(metricValue(data, "RetentionWithheldSets"), 4, "the four impostors under SQL01 were old enough to go");
        assert.strictEqual(metricValue(data, "RetentionDeletedSnapshots"), 2);
    });

    it("does not count an impostor as a good set, so it cannot hide a failed run", async () => {
        const w = world();
        // Today's genuine set failed; a forged one dated inside today's run would otherwise look good.
        const forgedToday = snapshot(DB_VOLUME, "forged-today", new Date(RUN_START.getTime() + 120_000), {
            ...id("f02"),
            tags: { "vss-fleet:instance-id": SQL },
        });
        const todays = ["snap-00000000000000101", "snap-00000000000000102", "snap-00000000000000103"];
        serve(mocks, { ...w, snapshots: [...w.snapshots.filter((s) => !todays.includes(s.SnapshotId ?? "")), forgedToday] });
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, [SQL]);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.match(message, /this run's snapshot set is not good: .*not trusted: snap-00000000000000f02 is of vol-0d00000000000d001/);
    });

    it("records the window execution and the instance on the snapshots of each proven set, once", async () => {
        serve(mocks, world());
        await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        const tagged = mocks.ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual(tagged, [
            {
                Resources: ["snap-00000000000000101", "snap-00000000000000102", "snap-00000000000000103"],
                Tags: [{ Key: "vss-fleet:window-execution", Value: WINDOW_EXECUTION }],
            },
            {
                Resources: [
                    "snap-00000000000000101",
                    "snap-00000000000000102",
                    "snap-00000000000000103",
                    "snap-00000000000000401",
                    "snap-00000000000000402",
                ],
                Tags: [{ Key: "vss-fleet:instance-id", Value: "i-0a1b2c3d4e5f60001" }],
            },
            {
                Resources: ["snap-00000000000000401", "snap-00000000000000402"],
                Tags: [{ Key: "vss-fleet:window-execution", Value: "24bea65d-5ccc-462d-a2f3-000000000040" }],
            },
        ]);
    });

    it("does not record the instance again on snapshots that carry it", async () => {
        const w = world();
        const mine = { "vss-fleet:instance-id": SQL };
        serve(mocks, {
            ...w,
            snapshots: [
                snapshot(ROOT, "today", new Date(RUN_START.getTime() + 60_000), { ...id("101"), tags: mine }),
                snapshot(DATA, "today", new Date(RUN_START.getTime() + 60_000), { ...id("102"), tags: mine }),
                ...w.snapshots.slice(2),
            ],
        });
        await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        const recorded = mocks.ec2
            .commandCalls(CreateTagsCommand)
            .map((c) => c.args[0].input)
            .filter((t) => t.Tags?.[0]?.Key === "vss-fleet:instance-id");
        assert.deepStrictEqual(recorded, [
            {
                Resources: ["snap-00000000000000103", "snap-00000000000000401", "snap-00000000000000402"],
                Tags: [{ Key: "vss-fleet:instance-id", Value: SQL }],
            },
        ]);
    });

    it("trusts its own record once SSM's history no longer covers a set, and nothing else", async () => {
        const w = world();
        const recorded = { "vss-fleet:window-execution": "24bea65d-5ccc-462d-a2f3-000000000040" };
        const old = (n: string, v: string, tags: Record<string, string>) =>
            snapshot(v, "genuine-40d", at(40, "07:30:05"), { ...id(n), tags });
        serve(mocks, {
            ...w,
            // SSM kept only the last 30 days; one old set carries the function's record, the other does not.
            executions: dailyExecutions(30),
            snapshots: [
                ...w.snapshots.slice(0, 3),
                old("401", ROOT, recorded),
                old("402", DATA, recorded),
                snapshot(ROOT, "unrecorded-41d", at(41, "07:30:05"), id("411")),
                snapshot(DATA, "unrecorded-41d", at(41, "07:30:05"), id("412")),
            ],
        });
        await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        const deleted = mocks.ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);
        assert.deepStrictEqual(deleted, ["snap-00000000000000401", "snap-00000000000000402"]);
        const data = mocks.cloudWatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
        assert.strictEqual(metricValue(data, "UnprovenSets"), 1);
        assert.strictEqual(metricValue(data, "RetentionWithheldSets"), 1);
    });
});

describe("lifecycle function: sets it refuses to treat as ours are visible", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    /** An instance that was in the fleet and left it: the execution 6 days ago ran on it. */
    const GONE = "i-0e0e0e0e0e0e0e0e1";
    const GONE_VOLUME = "vol-0e00000000000e001";
    const SIX_DAYS_AGO = "24bea65d-5ccc-462d-a2f3-000000000006";
    const OLD_COMMAND = "e8d3c0e4-71f7-4491-898f-000000000006";

    function forgeries(): World {
        return {
            instances: [instance(SQL, "SQL01", "us-east-1a")],
            volumes: [volume(ROOT, SQL, "/dev/sda1"), volume(DB_VOLUME, DB, "xvdf"), volume(GONE_VOLUME, GONE, "xvdf")],
            snapshots: [
                snapshot(ROOT, "today", new Date(RUN_START.getTime() + 60_000), id("101")),
                // The database team's volume with this fleet's exact tags and description, dated inside today's run...
                snapshot(DB_VOLUME, "forged-now", new Date(RUN_START.getTime() + 90_000), id("f10")),
                // ...and inside the run of 5 days ago.
                snapshot(DB_VOLUME, "forged-old", at(5, "07:30:00"), id("f11")),
                // A genuine set of an instance that has since left the fleet, taken by the run 6 days ago.
                snapshot(GONE_VOLUME, "left", at(6, "07:30:00"), id("e10")),
                // A copy of a genuine snapshot with its tags: CopySnapshot's placeholder volume id ties it to nothing.
                snapshot("vol-ffffffff", "copied", at(3, "09:00:00"), id("c10")),
            ],
            invocations: { [SQL]: ["Success", "Success"] },
        };
    }

    it("alerts on forged tags that the window's own runs contradict, counts the rest, and advises no deletion", async () => {
        serve(mocks, forgeries());
        // The run 6 days ago ran its command on GONE (then enrolled) as well; every other run on SQL01 only.
        mocks.ssm.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).callsFake((input: { WindowExecutionId: string }) => ({
            WindowExecutionTaskInvocationIdentities: [
                { ExecutionId: input.WindowExecutionId === SIX_DAYS_AGO ? OLD_COMMAND : "e8d3c0e4-71f7-4491-898f-c9b35bee5f3b" },
            ],
        }));
        mocks.ssm.on(ListCommandInvocationsCommand).callsFake((input: { CommandId: string }) => ({
            CommandInvocations: [SQL, ...(input.CommandId === OLD_COMMAND ? [GONE] : [])].map((InstanceId) => ({
                CommandId: input.CommandId,
                InstanceId,
                Status: "Success",
            })),
        }));
        const summary = await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, []);
        assert.strictEqual(summary.deletedSnapshots, 0);
        assert.strictEqual(summary.alerted, true);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.ok(
            message.includes(
                `  - the window's execution ${WINDOW_EXECUTION} ran its command on 1 instance(s), not on ${DB}, so no run of ours took this set`,
            ),
            message,
        );
        assert.ok(
            message.includes(
                "  - the window's execution 24bea65d-5ccc-462d-a2f3-000000000005 ran its command on 1 instance(s), not on " +
                    `${DB}, so no run of ours took this set`,
            ),
            message,
        );
        // The instance that left the fleet is neither alerted nor blamed; nothing anywhere says to delete anything by hand.
        assert.doesNotMatch(message, new RegExp(GONE));
        assert.doesNotMatch(message, /by hand|delete (it|them|its)/i);
        const data = mocks.cloudWatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
        assert.strictEqual(metricValue(data, "ContradictedSets"), 2);
        assert.strictEqual(metricValue(data, "UnprovenSets"), 1);
        assert.strictEqual(metricValue(data, "UntiedSnapshots"), 1);
    });

    it("without the window's invocations for an old run, a forged set stays unproven: kept, counted, not alerted", async () => {
        const w = forgeries();
        serve(mocks, { ...w, snapshots: w.snapshots.filter((s) => s.SnapshotId !== id("f10").SnapshotId) });
        mocks.ssm.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).rejects(new Error("throttled"));
        // Today's run is read by readRun before the sets (and fails here too): give it its own answer.
        mocks.ssm
            .on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand, { WindowExecutionId: WINDOW_EXECUTION })
            .resolves({ WindowExecutionTaskInvocationIdentities: [{ ExecutionId: "e8d3c0e4-71f7-4491-898f-c9b35bee5f3b" }] } as never);
        const summary = await verifyRun(clients(), retention, WINDOW_EXECUTION, NOW);
        assert.strictEqual(summary.deletedSnapshots, 0);
        const data = mocks.cloudWatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
        assert.strictEqual(metricValue(data, "ContradictedSets"), 0);
        assert.strictEqual(metricValue(data, "UnprovenSets"), 2);
        assert.strictEqual(metricValue(data, "UntiedSnapshots"), 1);
        assert.strictEqual(summary.alerted, false);
    });
});
