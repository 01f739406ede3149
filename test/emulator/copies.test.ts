/**
 * Emulator tier: the lifecycle function's copy path against a real AWS API (moto), with the
 * project's code unchanged: verify-run copies whole good sets to another region of the account and,
 * through STS AssumeRole of the copy-target role (moto's STS accepts any role and switches to its
 * account), to another account after sharing each snapshot with it. A set with a snapshot missing
 * is never copied; every copy carries the set's identity and its source snapshot id; retention at
 * each destination deletes whole copied sets and keeps at least minSets. moto lacks a cross-account
 * CopySnapshot of a shared snapshot: harness patch 9 (docs/testing-emulator.md).
 */
import * as assert from "assert";
import { DeleteSnapshotCommand, DescribeSnapshotAttributeCommand, DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { protectionConfig } from "../../core/lifecycle/functionConfig";
import { verifyRun } from "../../functions/lifecycle/actions";
import { destinationClients } from "../../functions/lifecycle/destinations";
import { launchWindows, runWindow, type RunOutcome, type SimInstance } from "./fleet";
import { DEFAULT_ACCOUNT, useEmulator } from "./server";
import { deploy, environmentSpec, functionClients, metricSum } from "./world";

const FLEET = "acme";
const VAULT = "333333333333";
const NIGHT = (n: number) => new Date(Date.UTC(2026, 9, n, 2, 30));
const AFTER_RUN_MS = 40 * 60_000;
const OPTIONS = { retryMode: "adaptive", maxAttempts: 8 };

interface Copy {
    readonly snapshotId: string;
    readonly tags: Record<string, string>;
}

/** The environment's copies in one account and region, read without the code under test. */
async function copiesIn(ec2: EC2Client): Promise<Copy[]> {
    const out = await ec2.send(
        new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "tag:vss-fleet:environment", Values: ["prod"] }] }),
    );
    return (out.Snapshots ?? []).map((s) => ({
        snapshotId: s.SnapshotId ?? "",
        tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    }));
}

/** source snapshot id -> night number, for every snapshot the runs made. */
function nightsOf(runs: ReadonlyMap<number, RunOutcome>): Map<string, number> {
    return new Map([...runs].flatMap(([night, run]) => run.results.flatMap((r) => r.snapshotIds.map((id) => [id, night] as const))));
}

/** Per instance name, the nights whose sets a destination holds (sorted), from the copies' source ids. */
function heldNights(
    copies: readonly Copy[],
    nights: ReadonlyMap<string, number>,
    names: ReadonlyMap<string, string>,
): Record<string, number[]> {
    const held: Record<string, Set<number>> = {};
    for (const copy of copies) {
        const name = names.get(copy.tags["vss-fleet:instance-id"]) ?? "?";
        (held[name] ??= new Set()).add(nights.get(copy.tags["vss-fleet:source-snapshot-id"]) ?? -1);
    }
    return Object.fromEntries(Object.entries(held).map(([name, set]) => [name, [...set].sort((a, b) => a - b)]));
}

describe("emulator: copies of whole good sets to another region and another account", function () {
    this.timeout(120_000);
    const { emulator } = useEmulator(this);

    it("copies only whole good sets, tags them with the set and the source, shares only with the vault, and keeps minSets at each destination", async () => {
        const clients = functionClients();
        await emulator().control("clock", { now: "2026-09-30T07:15:00Z" });
        const spec = environmentSpec("prod", {
            targetTags: { Backup: "prod" },
            volumeKmsKeyId: `arn:aws:kms:us-east-1:${DEFAULT_ACCOUNT}:key/11111111-1111-1111-1111-111111111111`,
            copies: [
                { region: "us-west-2", retention: { days: 1, minSets: 3 } },
                {
                    region: "eu-west-1",
                    accountId: VAULT,
                    kmsKeyId: `arn:aws:kms:eu-west-1:${VAULT}:key/33333333-3333-3333-3333-333333333333`,
                    retention: { days: 1, minSets: 3 },
                },
            ],
        });
        const deployed = await deploy(clients, spec, FLEET);
        const config = { ...deployed.config, protection: protectionConfig(spec) };
        const withCopies = {
            ...clients,
            destinationEc2: destinationClients(
                new STSClient(OPTIONS),
                { environment: "prod", sourceAccountId: DEFAULT_ACCOUNT, sourceRegion: "us-east-1" },
                OPTIONS,
            ),
        };
        const fleet: SimInstance[] = [
            await launchWindows(clients.ec2, { name: "SQL01", availabilityZone: "us-east-1a", tags: { Backup: "prod" }, dataVolumes: 0 }),
            await launchWindows(clients.ec2, { name: "FS01", availabilityZone: "us-east-1b", tags: { Backup: "prod" }, dataVolumes: 2 }),
        ];
        const names = new Map(fleet.map((i) => [i.instanceId, i.name]));
        const runs = new Map<number, RunOutcome>();
        for (let night = 1; night <= 5; night++) {
            const run = await runWindow(clients, emulator(), deployed.env, fleet, NIGHT(night));
            runs.set(night, run);
            if (night === 3) {
                // Half a set: one of FS01's three snapshots of night 3 is gone before the function runs.
                const fs01 = run.results.find((r) => r.instanceId === fleet[1].instanceId);
                await clients.ec2.send(new DeleteSnapshotCommand({ SnapshotId: fs01?.snapshotIds[2] }));
            }
            const summary = await verifyRun(withCopies, config, run.windowExecutionId, new Date(NIGHT(night).getTime() + AFTER_RUN_MS));
            assert.deepStrictEqual(summary.failedInstances, night === 3 ? [fleet[1].instanceId] : [], `night ${night}`);
        }

        const west = await copiesIn(new EC2Client({ ...OPTIONS, region: "us-west-2" }));
        const role = await new STSClient(OPTIONS).send(
            new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target`, RoleSessionName: "test" }),
        );
        const c = role.Credentials;
        const vaultEc2 = new EC2Client({
            ...OPTIONS,
            region: "eu-west-1",
            credentials: { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken },
        });
        const vault = await copiesIn(vaultEc2);
        const nights = nightsOf(runs);

        // Night 5's run deleted the oldest copied set of SQL01 at each destination (nights 1-4 were all
        // older than 1 day; minSets 3 kept 2-4) and started night 5's copies. FS01 never had night 3
        // copied, so 1, 2 and 4 are its 3 newest complete copied sets and none was deleted.
        const expected = { SQL01: [2, 3, 4, 5], FS01: [1, 2, 4, 5] };
        assert.deepStrictEqual(heldNights(west, nights, names), expected);
        assert.deepStrictEqual(heldNights(vault, nights, names), expected);
        // Whole sets: SQL01 has 1 volume, FS01 3; 4 + 12 copies at each destination.
        assert.strictEqual(west.length, 16);
        assert.strictEqual(vault.length, 16);

        for (const [where, copies] of [
            ["us-west-2", west],
            ["eu-west-1", vault],
        ] as const) {
            for (const copy of copies) {
                const source = copy.tags["vss-fleet:source-snapshot-id"];
                const night = nights.get(source) ?? -1;
                const result = runs.get(night)?.results.find((r) => r.snapshotIds.includes(source));
                assert.ok(result, `${where}: ${copy.snapshotId} names a source the runs made`);
                assert.deepStrictEqual(
                    {
                        environment: copy.tags["vss-fleet:environment"],
                        fleet: copy.tags["vss-fleet:fleet"],
                        instance: copy.tags["vss-fleet:instance-id"],
                        setKey: copy.tags["vss-fleet:set-key"],
                        setSize: copy.tags["vss-fleet:set-size"],
                        sourceRegion: copy.tags["vss-fleet:source-region"],
                        destination: copy.tags["vss-fleet:copy-destination"],
                    },
                    {
                        environment: "prod",
                        fleet: FLEET,
                        instance: result.instanceId,
                        setKey: result.setKey,
                        setSize: String(result.snapshotIds.length),
                        sourceRegion: "us-east-1",
                        destination: where === "us-west-2" ? `${DEFAULT_ACCOUNT}/us-west-2` : `${VAULT}/eu-west-1`,
                    },
                );
            }
        }

        // Every source snapshot that was copied to the vault is shared with the vault, and with no one else.
        const shared = new Set(vault.map((copy) => copy.tags["vss-fleet:source-snapshot-id"]));
        for (const snapshotId of shared) {
            const attribute = await clients.ec2.send(
                new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission" }),
            );
            assert.deepStrictEqual(attribute.CreateVolumePermissions, [{ UserId: VAULT }], snapshotId);
        }
        // The incomplete set's remaining snapshots were not shared either.
        const halfSet =
            runs
                .get(3)
                ?.results.find((r) => r.instanceId === fleet[1].instanceId)
                ?.snapshotIds.slice(0, 2) ?? [];
        for (const snapshotId of halfSet) {
            const attribute = await clients.ec2.send(
                new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: "createVolumePermission" }),
            );
            assert.deepStrictEqual(attribute.CreateVolumePermissions, [], snapshotId);
        }
    });

    it("queues what the region's copy quota refuses (ResourceLimitExceeded), without a failure, and completes the cut set on the next run", async () => {
        const clients = functionClients();
        await emulator().control("clock", { now: "2026-09-30T07:15:00Z" });
        const spec = environmentSpec("prod", {
            targetTags: { Backup: "prod" },
            copies: [{ region: "us-west-2", retention: { days: 30, minSets: 2 } }],
        });
        const deployed = await deploy(clients, spec, FLEET);
        const config = { ...deployed.config, protection: protectionConfig(spec) };
        const withCopies = {
            ...clients,
            destinationEc2: destinationClients(
                new STSClient(OPTIONS),
                { environment: "prod", sourceAccountId: DEFAULT_ACCOUNT, sourceRegion: "us-east-1" },
                OPTIONS,
            ),
        };
        const fleet = [
            await launchWindows(clients.ec2, { name: "SQL01", availabilityZone: "us-east-1a", tags: { Backup: "prod" }, dataVolumes: 0 }),
            await launchWindows(clients.ec2, { name: "FS01", availabilityZone: "us-east-1b", tags: { Backup: "prod" }, dataVolumes: 2 }),
        ];
        const westEc2 = new EC2Client({ ...OPTIONS, region: "us-west-2" });

        // Night 1: the account may have 2 copies in flight into us-west-2 (other copies fill the rest of AWS's 20).
        await emulator().control("faults", { copyQuota: 2, pendingCopies: true });
        const first = await runWindow(clients, emulator(), deployed.env, fleet, NIGHT(1));
        const one = await verifyRun(withCopies, config, first.windowExecutionId, new Date(NIGHT(1).getTime() + AFTER_RUN_MS));
        assert.deepStrictEqual([one.failedInstances, one.alerted], [[], false]);
        const inFlight = await copiesIn(westEc2);
        assert.strictEqual(inFlight.length, 2);
        assert.strictEqual(await metricSum(clients.cloudWatch, "prod", "CopiesQueuedSets", NIGHT(1), NIGHT(2)), 1);
        const attempts = (await emulator().control<Record<string, number>>("calls")).CopySnapshot;

        // The two copies complete; night 2 resumes the cut set, then copies the rest.
        await emulator().control("snapshot-state", { snapshotIds: inFlight.map((c) => c.snapshotId), state: "completed" });
        await emulator().control("faults", { copyQuota: 2 });
        const second = await runWindow(clients, emulator(), deployed.env, fleet, NIGHT(2));
        const two = await verifyRun(withCopies, config, second.windowExecutionId, new Date(NIGHT(2).getTime() + AFTER_RUN_MS));
        assert.deepStrictEqual([two.failedInstances, two.alerted], [[], false]);

        const copies = await copiesIn(westEc2);
        const sources = [...first.results, ...second.results].flatMap((r) => r.snapshotIds).sort();
        // Each of the 8 source snapshots copied exactly once: the refused one was tried again, nothing twice.
        assert.deepStrictEqual(copies.map((c) => c.tags["vss-fleet:source-snapshot-id"]).sort(), sources);
        // Night 1 tried 3 copies (the third refused); night 2 the 2 left of night 1 and the 4 of night 2.
        assert.strictEqual(attempts, 3);
        assert.strictEqual((await emulator().control<Record<string, number>>("calls")).CopySnapshot, 3 + 6);
    });
});
