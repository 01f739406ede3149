/**
 * Emulator tier: a simulated month of a fleet. 22 Windows instances in two environments (aws-vss and
 * diskshadow engines, 1-4 volumes each), 30 nightly window runs in which the harness plays the SSM
 * agent, faults injected on chosen nights, and after each run the lifecycle function as it runs in
 * the account (verify-run after each window; drills on Sundays). Every night the invariants below are
 * checked against the emulator's state, which the harness tracks in its own ledger, never through the
 * code under test.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateSnapshotCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { drill, verifyRun } from "../../functions/lifecycle/actions";
import type { DrillTiming } from "../../functions/lifecycle/drill";
import { runCli } from "../helpers";
import {
    addVolume,
    detachVolume,
    launchWindows,
    runDocument,
    runWindow,
    type AgentFault,
    type SimEnvironment,
    type SimInstance,
} from "./fleet";
import { DEFAULT_ACCOUNT, useEmulator } from "./server";
import { alerts, deploy, drillVolumes, environmentSpec, functionClients, type Deployed } from "./world";

const FLEET = "acme";
const DAY_MS = 86_400_000;
const FIRST_NIGHT = Date.UTC(2026, 9, 1); // 1 October 2026, 00:00 UTC
const at = (night: number, hours: number, minutes = 0) => new Date(FIRST_NIGHT + (night - 1) * DAY_MS + (hours * 60 + minutes) * 60_000);

const ENVIRONMENTS = {
    prod: { engine: "aws-vss", targetTags: { Backup: "prod" }, retention: { days: 7, minSets: 3 }, drills: 2, windowHour: 2, count: 12 },
    plant: {
        engine: "diskshadow",
        targetTags: { Backup: "plant" },
        retention: { days: 5, minSets: 2 },
        drills: 1,
        windowHour: 3,
        count: 10,
    },
} as const;
type EnvName = keyof typeof ENVIRONMENTS;
const ENV_NAMES = Object.keys(ENVIRONMENTS) as EnvName[];
const DRILL_NIGHTS = new Set([7, 14, 21, 28]);
// The drill that crashes half way (night 14, prod) leaves its volumes. The next night's verify-run
// sweeps them before retention can delete the sets whose records prove them ours (night 21, a week
// later, is too late: retention deletes night 14's sets at 03:10 on night 21, before the 06:00 drill).
const CRASHED_DRILL = { night: 14, env: "prod" as EnvName };

/** One snapshot set the agent made for our fleet, as the harness knows it. */
interface LedgerSet {
    readonly env: EnvName;
    readonly instanceId: string;
    readonly night: number;
    readonly snapshotIds: string[];
    readonly volumeIds: string[];
    good: boolean;
}

interface NightReport {
    night: number;
    made: Record<EnvName, number>;
    deleted: Record<EnvName, number>;
    breaches: string[];
    alerts: string[];
    events: string[];
}

function manifest(): string {
    const lines = ["version: 1", "environments:"];
    for (const name of ENV_NAMES) {
        const e = ENVIRONMENTS[name];
        lines.push(
            `  ${name}:`,
            "    region: us-east-1",
            `    accountId: "${DEFAULT_ACCOUNT}"`,
            `    engine: ${e.engine}`,
            `    targetTags: { Backup: ${e.targetTags.Backup} }`,
            `    retention: { days: ${e.retention.days}, minSets: ${e.retention.minSets} }`,
            `    restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: ${e.drills} }`,
        );
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vss-month-")), "fleet.yaml");
    fs.writeFileSync(file, lines.join("\n") + "\n");
    // The fleet's project: its name is the fleet tag verify judges by.
    fs.writeFileSync(path.join(path.dirname(file), "Pulumi.yaml"), `name: ${FLEET}\nruntime: nodejs\n`);
    return file;
}

interface VerifyJson {
    environments: {
        name: string;
        instances: { instanceId: string; rpoBreached: boolean }[];
        retention?: { wouldDelete: { snapshotIds: string[] }[] };
    }[];
}

/** Instances the function names as beyond the RPO (or without any good set) in an alert message. */
function rpoBreachesIn(message: string): string[] {
    const out: string[] = [];
    let subject = "";
    for (const line of message.split("\n")) {
        if (/^i-[0-9a-f]+/.test(line)) {
            subject = line.split(" ")[0];
        } else if (/it has no good snapshot set at all|beyond the RPO/.test(line)) {
            out.push(subject);
        }
    }
    return out;
}

function fakeTiming(start: Date, onSleep: () => Promise<void> = async () => undefined): DrillTiming {
    let now = start.getTime();
    return {
        deadline: now + 780_000,
        cleanupDeadline: now + 880_000,
        pollMs: 5_000,
        clock: () => now,
        sleep: async (ms) => {
            await onSleep();
            now += ms;
        },
    };
}

describe("emulator: a simulated month of a 22-instance fleet", function () {
    this.timeout(600_000); // about a minute on an idle 2-core machine; far longer when it is shared
    const { emulator } = useEmulator(this);
    let file = "";
    before(() => (file = manifest()));
    after(() => file && fs.rmSync(path.dirname(file), { recursive: true, force: true }));

    it("keeps every invariant on every one of 30 nights", async () => {
        const clients = functionClients();
        const em = emulator();
        await em.control("clock", { now: at(0, 12).toISOString() });

        // --- the estate: our two environments, a foreign fleet of the same environment name, another tool
        const deployed = {} as Record<EnvName, Deployed>;
        const fleet = {} as Record<EnvName, SimInstance[]>;
        const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
        for (const name of ENV_NAMES) {
            const e = ENVIRONMENTS[name];
            const spec = environmentSpec(name, {
                engine: e.engine,
                targetTags: e.targetTags,
                retention: e.retention,
                restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: e.drills },
            });
            deployed[name] = await deploy(clients, spec, FLEET);
            fleet[name] = [];
            for (let i = 0; i < e.count; i++) {
                fleet[name].push(
                    await launchWindows(clients.ec2, {
                        name: `${name.toUpperCase()}${String(i + 1).padStart(2, "0")}`,
                        availabilityZone: zones[i % 3],
                        tags: e.targetTags,
                        dataVolumes: i % 4,
                    }),
                );
            }
        }
        const foreignEnv: SimEnvironment = {
            ...deployed.prod.env,
            fleet: "other",
            tags: { ...deployed.prod.env.tags, "vss-fleet:fleet": "other" },
            description: "vss-fleet other/prod",
        };
        const foreignFleet = [
            await launchWindows(clients.ec2, {
                name: "OTHER01",
                availabilityZone: "us-east-1a",
                tags: { Backup: "other" },
                dataVolumes: 1,
            }),
            await launchWindows(clients.ec2, {
                name: "OTHER02",
                availabilityZone: "us-east-1b",
                tags: { Backup: "other" },
                dataVolumes: 0,
            }),
        ];
        const [p3, p7, p8, p11] = [2, 6, 7, 10].map((i) => fleet.prod[i]);
        const [d2, d5] = [1, 4].map((i) => fleet.plant[i]);

        // --- the faults, by night
        const runFaults: Record<number, Partial<Record<EnvName, Map<string, AgentFault>>>> = {
            5: { prod: new Map([[p3.instanceId, "fail"]]) },
            6: { prod: new Map([[p3.instanceId, "fail"]]) },
            9: { plant: new Map([[d2.instanceId, "pending"]]) },
            24: { plant: new Map([[d5.instanceId, "fail"]]) },
        };
        /** The verify-run alerts the faults must cause, exactly: night -> environment -> instances. */
        const expectedFailures: Record<number, Partial<Record<EnvName, string[]>>> = {
            5: { prod: [p3.instanceId] },
            6: { prod: [p3.instanceId] },
            24: { plant: [d5.instanceId] },
        };
        const expectedBreaches: Record<number, string[]> = { 6: [p3.instanceId] };

        const ledger: LedgerSet[] = [];
        const notOurs = new Set<string>();
        const terminated = new Set<string>();
        /** Every snapshot made and not yet deleted, by the ledger (the emulator's own list is checked against it). */
        const existing = new Set<string>();
        const reports: NightReport[] = [];
        let leftoverDrillVolumes = 0;

        for (let night = 1; night <= 30; night++) {
            const report: NightReport = {
                night,
                made: { prod: 0, plant: 0 },
                deleted: { prod: 0, plant: 0 },
                breaches: [],
                alerts: [],
                events: [],
            };
            reports.push(report);
            await em.control("clock", { now: at(night, 1).toISOString() });
            if (night === 12) {
                await addVolume(clients.ec2, p7);
                report.events.push(`volume added to ${p7.name}`);
            }
            if (night === 15) {
                await detachVolume(clients.ec2, p8, p8.volumes[p8.volumes.length - 1].volumeId);
                report.events.push(`volume detached from ${p8.name}`);
            }
            if (night === 18) {
                await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [p11.instanceId] }));
                terminated.add(p11.instanceId);
                report.events.push(`${p11.name} terminated`);
            }
            if (night === 20) {
                await em.control("faults", { throttle: [{ action: "DeleteSnapshot", nth: 1, times: 3 }] });
                report.events.push("DeleteSnapshot throttled");
            }
            for (const [env, faults] of Object.entries(runFaults[night] ?? {})) {
                for (const [id, fault] of faults) {
                    report.events.push(`${env} ${fault} on ${[...fleet.prod, ...fleet.plant].find((i) => i.instanceId === id)?.name}`);
                }
            }

            // --- the window runs, each followed by the function's verify-run task
            for (const name of ENV_NAMES) {
                const { env, config } = deployed[name];
                const start = at(night, ENVIRONMENTS[name].windowHour, 30);
                const faults = runFaults[night]?.[name] ?? new Map<string, AgentFault>();
                const targets = fleet[name].filter((i) => !terminated.has(i.instanceId));
                const run = await runWindow(clients, em, env, targets, start, faults);
                for (const result of run.results.filter((r) => r.snapshotIds.length > 0)) {
                    result.snapshotIds.forEach((id) => existing.add(id));
                    ledger.push({
                        env: name,
                        instanceId: result.instanceId,
                        night,
                        snapshotIds: result.snapshotIds,
                        volumeIds: result.volumeIds,
                        good: !faults.has(result.instanceId),
                    });
                    report.made[name]++;
                }
                if (name === "prod") {
                    // Another tool's nightly snapshots of three fleet volumes, and the foreign fleet's own sets.
                    for (const instance of fleet.prod.slice(0, 3)) {
                        const other = await clients.ec2.send(
                            new CreateSnapshotCommand({
                                VolumeId: instance.volumes[0].volumeId,
                                Description: "Created by nightly-backup-tool",
                                TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "Backup", Value: "nightly-tool" }] }],
                            }),
                        );
                        notOurs.add(other.SnapshotId ?? "");
                        existing.add(other.SnapshotId ?? "");
                    }
                    for (const instance of foreignFleet) {
                        (await runDocument(clients.ec2, foreignEnv, instance, undefined, em)).snapshotIds.forEach((id) => {
                            notOurs.add(id);
                            existing.add(id);
                        });
                    }
                }
                if (night === 11 && name === "plant") {
                    const held = ledger.filter((s) => s.night === 9 && s.instanceId === d2.instanceId);
                    await em.control("snapshot-state", { snapshotIds: held.flatMap((s) => s.snapshotIds), state: "completed" });
                    held.forEach((s) => (s.good = true));
                    report.events.push(`${d2.name}'s pending set completed`);
                }

                const now = new Date(start.getTime() + 40 * 60_000);
                const verify = await runCli(
                    "verify",
                    file,
                    "--env",
                    name,
                    "--at",
                    now.toISOString(),
                    "--project-dir",
                    path.dirname(file),
                    "--json",
                );
                const verdict = (JSON.parse(verify.out) as VerifyJson).environments[0];
                const alertsBefore = (await alerts(em, config.alertTopicArn)).length;
                const summary = await verifyRun(clients, config, run.windowExecutionId, now);
                const after = new Set(await em.control<string[]>("snapshot-ids", { region: "us-east-1" }));
                // The crashed drill's volumes, a day old and provably ours, are gone after the next verify-run.
                if (leftoverDrillVolumes > 0 && name === CRASHED_DRILL.env) {
                    assert.deepStrictEqual(await drillVolumes(clients.ec2, name), [], `night ${night} ${name}: drill leftovers`);
                    report.events.push(`${name} verify-run swept ${leftoverDrillVolumes} drill leftovers`);
                    leftoverDrillVolumes = 0;
                }
                const sent = (await alerts(em, config.alertTopicArn)).slice(alertsBefore);

                // Alerts fired exactly for the injected faults.
                const expected = expectedFailures[night]?.[name] ?? [];
                assert.deepStrictEqual(summary.failedInstances, expected, `night ${night} ${name}: failed instances`);
                assert.strictEqual(sent.length, expected.length > 0 ? 1 : 0, `night ${night} ${name}: alerts`);
                report.alerts.push(
                    ...sent.map(() => `${name}: ${expected.map((id) => fleet[name].find((i) => i.instanceId === id)?.name).join(",")}`),
                );

                // verify and the function agree on every breach, and on what retention deletes.
                const verifyBreaches = verdict.instances.filter((i) => i.rpoBreached).map((i) => i.instanceId);
                const functionBreaches = sent.flatMap((a) => rpoBreachesIn(a.message));
                assert.deepStrictEqual(verifyBreaches.sort(), [...functionBreaches].sort(), `night ${night} ${name}: breaches`);
                assert.deepStrictEqual(
                    verifyBreaches,
                    name === "prod" ? (expectedBreaches[night] ?? []) : [],
                    `night ${night} ${name}: expected breaches`,
                );
                report.breaches.push(...verifyBreaches.map((id) => fleet[name].find((i) => i.instanceId === id)?.name ?? id));
                const deleted = [...existing].filter((id) => !after.has(id)).sort();
                deleted.forEach((id) => existing.delete(id));
                const planned = (verdict.retention?.wouldDelete ?? []).flatMap((d) => d.snapshotIds).sort();
                assert.deepStrictEqual(deleted, planned, `night ${night} ${name}: verify's retention dry run is what the function deleted`);
                assert.strictEqual(summary.deletedSnapshots, deleted.length);
                report.deleted[name] = deleted.length;

                // No snapshot that is not wholly the fleet's is ever deleted; our sets go whole.
                for (const id of deleted) {
                    assert.ok(!notOurs.has(id), `night ${night}: deleted ${id}, which is not the fleet's`);
                    const set = ledger.find((s) => s.snapshotIds.includes(id));
                    assert.ok(set && set.env === name, `night ${night}: deleted ${id}, which no ${name} set of ours holds`);
                }
                for (const set of ledger.filter((s) => s.env === name)) {
                    const left = set.snapshotIds.filter((id) => after.has(id));
                    if (left.length > 0 && left.length < set.snapshotIds.length) {
                        // The only partial set allowed: an aws-vss snapshot of a volume since detached,
                        // which no instance claims any more (the function cannot tie it to a set).
                        const leftVolumes = set.volumeIds.filter((_, i) => after.has(set.snapshotIds[i]));
                        const attached = new Set(fleet[name].flatMap((i) => i.volumes.map((v) => v.volumeId)));
                        assert.ok(
                            leftVolumes.every((v) => !attached.has(v)),
                            `night ${night}: a ${name} set was deleted in part: ${left.join(", ")}`,
                        );
                    }
                }
                assert.ok(
                    [...notOurs].every((id) => after.has(id)),
                    `night ${night}: another tool's or fleet's snapshot is gone`,
                );

                // Every enrolled instance keeps at least minSets good sets (or all it has had so far).
                const minSets = ENVIRONMENTS[name].retention.minSets;
                for (const instance of fleet[name].filter((i) => !terminated.has(i.instanceId))) {
                    const good = ledger.filter((s) => s.instanceId === instance.instanceId && s.good);
                    const kept = good.filter((s) => s.snapshotIds.every((id) => after.has(id)));
                    assert.ok(
                        kept.length >= Math.min(minSets, good.length),
                        `night ${night}: ${instance.name} keeps ${kept.length} good sets of ${good.length}`,
                    );
                }
            }
            if (night === 20) {
                await em.control("faults", {});
            }

            // --- Sunday drills: real volumes from real snapshots, gone when the drill completes
            if (DRILL_NIGHTS.has(night)) {
                for (const name of ENV_NAMES) {
                    const start = at(night, 6);
                    await em.control("clock", { now: start.toISOString() });
                    const crash = night === CRASHED_DRILL.night && name === CRASHED_DRILL.env;
                    // Every new volume is invisible to its first DescribeVolumes (eventual consistency);
                    // the crashing drill's stay invisible long enough for it to die waiting, twice.
                    await em.control("faults", { hideVolumes: crash ? 3 : 1 });
                    let crashes = 0;
                    const timing = fakeTiming(start, async () => {
                        if (crash) {
                            crashes++;
                            throw new Error("Lambda timed out");
                        }
                    });
                    const config = deployed[name].config;
                    if (crash) {
                        await assert.rejects(drill(clients, config, timing), /Lambda timed out/);
                        while (crashes < 2 * ENVIRONMENTS[name].drills) {
                            await new Promise((resolve) => setTimeout(resolve, 20));
                        }
                        leftoverDrillVolumes = (await drillVolumes(clients.ec2, name)).length;
                        assert.ok(leftoverDrillVolumes > 0, "the crashed drill left its volumes");
                        report.events.push(`${name} drill crashed, ${leftoverDrillVolumes} volumes left`);
                    } else {
                        const summary = await drill(clients, config, timing);
                        assert.strictEqual(summary.alerted, false, `night ${night} ${name}: drill alerted`);
                        assert.ok(summary.drilled.length === ENVIRONMENTS[name].drills && summary.drilled.every((d) => d.ok));
                        assert.deepStrictEqual(
                            await drillVolumes(clients.ec2, name),
                            [],
                            `night ${night} ${name}: a drill volume survived`,
                        );
                        assert.strictEqual(
                            summary.sweptVolumes,
                            0,
                            `night ${night} ${name}: the verify-runs left the drill nothing to sweep`,
                        );
                        report.events.push(`${name} drill ok`);
                    }
                    await em.control("faults", {});
                }
            }
        }

        // --- the one-screen summary
        const kept = new Set(await em.control<string[]>("snapshot-ids", { region: "us-east-1" }));
        const ours = ledger.filter((s) => s.snapshotIds.every((id) => kept.has(id)));
        const lines = [
            "night | prod made/deleted | plant made/deleted | breaches | alerts | events",
            ...reports.map((r) =>
                [
                    String(r.night).padStart(5),
                    `${r.made.prod}/${r.deleted.prod}`.padStart(17),
                    `${r.made.plant}/${r.deleted.plant}`.padStart(18),
                    (r.breaches.join(",") || "-").padEnd(8),
                    (r.alerts.join(";") || "-").padEnd(6),
                    r.events.join("; "),
                ].join(" | "),
            ),
            `sets made ${ledger.length}, kept whole ${ours.length}; snapshots deleted ${reports.reduce((n, r) => n + r.deleted.prod + r.deleted.plant, 0)}; ` +
                `other tools'/fleets' snapshots kept ${[...notOurs].filter((id) => kept.has(id)).length}/${notOurs.size}`,
        ];
        console.log(lines.map((l) => `      ${l}`).join("\n"));
        assert.deepStrictEqual(await drillVolumes(clients.ec2, "prod"), []);
    });
});
