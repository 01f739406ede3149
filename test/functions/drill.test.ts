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
            ...SQL_VOLUMES.map((v) => snapshot(v, "sql-new", hoursAgo(2))),
            ...SQL_VOLUMES.map((v) => snapshot(v, "sql-old", hoursAgo(26))),
            snapshot("vol-0b00000000000b001", "fs-new", hoursAgo(3), {
                tags: { "vss-fleet:drilled-at": "2026-11-21T06:00:00.000Z", "vss-fleet:drill-result": "restored" },
            }),
            snapshot("vol-0c00000000000c001", "web-bad", hoursAgo(3), { tags: { AppConsistent: "false" } }),
        ],
    };
}

/** A clock that only moves when the code under test sleeps. */
function fakeTiming(deadlineMs = 600_000): DrillTiming & { slept: number[] } {
    let now = NOW.getTime();
    const slept: number[] = [];
    return {
        deadline: now + deadlineMs,
        cleanupDeadline: now + deadlineMs + 100_000,
        pollMs: 5_000,
        clock: () => now,
        sleep: async (ms) => {
            slept.push(ms);
            now += ms;
        },
        slept,
    };
}

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
        const attached = input.Filters?.find((f) => f.Name === "attachment.instance-id")?.Values ?? [];
        return { Volumes: w.volumes.filter((v) => v.Attachments?.some((a) => attached.includes(a.InstanceId ?? ""))) };
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
        const summary = await drill(clients(), drillConfig, timing);

        assert.deepStrictEqual(summary.drilled, [{ instanceId: SQL, ok: true, durationSeconds: 5 }]);
        const creates = mocks.ec2.commandCalls(CreateVolumeCommand).map((c) => c.args[0].input);
        assert.strictEqual(creates.length, 2);
        for (const create of creates) {
            assert.strictEqual(create.AvailabilityZone, "us-east-1a");
            const tags = Object.fromEntries((create.TagSpecifications?.[0].Tags ?? []).map((t) => [t.Key, t.Value]));
            assert.strictEqual(create.TagSpecifications?.[0].ResourceType, "volume");
            assert.strictEqual(tags["vss-fleet:drill"], "prod");
            assert.strictEqual(tags["vss-fleet:drill-run"], `drill-${NOW.toISOString()}`);
        }
        const deleted = mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId);
        assert.deepStrictEqual(deleted.sort(), ["vol-0d000000000000001", "vol-0d000000000000002"]);
        const stamp = mocks.ec2.commandCalls(CreateTagsCommand)[0].args[0].input;
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
        const summary = await drill(clients(), drillConfig, timing);

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
        assert.strictEqual(mocks.ec2.commandCalls(CreateTagsCommand)[0].args[0].input.Tags?.[1].Value, "failed");
    });

    it("fails at once on a volume in state error, and still deletes both", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating", "error"]);
        const summary = await drill(clients(), drillConfig, fakeTiming());
        assert.strictEqual(summary.drilled[0].ok, false);
        assert.strictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand).length, 2);
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /went into state error/);
    });

    it("gives up at the deadline and names volumes it could not delete for the next drill", async () => {
        const w = world();
        serve(mocks, w);
        serveVolumes(mocks, w, ["creating"]);
        const timing = fakeTiming(60_000);
        const summary = await drill(clients(), drillConfig, timing);
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
        const summary = await drill(clients(), drillConfig, fakeTiming());
        assert.deepStrictEqual(summary.drilled, [{ instanceId: SQL, ok: true, durationSeconds: 10 }]);
        assert.strictEqual(mocks.ec2.commandCalls(DeleteVolumeCommand).length, 2);
    });

    it("first sweeps away drill volumes an earlier crashed drill left, but not one a running drill just made", async () => {
        const w = world();
        serve(mocks, w);
        const leftover = (id: string, age: number): Volume => ({ VolumeId: id, State: "available", CreateTime: hoursAgo(age) });
        serveVolumes(mocks, w, ["available"], [leftover("vol-0e000000000000001", 2), leftover("vol-0e000000000000002", 0.1)]);
        const summary = await drill(clients(), drillConfig, fakeTiming());
        const deleted = mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId);
        assert.ok(deleted.includes("vol-0e000000000000001"));
        assert.ok(!deleted.includes("vol-0e000000000000002"));
        assert.strictEqual(summary.sweptVolumes, 1);
    });

    it("alerts when no targeted instance has a good set to restore", async () => {
        const w = world();
        serve(mocks, { ...w, snapshots: w.snapshots.filter((s) => s.VolumeId === "vol-0c00000000000c001") });
        serveVolumes(mocks, w, ["available"]);
        const summary = await drill(clients(), drillConfig, fakeTiming());
        assert.deepStrictEqual(summary.drilled, []);
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /no targeted instance has a good snapshot set/);
        assert.strictEqual(metricValue(mocks, "DrillFailed"), 1);
    });
});
