/**
 * Emulator tier: a crashed restore drill followed by a week of nightly runs with retention, then the
 * next weekly drill. A drill restores the newest good set, and its proof of the volumes it made is a
 * record on the snapshots it restored. With retention.days = 7 and a weekly drill, retention deletes
 * that set (and with it the record) on the night before the next drill; the leftovers must be swept
 * before that, or no drill can ever prove them ours again.
 */
import * as assert from "assert";
import { drill, verifyRun } from "../../functions/lifecycle/actions";
import type { DrillTiming } from "../../functions/lifecycle/drill";
import { launchWindows, runWindow, type RunOutcome, type SimInstance } from "./fleet";
import { useEmulator } from "./server";
import { alerts, allSnapshots, deploy, drillVolumes, environmentSpec, functionClients, metricSum, type Deployed } from "./world";

const NIGHT = (n: number, hours = 2, minutes = 30) => new Date(Date.UTC(2026, 9, n, hours, minutes));
const AFTER_RUN_MS = 40 * 60_000;

/** A clock that moves only when the drill sleeps; `onSleep` may throw (the Lambda dying mid-wait). */
function fakeTiming(start: Date, onSleep: () => void = () => undefined): DrillTiming {
    let now = start.getTime();
    return {
        deadline: now + 780_000,
        cleanupDeadline: now + 880_000,
        pollMs: 5_000,
        clock: () => now,
        sleep: async (ms) => {
            onSleep();
            now += ms;
        },
    };
}

describe("emulator: a crashed drill, a week of retention, and the next drill", function () {
    this.timeout(120_000);
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
            restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: 2 },
        });
        prod = await deploy(clients, spec, "acme");
        fleet = [
            await launchWindows(clients.ec2, { name: "SQL01", availabilityZone: "us-east-1a", tags: { Backup: "prod" }, dataVolumes: 0 }),
            await launchWindows(clients.ec2, { name: "FS01", availabilityZone: "us-east-1b", tags: { Backup: "prod" }, dataVolumes: 2 }),
        ];
    });

    async function night(n: number): Promise<RunOutcome> {
        const run = await runWindow(clients, emulator(), prod.env, fleet, NIGHT(n));
        const summary = await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(n).getTime() + AFTER_RUN_MS));
        assert.strictEqual(summary.alerted, false, `night ${n}: verify-run alerted`);
        return run;
    }

    it("the leftovers are swept by the next verify-run, before retention deletes the sets that prove them ours", async () => {
        const first = await night(1);
        const restored = first.results.flatMap((r) => r.snapshotIds).sort();
        assert.strictEqual(restored.length, 4, "SQL01's one volume and FS01's three");

        // Sunday 06:00: both drills die while waiting for their volumes, then again while cleaning up.
        await emulator().control("clock", { now: NIGHT(1, 6, 0).toISOString() });
        await emulator().control("faults", { hideVolumes: 3 });
        let crashes = 0;
        const crash = fakeTiming(NIGHT(1, 6, 0), () => {
            crashes++;
            throw new Error("Lambda timed out");
        });
        await assert.rejects(drill(clients, prod.config, crash), /Lambda timed out/);
        while (crashes < 4) {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await emulator().control("faults", {});
        const left = await drillVolumes(clients.ec2, "prod");
        assert.deepStrictEqual(left.map((v) => v.SnapshotId).sort(), restored, "one leftover per restored snapshot");

        // Night 2, 03:10: the leftovers are 21 hours old; the verify-run sweeps them first.
        await night(2);
        assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), [], "night 2: the crashed drill's volumes are swept");
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "DrillSweptVolumes", NIGHT(1, 0), NIGHT(3, 0)), 4);

        for (let n = 3; n <= 8; n++) {
            await night(n);
        }
        // Night 8, 03:10: night 1's sets are 7 days and 39 minutes old, so retention has deleted them.
        const snapshots = await allSnapshots(clients.ec2);
        assert.deepStrictEqual(
            restored.filter((id) => snapshots.has(id)),
            [],
            "night 8: retention deleted the sets the crashed drill restored",
        );

        await emulator().control("clock", { now: NIGHT(8, 6, 0).toISOString() });
        const next = await drill(clients, prod.config, fakeTiming(NIGHT(8, 6, 0)));
        assert.deepStrictEqual(
            { drilled: next.drilled.map((d) => d.ok), sweptVolumes: next.sweptVolumes, alerted: next.alerted },
            { drilled: [true, true], sweptVolumes: 0, alerted: false },
        );
        assert.deepStrictEqual(await alerts(emulator(), prod.config.alertTopicArn), []);
        assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), []);
    });
});
