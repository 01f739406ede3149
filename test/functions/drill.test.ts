/** Restore drills against SDK mocks: rotation, tagging, timing, and clean-up whatever happens. */
import * as assert from "assert";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTagsCommand, CreateVolumeCommand, DeleteVolumeCommand, DescribeVolumesCommand, type Volume } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { drill } from "../../functions/lifecycle/actions";
import { drillPicks, type DrillTiming } from "../../functions/lifecycle/drill";
import type { FleetInstance } from "../../functions/lifecycle/fleetInstances";
import { snapshotSets } from "../../core/lifecycle/sets";
import { toSnapshots } from "../../core/lifecycle/awsShapes";
import {
    clients,
    config,
    createMocks,
    describeVolumes,
    hoursAgo,
    instance,
    NOW,
    resetMocks,
    restoreMocks,
    serve,
    snapshot,
    volume,
    type Mocks,
    type World,
} from "./fixtures";

const SQL = "i-0a1b2c3d4e5f60001";
const FS = "i-0a1b2c3d4e5f60002";
const WEB = "i-0a1b2c3d4e5f60005";
const SQL_VOLUMES = ["vol-0a00000000000a001", "vol-0a00000000000a002"];
const drillConfig = { ...config, drillInstancesPerRun: 1 };
const TOKEN = "5f1c9e2a7b3d4c60";

function world(): World {
    return {
        instances: [instance(SQL, "SQL01", "us-east-1a"), instance(FS, "FS01", "us-east-1b"), instance(WEB, "WEB01", "us-east-1c")],
        volumes: [
            volume(SQL_VOLUMES[0], SQL, "/dev/sda1"),
            volume(SQL_VOLUMES[1], SQL, "xvdf"),
            volume("vol-0b00000000000b001", FS, "/dev/sda1", "us-east-1b"),
            volume("vol-0c00000000000c001", WEB, "/dev/sda1", "us-east-1c"),
        ],
        snapshots: [
            ...SQL_VOLUMES.map((v) => snapshot(v, "sql-new", hoursAgo(0.25))),
            ...SQL_VOLUMES.map((v) => snapshot(v, "sql-old", hoursAgo(24.25))),
            snapshot("vol-0b00000000000b001", "fs-new", hoursAgo(0.25), {
                tags: { "vss-fleet:drilled-at": "2026-11-21T06:00:00.000Z", "vss-fleet:drill-result": "restored" },
            }),
            snapshot("vol-0c00000000000c001", "web-bad", hoursAgo(0.25), { tags: { AppConsistent: "false" } }),
        ],
    };
}

/** How often code may read the fake clock without sleeping, or sleep at all, before it counts as stuck. */
const STARVED_READS = 10_000;
const STARVED_SLEEPS = 2_000;

/**
 * A clock that only moves when the code under test sleeps. Code that waits for a deadline without
 * sleeping (or sleeps without end) would spin until mocha's timeout; instead the clock throws at
 * once, so a starved wait is a failure with a reason, never a hang.
 */
function fakeTiming(deadlineMs = 600_000): DrillTiming & { slept: number[] } {
    let now = NOW.getTime();
    let readsSinceSleep = 0;
    const slept: number[] = [];
    return {
        deadline: now + deadlineMs,
        cleanupDeadline: now + deadlineMs + 100_000,
        pollMs: 5_000,
        clock: () => {
            if (++readsSinceSleep > STARVED_READS) {
                throw new Error(`fake clock read ${STARVED_READS} times without a sleep: the code under test waits without sleeping`);
            }
            return now;
        },
        sleep: async (ms) => {
            if (slept.length >= STARVED_SLEEPS) {
                throw new Error(`fake clock: ${STARVED_SLEEPS} sleeps and the code under test still waits`);
            }
            readsSinceSleep = 0;
            slept.push(ms);
            now += ms;
        },
        slept,
    };
}

describe("the fake clock", function () {
    // If the guard were missing, these would spin until this timeout: a failure, not a wait either way.
    this.timeout(5_000);

    it("fails a wait that never sleeps instead of hanging", () => {
        const timing = fakeTiming();
        assert.throws(() => {
            while (timing.clock() < timing.deadline) {
                // busy-waiting on a clock that only moves on sleep
            }
        }, /read 10000 times without a sleep/);
    });

    it("fails a wait that sleeps without end", async () => {
        const timing = fakeTiming(Number.MAX_SAFE_INTEGER / 2);
        await assert.rejects(async () => {
            while (timing.clock() < timing.deadline) {
                await timing.sleep(1);
            }
        }, /2000 sleeps and the code under test still waits/);
    });
});

/**
 * The drill volumes as EC2 keeps them. Each reports `states` poll by poll (the last one repeats; a
 * "missing" entry is a volume EC2 does not show yet). DeleteVolume refuses a volume whose last
 * reported state is "creating", as EC2 does. DescribeVolumes answers each caller: by VolumeIds (the
 * waits), by the drill tag (the sweep), by attachment (the set lookup).
 */
function serveVolumes(mocks: Mocks, w: World, states: string[], leftovers: Volume[] = []) {
    let created = 0;
    const polls = new Map<string, number>();
    const last = new Map<string, string>();
    mocks.ec2.on(CreateVolumeCommand).callsFake(() => {
        const id = `vol-0d${String(++created).padStart(15, "0")}`;
        last.set(id, "creating");
        return { VolumeId: id, State: "creating" };
    });
    mocks.ec2.on(DeleteVolumeCommand).callsFake((input: { VolumeId: string }) => {
        if (last.get(input.VolumeId) === "creating") {
            throw Object.assign(new Error(`The volume '${input.VolumeId}' is 'creating'.`), { name: "IncorrectState" });
        }
        return {};
    });
    mocks.ec2.on(DescribeVolumesCommand).callsFake((input: { VolumeIds?: string[]; Filters?: { Name: string; Values: string[] }[] }) => {
        if (input.VolumeIds) {
            const volumes = input.VolumeIds.map((id) => {
                const poll = polls.get(id) ?? 0;
                polls.set(id, poll + 1);
                const state = states[Math.min(poll, states.length - 1)];
                if (state !== "missing") {
                    last.set(id, state);
                }
                return { VolumeId: id, State: state };
            });
            if (volumes.every((v) => v.State === "missing")) {
                throw Object.assign(new Error("The volume does not exist."), { name: "InvalidVolume.NotFound" });
            }
            return { Volumes: volumes.filter((v) => v.State !== "missing") };
        }
        if (input.Filters?.some((f) => f.Name === "tag:vss-fleet:drill")) {
            return { Volumes: leftovers };
        }
        return describeVolumes(w, input);
    });
}

const metricValue = (mocks: Mocks, name: string) =>
    mocks.cloudWatch
        .commandCalls(PutMetricDataCommand)
        .flatMap((c) => c.args[0].input.MetricData ?? [])
        .find((d) => d.MetricName === name)?.Value;

describe("restore drill rotation", () => {
    const w = world();
    const instances: FleetInstance[] = w.instances.map((i) => ({
        instanceId: i.InstanceId ?? "",
        state: "running",
        availabilityZone: i.Placement?.AvailabilityZone ?? "",
    }));
    const sets = snapshotSets(
        toSnapshots({ Snapshots: w.snapshots.map((s) => ({ ...s, Tags: s.Tags ?? [] })) as never }),
        w.volumes.flatMap((v) =>
            (v.Attachments ?? []).map((a) => ({
                volumeId: v.VolumeId ?? "",
                instanceId: a.InstanceId ?? "",
                device: a.Device ?? "",
                attachTime: a.AttachTime ?? NOW,
            })),
        ),
        { environment: "prod", excludeBootVolume: false, rootDeviceOf: () => "/dev/sda1" },
    );

    it("drills the never-drilled instance before the one drilled last week, and skips one without a good set", () => {
        assert.deepStrictEqual(
            drillPicks(instances, sets, 1).map((p) => p.instance.instanceId),
            [SQL],
        );
        assert.deepStrictEqual(
            drillPicks(instances, sets, 5).map((p) => p.instance.instanceId),
            [SQL, FS],
        );
    });

    it("does not drill a set a leftover drill volume still points at; takes the instance's next good set", () => {
        const newest = drillPicks(instances, sets, 1)[0].set;
        const busy = new Set([newest.snapshots[1].snapshotId]);
        const pick = drillPicks(instances, sets, 1, busy)[0];
        assert.strictEqual(pick.instance.instanceId, SQL);
        assert.notStrictEqual(pick.set.key, newest.key);
        assert.ok(!pick.set.snapshots.some((s) => busy.has(s.snapshotId)));
    });

    it("restores the NEWEST good set", () => {
        assert.deepStrictEqual(
            drillPicks(instances, sets, 1)[0].set.snapshots.map((s) => s.tags.AwsVssConfig)[0],
            "AwsVssComponents=2.4.1;SnapshotSetId={sql-new}",
        );
    });
});

describe("lifecycle function: restore drill", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    it("creates one tagged volume per snapshot in the instance's zone, times it, deletes them and stamps the set", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating", "available"]);
        const timing = fakeTiming();
        const summary = await drill(clients(), drillConfig, timing, TOKEN);

        assert.deepStrictEqual(summary.drilled, [{ instanceId: SQL, ok: true, durationSeconds: 5 }]);
        const creates = mocks.ec2.commandCalls(CreateVolumeCommand).map((c) => c.args[0].input);
        assert.strictEqual(creates.length, 2);
        for (const create of creates) {
            assert.strictEqual(create.AvailabilityZone, "us-east-1a");
            const tags = Object.fromEntries((create.TagSpecifications?.[0].Tags ?? []).map((t) => [t.Key, t.Value]));
            assert.strictEqual(create.TagSpecifications?.[0].ResourceType, "volume");
            assert.strictEqual(tags["vss-fleet:drill"], "prod");
            assert.strictEqual(tags["vss-fleet:drill-run"], "drill-2026-11-28T08:00:00.000Z-5f1c9e2a7b3d4c60");
        }
        // Each CreateVolume's idempotency token: the run's token and the snapshot restored.
        assert.deepStrictEqual(
            creates.map((c) => c.ClientToken?.replace(c.SnapshotId ?? "?", "<snapshot>")),
            ["5f1c9e2a7b3d4c60-<snapshot>", "5f1c9e2a7b3d4c60-<snapshot>"],
        );
        const deleted = mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId);
        assert.deepStrictEqual(deleted.sort(), ["vol-0d000000000000001", "vol-0d000000000000002"]);
        const tagCalls = mocks.ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input);
        // The drill's record: each CreateVolume's response, on the snapshot it restored.
        assert.deepStrictEqual(
            tagCalls.slice(0, 2).map((t) => t.Tags),
            ["vol-0d000000000000001", "vol-0d000000000000002"].map((volumeId) => [
                { Key: "vss-fleet:drill-run", Value: "drill-2026-11-28T08:00:00.000Z-5f1c9e2a7b3d4c60" },
                { Key: "vss-fleet:drill-volume", Value: volumeId },
            ]),
        );
        assert.deepStrictEqual(
            tagCalls.slice(0, 2).map((t) => t.Resources),
            creates.map((c) => [c.SnapshotId]),
        );
        const stamp = tagCalls[tagCalls.length - 1];
        assert.strictEqual(stamp.Resources?.length, 2);
        assert.deepStrictEqual(stamp.Tags, [
            { Key: "vss-fleet:drilled-at", Value: NOW.toISOString() },
            { Key: "vss-fleet:drill-result", Value: "restored" },
        ]);
        assert.strictEqual(metricValue(mocks, "DrillSucceeded"), 1);
        assert.strictEqual(metricValue(mocks, "DrillDurationSeconds"), 5);
        assert.strictEqual(mocks.sns.commandCalls(PublishCommand).length, 0, "a good drill is no news");
    });

    it("deletes the volumes it already made when a later CreateVolume fails, and alerts", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating", "available"]);
        mocks.ec2
            .on(CreateVolumeCommand)
            .resolvesOnce({ VolumeId: "vol-0d000000000000001", State: "creating" })
            .rejects(Object.assign(new Error("You have exceeded your maximum gp3 storage limit"), { name: "VolumeLimitExceeded" }));
        const timing = fakeTiming();
        const summary = await drill(clients(), drillConfig, timing, TOKEN);

        assert.deepStrictEqual(summary.drilled, [{ instanceId: SQL, ok: false }]);
        assert.deepStrictEqual(
            mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId),
            ["vol-0d000000000000001"],
        );
        assert.strictEqual(timing.slept.length, 1, "it waited for the volume to leave 'creating' before deleting it");
        assert.strictEqual(metricValue(mocks, "DrillFailed"), 1);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.doesNotMatch(message, /could not delete/);
        assert.match(message, /restore drill of i-0a1b2c3d4e5f60001 \(SQL01\)/);
        assert.match(message, /VolumeLimitExceeded/);
        const tagCalls = mocks.ec2.commandCalls(CreateTagsCommand);
        assert.strictEqual(tagCalls[tagCalls.length - 1].args[0].input.Tags?.[1].Value, "failed");
    });

    it("fails at once on a volume in state error, and still deletes both", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating", "error"]);
        const summary = await drill(clients(), drillConfig, fakeTiming(), TOKEN);
        assert.strictEqual(summary.drilled[0].ok, false);
        assert.strictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand).length, 2);
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /went into state error/);
    });

    it("gives up at the deadline and names volumes it could not delete for the next drill", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating"]);
        const timing = fakeTiming(60_000);
        const summary = await drill(clients(), drillConfig, timing, TOKEN);
        assert.strictEqual(summary.drilled[0].ok, false);
        const waited = timing.slept.reduce((a, b) => a + b, 0);
        assert.ok(waited > 60_000 && waited <= 160_000, `waited ${waited} ms: to the deadline, then to the clean-up deadline`);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.match(message, /not available before the function's deadline/);
        assert.match(message, /could not delete drill volume vol-0d000000000000001 .*the next drill retries/);
    });

    it("keeps waiting while EC2 does not show a volume it has just created yet", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["missing", "creating", "available"]);
        const summary = await drill(clients(), drillConfig, fakeTiming(), TOKEN);
        assert.deepStrictEqual(summary.drilled, [{ instanceId: SQL, ok: true, durationSeconds: 10 }]);
        assert.strictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand).length, 2);
    });

    it("first sweeps away drill volumes an earlier crashed drill recorded, but not one a running drill just made", async () => {
        const w = world();
        const run = "drill-2026-11-21T06:00:00.000Z-0a1b2c3d4e5f6071";
        const record = { "vss-fleet:drill-run": run, "vss-fleet:drill-volume": "vol-0e000000000000001" };
        const restored = snapshot("vol-0b00000000000b001", "fs-drilled", hoursAgo(24.25), { tags: record });
        serve(mocks, { ...w, snapshots: [...w.snapshots, restored] });
        const leftover = (id: string, age: number): Volume => ({
            VolumeId: id,
            State: "available",
            CreateTime: hoursAgo(age),
            SnapshotId: restored.SnapshotId,
            Tags: [
                { Key: "vss-fleet:drill", Value: "prod" },
                { Key: "vss-fleet:drill-run", Value: run },
            ],
        });
        serveVolumes(mocks, w, ["available"], [leftover("vol-0e000000000000001", 2), leftover("vol-0e000000000000002", 0.1)]);
        const summary = await drill(clients(), drillConfig, fakeTiming(), TOKEN);
        const deleted = mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId);
        assert.ok(deleted.includes("vol-0e000000000000001"));
        assert.ok(!deleted.includes("vol-0e000000000000002"));
        assert.strictEqual(summary.sweptVolumes, 1);
    });

    it("never deletes an unrelated volume someone tagged as a drill volume, and reports it", async () => {
        const w = world();
        const restored = snapshot("vol-0b00000000000b001", "fs-drilled", hoursAgo(24.25), {
            tags: {
                "vss-fleet:drill-run": "drill-2026-11-21T06:00:00.000Z-0a1b2c3d4e5f6071",
                "vss-fleet:drill-volume": "vol-0e000000000000009",
            },
        });
        serve(mocks, { ...w, snapshots: [...w.snapshots, restored] });
        const tagged = (id: string, extra: Partial<Volume>): Volume => ({
            VolumeId: id,
            State: "in-use",
            CreateTime: hoursAgo(300),
            Tags: [{ Key: "vss-fleet:drill", Value: "prod" }],
            ...extra,
        });
        serveVolumes(
            mocks,
            w,
            ["available"],
            [
                // a database team's data volume, tagged by someone
                tagged("vol-0f000000000000001", { SnapshotId: "" }),
                // a copied run tag, but the snapshot's record names another volume
                tagged("vol-0f000000000000002", {
                    SnapshotId: restored.SnapshotId,
                    Tags: [
                        { Key: "vss-fleet:drill", Value: "prod" },
                        { Key: "vss-fleet:drill-run", Value: "drill-2026-11-21T06:00:00.000Z-0a1b2c3d4e5f6071" },
                    ],
                }),
            ],
        );
        const summary = await drill(clients(), drillConfig, fakeTiming(), TOKEN);
        const deleted = mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId);
        assert.ok(!deleted.includes("vol-0f000000000000001") && !deleted.includes("vol-0f000000000000002"), deleted.join());
        assert.strictEqual(summary.sweptVolumes, 0);
        assert.strictEqual(metricValue(mocks, "DrillSweepRefusedVolumes"), 2);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.ok(
            message.includes(
                "  - volume(s) vol-0f000000000000001, vol-0f000000000000002 carry the prod drill tag, but no drill of this function " +
                    "recorded creating them: left alone, since nothing proves they are ours; check who created and tagged them",
            ),
            message,
        );
        // Never advice to delete what nothing proves ours.
        assert.doesNotMatch(message, /delete (them|it) by hand/);
    });

    it("alerts when no targeted instance has a good set to restore", async () => {
        const w = world();
        serve(mocks, { ...w, snapshots: w.snapshots.filter((s) => s.VolumeId === "vol-0c00000000000c001") });
        serveVolumes(mocks, w, ["available"]);
        const summary = await drill(clients(), drillConfig, fakeTiming(), TOKEN);
        assert.deepStrictEqual(summary.drilled, []);
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /no targeted instance has a good snapshot set/);
        assert.strictEqual(metricValue(mocks, "DrillFailed"), 1);
    });
});
