/**
 * Emulator tier: the lifecycle function's handlers, in-process, against a real AWS API (moto) with
 * the project's code unchanged: verify-run reads real window history and Run Command invocations,
 * retention really deletes, drills really create and delete volumes, metrics land in CloudWatch and
 * alerts in SNS. Faults (throttling, eventual consistency) are injected at the emulator.
 */
import * as assert from "assert";
import { CreateSnapshotCommand, CreateTagsCommand, DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { drill, verifyRun } from "../../functions/lifecycle/actions";
import { DRILL_RESULT_TAG_KEY, DRILL_RUN_TAG_KEY, DRILLED_AT_TAG_KEY } from "../../core/lifecycle/functionConfig";
import type { DrillTiming } from "../../functions/lifecycle/drill";
import { launchWindows, runWindow, type SimInstance } from "./fleet";
import { useEmulator } from "./server";
import { alerts, allSnapshots, deploy, drillVolumes, environmentSpec, functionClients, metricSum, type Deployed } from "./world";

const FLEET = "acme";
const NIGHT = (n: number) => new Date(Date.UTC(2026, 9, n, 2, 30)); // the window opens 02:30 UTC, October n
const AFTER_RUN_MS = 40 * 60_000;

describe("emulator: the lifecycle function against a real AWS API", function () {
    this.timeout(60_000);
    const { emulator } = useEmulator(this);
    let clients: ReturnType<typeof functionClients>;
    let prod: Deployed;
    let fleet: SimInstance[];

    beforeEach(async () => {
        clients = functionClients();
        await emulator().control("clock", { now: "2026-09-14T07:15:00Z" });
        const spec = environmentSpec("prod", {
            targetTags: { Backup: "prod" },
            retention: { days: 7, minSets: 2 },
            restoreDrill: { schedule: "cron(0 6 ? * SUN *)" },
        });
        prod = await deploy(clients, spec, FLEET);
        fleet = [
            await launchWindows(clients.ec2, { name: "SQL01", availabilityZone: "us-east-1a", tags: { Backup: "prod" }, dataVolumes: 0 }),
            await launchWindows(clients.ec2, { name: "SQL02", availabilityZone: "us-east-1b", tags: { Backup: "prod" }, dataVolumes: 1 }),
            await launchWindows(clients.ec2, { name: "FS01", availabilityZone: "us-east-1c", tags: { Backup: "prod" }, dataVolumes: 2 }),
        ];
    });

    it("verify-run: the instance whose command failed is reported, alerted and counted in CloudWatch", async () => {
        const [, sql02] = fleet;
        const run = await runWindow(clients, emulator(), prod.env, fleet, NIGHT(1), new Map([[sql02.instanceId, "fail"]]));
        const summary = await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(1).getTime() + AFTER_RUN_MS));
        assert.deepStrictEqual(summary, {
            action: "verify-run",
            windowExecutionId: run.windowExecutionId,
            verified: 3,
            failedInstances: [sql02.instanceId],
            deletedSnapshots: 0,
            alerted: true,
        });
        const sent = await alerts(emulator(), prod.config.alertTopicArn);
        assert.deepStrictEqual(
            sent.map((a) => a.subject),
            ["vss-fleet prod: backup verification failed for 1"],
        );
        assert.deepStrictEqual(sent[0].message.split("\n").slice(0, 6), [
            "vss-fleet environment prod: backup verification found 1 problem(s).",
            "",
            `${sql02.instanceId} (SQL02)`,
            "  - the snapshot command ended Failed",
            "  - no snapshot set from this run",
            "  - it has no good snapshot set at all",
        ]);
        const window = [NIGHT(1), new Date(NIGHT(2).getTime())] as const;
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "GoodSets", ...window), 2);
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "FailedInstances", ...window), 1);
    });

    it("verify-run records each proven aws-vss set's instance on its snapshots, once", async () => {
        const run = await runWindow(clients, emulator(), prod.env, fleet, NIGHT(1));
        const instanceOf = new Map(fleet.flatMap((i) => i.volumes.map((v) => [v.volumeId, i.instanceId] as const)));
        const recorded = async () =>
            ((await clients.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))).Snapshots ?? []).map((s) => [
                instanceOf.get(s.VolumeId ?? ""),
                s.Tags?.find((t) => t.Key === "vss-fleet:instance-id")?.Value,
            ]);
        assert.ok((await recorded()).every(([, tag]) => tag === undefined));
        await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(1).getTime() + AFTER_RUN_MS));
        const after = await recorded();
        // The run's six snapshots (1 + 2 + 3 volumes) carry their instance; snapshots of no fleet volume nothing.
        assert.strictEqual(after.filter(([instance]) => instance !== undefined).length, 6, JSON.stringify(after));
        assert.ok(
            after.every(([instance, tag]) => tag === instance),
            JSON.stringify(after),
        );
        await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(1).getTime() + AFTER_RUN_MS + 60_000));
        assert.deepStrictEqual(await recorded(), after);
    });

    it("verify-run: pending snapshots of a successful command are a set still completing, not a failure", async () => {
        const [sql01] = fleet;
        await runWindow(clients, emulator(), prod.env, fleet, NIGHT(1));
        const run = await runWindow(clients, emulator(), prod.env, fleet, NIGHT(2), new Map([[sql01.instanceId, "pending"]]));
        const summary = await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(2).getTime() + AFTER_RUN_MS));
        assert.deepStrictEqual(summary.failedInstances, []);
        assert.strictEqual(summary.alerted, false);
        assert.deepStrictEqual(await alerts(emulator(), prod.config.alertTopicArn), []);
    });

    it("retention: real DeleteSnapshot removes exactly the old sets, through throttling, and nothing else", async () => {
        const runs = [];
        for (let night = 1; night <= 10; night++) {
            runs.push(await runWindow(clients, emulator(), prod.env, fleet, NIGHT(night)));
        }
        // Another tool's snapshot of a fleet volume, and a foreign fleet's set in the same environment, both old.
        await emulator().control("clock", { now: NIGHT(1).toISOString() });
        const other = await clients.ec2.send(
            new CreateSnapshotCommand({
                VolumeId: fleet[2].volumes[1].volumeId,
                Description: "Created by nightly-backup-tool",
                TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "Backup", Value: "prod" }] }],
            }),
        );
        const foreign = await clients.ec2.send(
            new CreateSnapshotCommand({
                VolumeId: fleet[0].volumes[0].volumeId,
                Description: "vss-fleet other/prod",
                TagSpecifications: [
                    {
                        ResourceType: "snapshot",
                        Tags: [
                            { Key: "vss-fleet:environment", Value: "prod" },
                            { Key: "vss-fleet:fleet", Value: "other" },
                            { Key: "vss-fleet:engine", Value: "aws-vss" },
                            { Key: "AwsVssConfig", Value: "AwsVssComponents=2.3.1;SnapshotSetId=foreign" },
                        ],
                    },
                ],
            }),
        );
        await clients.ec2.send(
            new CreateTagsCommand({ Resources: [foreign.SnapshotId ?? ""], Tags: [{ Key: "AppConsistent", Value: "true" }] }),
        );
        const before = await allSnapshots(clients.ec2);
        // Night 10 + 40 min: the 7-day cut-off is night 3 + 40 min, so the sets of nights 1-3 go (3 x 6 snapshots).
        const expected = runs.slice(0, 3).flatMap((r) => r.results.flatMap((x) => x.snapshotIds));
        assert.strictEqual(expected.length, 18);
        await emulator().control("faults", { throttle: [{ action: "DeleteSnapshot", nth: 2, times: 2 }] });
        const summary = await verifyRun(clients, prod.config, runs[9].windowExecutionId, new Date(NIGHT(10).getTime() + AFTER_RUN_MS));
        assert.strictEqual(summary.deletedSnapshots, 18);
        assert.strictEqual(summary.alerted, false);
        const after = await allSnapshots(clients.ec2);
        const gone = [...before.keys()].filter((id) => !after.has(id));
        assert.deepStrictEqual(gone.sort(), [...expected].sort());
        assert.ok(after.has(other.SnapshotId ?? "") && after.has(foreign.SnapshotId ?? ""), "other tools' and fleets' snapshots stay");
        const calls = await emulator().control<Record<string, number>>("calls");
        assert.strictEqual(calls.DeleteSnapshot, 20, "18 deletions and the 2 throttled attempts the SDK retried");
    });

    it("verify-run: this fleet's exact tags on another instance's snapshot, inside the run, are contradicted and alerted", async () => {
        // The database team's server: not tagged for the fleet, so the window never runs on it.
        const db = await launchWindows(clients.ec2, { name: "DB01", availabilityZone: "us-east-1a", tags: { Team: "db" }, dataVolumes: 0 });
        const run = await runWindow(clients, emulator(), prod.env, fleet, NIGHT(1));
        await emulator().control("clock", { now: new Date(NIGHT(1).getTime() + 5 * 60_000).toISOString() });
        await clients.ec2.send(
            new CreateSnapshotCommand({
                VolumeId: db.volumes[0].volumeId,
                Description: "vss-fleet acme/prod",
                TagSpecifications: [
                    {
                        ResourceType: "snapshot",
                        Tags: [
                            { Key: "vss-fleet:environment", Value: "prod" },
                            { Key: "vss-fleet:fleet", Value: "acme" },
                            { Key: "vss-fleet:engine", Value: "aws-vss" },
                            { Key: "AwsVssConfig", Value: "AwsVssComponents=2.3.1;SnapshotSetId=forged" },
                            { Key: "AppConsistent", Value: "true" },
                        ],
                    },
                ],
            }),
        );
        const summary = await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(1).getTime() + AFTER_RUN_MS));
        assert.deepStrictEqual(summary.failedInstances, []);
        assert.strictEqual(summary.alerted, true);
        const [alert] = await alerts(emulator(), prod.config.alertTopicArn);
        assert.ok(
            alert.message.includes(
                `  - the window's execution ${run.windowExecutionId} ran its command on 3 instance(s), not on ${db.instanceId}, so no run of ours took this set`,
            ),
            alert.message,
        );
        assert.doesNotMatch(alert.message, /by hand/);
        const window = [NIGHT(1), NIGHT(2)] as const;
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "ContradictedSets", ...window), 1);
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "UnprovenSets", ...window), 0);
    });

    it("tiered retention: the week's newest set in the environment's zone stays; the rest beyond `days` go", async () => {
        // Berlin in October is UTC+2: a run at 22:30 UTC is 00:30 the next day there, so the Sunday-night
        // run of October 11 (UTC) is Monday's, in ISO week 42, and week 41's newest is the run of October 10.
        const spec = environmentSpec("tiered", {
            targetTags: { Backup: "tiered" },
            scheduleTimezone: "Europe/Berlin",
            retention: { days: 2, minSets: 2, weekly: 2 },
        });
        const tiered = await deploy(clients, spec, FLEET);
        assert.deepStrictEqual(tiered.config.retention, { days: 2, minSets: 2, weekly: 2, timeZone: "Europe/Berlin" });
        const sql = await launchWindows(clients.ec2, {
            name: "SQL09",
            availabilityZone: "us-east-1a",
            tags: { Backup: "tiered" },
            dataVolumes: 0,
        });
        const runs = new Map<number, string[]>();
        let last = "";
        for (let day = 1; day <= 14; day++) {
            const run = await runWindow(clients, emulator(), tiered.env, [sql], new Date(Date.UTC(2026, 9, day, 22, 30)));
            runs.set(
                day,
                run.results.flatMap((r) => r.snapshotIds),
            );
            last = run.windowExecutionId;
        }
        const before = await allSnapshots(clients.ec2);
        const summary = await verifyRun(clients, tiered.config, last, new Date(Date.UTC(2026, 9, 14, 23, 10)));
        assert.strictEqual(summary.alerted, false);
        const after = await allSnapshots(clients.ec2);
        const gone = new Set([...before.keys()].filter((id) => !after.has(id)));
        // Kept: the 13th and 14th (minSets and `days`), and the 10th (week 41's newest in Berlin; in UTC it would be the 11th).
        const keptDays = [...runs].filter(([, ids]) => ids.every((id) => !gone.has(id))).map(([day]) => day);
        assert.deepStrictEqual(keptDays, [10, 13, 14]);
        assert.strictEqual(summary.deletedSnapshots, 11);
        assert.strictEqual(gone.size, 11, "only the tiered environment's sets went");
    });

    describe("restore drills", () => {
        /** A fake clock: sleeping advances it, so polls and deadlines run without waiting. */
        function fakeTiming(start: Date, onSleep: () => Promise<void> = async () => undefined): DrillTiming & { now: () => number } {
            let now = start.getTime();
            return {
                deadline: now + 780_000,
                cleanupDeadline: now + 880_000,
                pollMs: 5_000,
                clock: () => now,
                now: () => now,
                sleep: async (ms) => {
                    await onSleep();
                    now += ms;
                },
            };
        }

        it("restores the newest good set in the instance's zone, waits out eventual consistency, then deletes the volumes", async () => {
            for (let night = 1; night <= 2; night++) {
                await runWindow(clients, emulator(), prod.env, fleet, NIGHT(night));
            }
            const newest = (await allSnapshots(clients.ec2)).entries();
            const newestSet = [...newest].filter(([, s]) => s.tags.AwsVssConfig).map(([id]) => id);
            await emulator().control("faults", { hideVolumes: 2 });
            const seen: { zone?: string; snapshot?: string }[] = [];
            const timing = fakeTiming(new Date(NIGHT(2).getTime() + 3 * 3_600_000), async () => {
                seen.push(...(await drillVolumes(clients.ec2, "prod")).map((v) => ({ zone: v.AvailabilityZone, snapshot: v.SnapshotId })));
            });
            const summary = await drill(clients, { ...prod.config, drillInstancesPerRun: 1 }, timing);
            // Never drilled before: the rotation starts at the lowest instance id.
            const picked = [...fleet].sort((a, b) => a.instanceId.localeCompare(b.instanceId))[0];
            assert.deepStrictEqual(summary, {
                action: "drill",
                drilled: [{ instanceId: picked.instanceId, ok: true, durationSeconds: 10 }],
                sweptVolumes: 0,
                alerted: false,
            });
            assert.ok(seen.length >= picked.volumes.length, "the drill volumes existed while it waited");
            assert.ok(seen.every((v) => v.zone === picked.availabilityZone && newestSet.includes(v.snapshot ?? "")));
            assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), [], "no drill volume survives the drill");
            const stamped = [...(await allSnapshots(clients.ec2)).values()].filter((s) => s.tags[DRILLED_AT_TAG_KEY]);
            assert.strictEqual(stamped.length, picked.volumes.length, "the drilled set, and only it, is stamped");
            assert.ok(stamped.every((s) => s.tags[DRILL_RESULT_TAG_KEY] === "restored"));
        });

        it("a drill that crashes half way leaves tagged volumes; the next drill sweeps them once they are an hour old", async () => {
            await runWindow(clients, emulator(), prod.env, fleet, NIGHT(1));
            const crashAt = new Date(NIGHT(1).getTime() + 3 * 3_600_000);
            await emulator().control("clock", { now: crashAt.toISOString() });
            await emulator().control("faults", { hideVolumes: 5 });
            let crashes = 0;
            const crash = fakeTiming(crashAt, async () => {
                crashes++;
                throw new Error("Lambda timed out"); // the process dies while waiting for the volumes
            });
            await assert.rejects(drill(clients, { ...prod.config, drillInstancesPerRun: 3 }, crash), /Lambda timed out/);
            // Each of the three drills dies twice: waiting for its volumes, then waiting to clean them up.
            while (crashes < 6) {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            const left = await drillVolumes(clients.ec2, "prod");
            assert.strictEqual(left.length, 6, "one volume per snapshot of the three newest sets");
            assert.ok(left.every((v) => v.Tags?.some((t) => t.Key === DRILL_RUN_TAG_KEY && Boolean(t.Value))));
            await emulator().control("faults", {});

            // 59 minutes later the crashed drill's volumes could still be a running drill's: left alone.
            const early = await drill(
                clients,
                { ...prod.config, drillInstancesPerRun: 1 },
                fakeTiming(new Date(crashAt.getTime() + 59 * 60_000)),
            );
            assert.strictEqual(early.sweptVolumes, 0);
            assert.strictEqual((await drillVolumes(clients.ec2, "prod")).length, 6);

            const next = await drill(
                clients,
                { ...prod.config, drillInstancesPerRun: 1 },
                fakeTiming(new Date(crashAt.getTime() + 7 * 86_400_000)),
            );
            // The drill 59 minutes after the crash left the crashed drill's sets alone (their records name the
            // leftovers), so a week later every leftover is provably ours and swept.
            assert.strictEqual(next.sweptVolumes, 6);
            assert.strictEqual(next.alerted, false);
            assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), []);
        });
    });
});
