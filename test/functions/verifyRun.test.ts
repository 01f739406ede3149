/** The lifecycle function after a backup run, against SDK mocks answering in AWS's shapes. */
import * as assert from "assert";
import { PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import { DeleteSnapshotCommand, type Snapshot } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { verifyRun } from "../../functions/lifecycle/actions";
import {
    clients,
    config,
    createMocks,
    hoursAgo,
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
const FS = "i-0a1b2c3d4e5f60002";
const NEW = "i-0a1b2c3d4e5f60003";
const STOPPED = "i-0a1b2c3d4e5f60004";
const daysAgo = (d: number) => hoursAgo(d * 24);
const set = (instanceVolumes: string[], id: string, at: Date, extra: Parameters<typeof snapshot>[3] = {}) =>
    instanceVolumes.map((v) => snapshot(v, id, at, extra));

/** SQL01 is fine; FS01's command was undeliverable; one instance is new, one stopped. */
function world(): World & { old: Snapshot[]; foreign: Snapshot[] } {
    const sqlVolumes = ["vol-0a00000000000a001", "vol-0a00000000000a002"];
    const old = [...set(sqlVolumes, "40d", daysAgo(40)), ...set(sqlVolumes, "41d", daysAgo(41))];
    const foreign = [
        { ...snapshot("vol-0a00000000000a001", "x", daysAgo(50)), Tags: [{ Key: "CreatedBy", Value: "other-tool" }] },
        snapshot("vol-0a00000000000a001", "other-fleet", daysAgo(50), { tags: { "vss-fleet:fleet": "other" } }),
    ];
    return {
        instances: [
            instance(SQL, "SQL01", "us-east-1a"),
            instance(FS, "FS01", "us-east-1b"),
            instance(NEW, "APP01", "us-east-1a", { LaunchTime: hoursAgo(0.1) }),
            instance(STOPPED, "OLD01", "us-east-1a", { State: { Code: 80, Name: "stopped" } }),
        ],
        volumes: [
            volume(sqlVolumes[0], SQL, "/dev/sda1"),
            volume(sqlVolumes[1], SQL, "xvdf"),
            volume("vol-0b00000000000b001", FS, "/dev/sda1", "us-east-1b"),
        ],
        snapshots: [
            ...set(sqlVolumes, "run", new Date(RUN_START.getTime() + 60_000)),
            ...set(sqlVolumes, "yesterday", hoursAgo(24.5)),
            ...old,
            ...foreign,
            ...set(["vol-0b00000000000b001"], "fs-yesterday", hoursAgo(25)),
        ],
        invocations: { [SQL]: ["Success", "Success"], [FS]: ["Failed", "Undeliverable"] },
        old,
        foreign,
    };
}

function metrics(mocks: Mocks): MetricDatum[] {
    return mocks.cloudWatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
}
const metric = (data: MetricDatum[], name: string, instanceId?: string) =>
    data.find((d) => d.MetricName === name && (instanceId === undefined || d.Dimensions?.some((x) => x.Value === instanceId)))?.Value;

describe("lifecycle function: verify a run", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    it("alerts once on the instance Run Command hid from maxErrors, and judges only instances the run could reach", async () => {
        serve(mocks, world());
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, [FS]);
        assert.strictEqual(summary.verified, 2, "the instance launched after the run began and the stopped one are not judged");
        const published = mocks.sns.commandCalls(PublishCommand);
        assert.strictEqual(published.length, 1);
        const { Message, Subject, TopicArn } = published[0].args[0].input;
        assert.strictEqual(TopicArn, config.alertTopicArn);
        assert.match(Subject ?? "", /prod: backup verification failed for 1/);
        assert.match(Message ?? "", /i-0a1b2c3d4e5f60002 \(FS01\)/);
        assert.match(Message ?? "", /undeliverable .*Run Command does not count this toward maxErrors/);
        assert.match(Message ?? "", /no snapshot set from this run/);
        assert.doesNotMatch(Message ?? "", /SQL01/);
    });

    it("says when a command was still running as the run was verified", async () => {
        const w = world();
        serve(mocks, { ...w, invocations: { ...w.invocations, [SQL]: ["InProgress", "InProgress"] } });
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.ok(summary.failedInstances.includes(SQL));
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /still InProgress when the run was verified/);
    });

    it("publishes good sets, failed instances and each instance's newest good set age", async () => {
        serve(mocks, world());
        await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        const data = metrics(mocks);
        assert.strictEqual(mocks.cloudWatch.commandCalls(PutMetricDataCommand)[0].args[0].input.Namespace, "VssFleet/prod");
        assert.strictEqual(metric(data, "GoodSets"), 1);
        assert.strictEqual(metric(data, "FailedInstances"), 1);
        assert.strictEqual(metric(data, "NewestGoodSetAgeHours", SQL), 0.48);
        assert.strictEqual(metric(data, "NewestGoodSetAgeHours", FS), 25);
        assert.ok(data.every((d) => d.Dimensions?.[0].Name === "Environment" && d.Dimensions[0].Value === "prod"));
    });

    it("sends no alert when every instance has a good set from the run", async () => {
        const w = world();
        serve(mocks, { ...w, instances: w.instances.filter((i) => i.InstanceId !== FS) });
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, []);
        assert.strictEqual(mocks.sns.commandCalls(PublishCommand).length, 0);
        assert.strictEqual(metric(metrics(mocks), "FailedInstances"), 0);
    });

    it("does not call a set that EBS is still copying a failure", async () => {
        const w = world();
        const pending = w.snapshots.map((s) =>
            s.StartTime && s.StartTime > RUN_START && s.VolumeId === "vol-0a00000000000a002"
                ? { ...s, State: "pending" as const, Progress: "42%" }
                : s,
        );
        serve(mocks, { ...w, instances: [w.instances[0]], snapshots: pending });
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, []);
    });

    it("reports a set from this run that misses a volume", async () => {
        const w = world();
        const partial = w.snapshots.filter((s) => !(s.StartTime && s.StartTime > RUN_START && s.VolumeId === "vol-0a00000000000a002"));
        serve(mocks, { ...w, instances: [w.instances[0]], snapshots: partial });
        const summary = await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.deepStrictEqual(summary.failedInstances, [SQL]);
        assert.match(
            mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "",
            /not good: no snapshot of vol-0a00000000000a002/,
        );
    });

    it("reports an RPO breach even when the command succeeded", async () => {
        const w = world();
        const stale = w.snapshots.filter((s) => !(s.StartTime && s.StartTime > hoursAgo(30)) || s.VolumeId?.startsWith("vol-0b"));
        serve(mocks, { ...w, instances: [w.instances[0]], snapshots: stale });
        await verifyRun(clients(), config, WINDOW_EXECUTION, NOW);
        assert.match(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /beyond the RPO of 26 h/);
    });

    describe("retention", () => {
        const withRetention = { ...config, retention: { days: 30, minSets: 2 } };

        it("deletes the old sets whole and never another tool's or another fleet's snapshot", async () => {
            const w = world();
            serve(mocks, w);
            const summary = await verifyRun(clients(), withRetention, WINDOW_EXECUTION, NOW);
            const deleted = mocks.ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);
            assert.deepStrictEqual(deleted.sort(), w.old.map((s) => s.SnapshotId).sort());
            assert.strictEqual(summary.deletedSnapshots, 4);
            assert.strictEqual(metric(metrics(mocks), "RetentionDeletedSnapshots"), 4);
            for (const s of w.foreign) {
                assert.ok(!deleted.includes(s.SnapshotId), `${s.SnapshotId} is not ours`);
            }
        });

        it("never goes below minSets good sets, however old", async () => {
            const w = world();
            serve(mocks, w);
            await verifyRun(clients(), { ...config, retention: { days: 1, minSets: 4 } }, WINDOW_EXECUTION, NOW);
            assert.strictEqual(mocks.ec2.commandCalls(DeleteSnapshotCommand).length, 0, "SQL01 has exactly 4 good sets");
        });

        it("stops at the first failed delete of a set, keeps the rest and says so", async () => {
            const w = world();
            serve(mocks, w);
            const [first, second] = w.old;
            mocks.ec2.on(DeleteSnapshotCommand).resolves({});
            mocks.ec2.on(DeleteSnapshotCommand, { SnapshotId: second.SnapshotId }).rejects(
                Object.assign(new Error(`The snapshot ${second.SnapshotId} is currently in use by ami-0123`), {
                    name: "InvalidSnapshot.InUse",
                }),
            );
            const summary = await verifyRun(clients(), withRetention, WINDOW_EXECUTION, NOW);
            const attempted = mocks.ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);
            assert.ok(attempted.includes(first.SnapshotId) && attempted.includes(second.SnapshotId));
            assert.strictEqual(summary.deletedSnapshots, 3, "the other old set is still deleted whole");
            const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
            assert.match(message, /InvalidSnapshot.InUse/);
            assert.match(message, /1 snapshot\(s\) of the set were kept and the next run retries/);
        });

        it("treats a snapshot that is already gone as deleted", async () => {
            const w = world();
            serve(mocks, w);
            mocks.ec2.on(DeleteSnapshotCommand).rejects(Object.assign(new Error("gone"), { name: "InvalidSnapshot.NotFound" }));
            const summary = await verifyRun(clients(), { ...withRetention }, WINDOW_EXECUTION, NOW);
            assert.deepStrictEqual(summary.failedInstances, [FS]);
            assert.doesNotMatch(mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "", /retention/);
        });
    });
});
