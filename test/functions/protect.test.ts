import * as assert from "assert";
import {
    CopySnapshotCommand,
    DeleteSnapshotCommand,
    DescribeLockedSnapshotsCommand,
    DescribeSnapshotsCommand,
    DescribeSnapshotTierStatusCommand,
    EC2Client,
    LockSnapshotCommand,
    ModifySnapshotAttributeCommand,
    ModifySnapshotTierCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { functionEnvironment, protectionConfig, readConfig } from "../../core/lifecycle/functionConfig";
import type { CopyDestination } from "../../core/lifecycle/copies";
import { applyProtection, protectedRetention, readProtectionState, type Protection } from "../../functions/lifecycle/protect";
import { byInstance, NOW, OWNER, set } from "../core/lifecycle/setFixtures";

// One mock per client instance: the source account, a destination region, and another account.
const sourceClient = new EC2Client({ region: "us-east-1" });
const westClient = new EC2Client({ region: "us-west-2" });
const otherClient = new EC2Client({ region: "eu-west-1" });
const source = mockClient(sourceClient);
const west = mockClient(westClient);
const otherAccount = mockClient(otherClient);

const WEST: CopyDestination = { region: "us-west-2", retention: { days: 35, minSets: 2 } };
const OTHER: CopyDestination = {
    region: "eu-west-1",
    accountId: "333333333333",
    kmsKeyId: "arn:aws:kms:eu-west-1:333333333333:key/k",
    retention: { days: 90, minSets: 3 },
};

function context() {
    return {
        ec2: sourceClient,
        destinationEc2: (d: CopyDestination) => (d.accountId ? otherClient : westClient),
        owner: OWNER,
        sourceRegion: "us-east-1",
        sourceAccountId: "111111111111",
    };
}

describe("the function's copies, locks and archive", () => {
    beforeEach(() => {
        for (const m of [source, west, otherAccount]) {
            m.reset();
        }
        source.on(DescribeLockedSnapshotsCommand).resolves({ Snapshots: [] });
        source.on(DescribeSnapshotTierStatusCommand).resolves({ SnapshotTierStatuses: [] });
        west.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        otherAccount.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    });

    it("reads locks and tiers only for the environment's snapshots, and keeps locked and archive sets from retention", async () => {
        source.on(DescribeLockedSnapshotsCommand).resolves({
            Snapshots: [{ SnapshotId: "snap-old-1", LockState: "governance", LockExpiresOn: new Date("2027-01-01T00:00:00Z") }],
        });
        const sets = byInstance(set("new", 1), set("old", 40), set("older", 50));
        const protection: Protection = { lock: { mode: "governance", durationDays: 30, newestSets: 1 } };
        const state = await readProtectionState(sourceClient, protection, sets);
        assert.deepStrictEqual(source.commandCalls(DescribeLockedSnapshotsCommand)[0].args[0].input.SnapshotIds, [
            "snap-new-0",
            "snap-new-1",
            "snap-old-0",
            "snap-old-1",
            "snap-older-0",
            "snap-older-1",
        ]);
        assert.strictEqual(source.commandCalls(DescribeSnapshotTierStatusCommand).length, 0, "no archive: no tier reads");
        const deletions = [
            {
                instanceId: "i-1",
                setKey: "old",
                startTime: "",
                snapshotIds: ["snap-old-0", "snap-old-1"],
                reason: "good set older than 30 days",
            },
            {
                instanceId: "i-1",
                setKey: "older",
                startTime: "",
                snapshotIds: ["snap-older-0", "snap-older-1"],
                reason: "good set older than 30 days",
            },
        ];
        const result = protectedRetention(deletions, protection, state, sets, OWNER, NOW);
        assert.deepStrictEqual(
            result.deletions.map((d) => d.setKey),
            ["older"],
        );
        assert.deepStrictEqual(
            result.keptByLock.map((d) => d.setKey),
            ["old"],
        );
    });

    it("locks the newest good set whole, archives a month's first set, and reports a failed lock without stopping", async () => {
        // aws-sdk-client-mock: the general answer first, the one for a given input after it.
        source.on(LockSnapshotCommand).resolves({});
        source
            .on(LockSnapshotCommand, { SnapshotId: "snap-new-1" })
            .rejects(Object.assign(new Error("denied"), { name: "UnauthorizedOperation" }));
        source.on(ModifySnapshotTierCommand).resolves({});
        const sets = byInstance(set("new", 1), set("oct", 0, { start: new Date("2026-10-01T02:00:00Z") }));
        const protection: Protection = {
            lock: { mode: "compliance", durationDays: 14, newestSets: 1, coolOffHours: 24 },
            archive: { every: "month", afterDays: 30, keepMonths: 12 },
        };
        const state = await readProtectionState(sourceClient, protection, sets);
        const outcome = await applyProtection(context(), protection, state, sets, NOW);
        assert.deepStrictEqual(
            source.commandCalls(LockSnapshotCommand).map((c) => c.args[0].input),
            [
                { SnapshotId: "snap-new-0", LockMode: "compliance", LockDuration: 14, CoolOffPeriod: 24 },
                { SnapshotId: "snap-new-1", LockMode: "compliance", LockDuration: 14, CoolOffPeriod: 24 },
            ],
        );
        assert.deepStrictEqual(
            source.commandCalls(ModifySnapshotTierCommand).map((c) => c.args[0].input),
            [
                { SnapshotId: "snap-oct-0", StorageTier: "archive" },
                { SnapshotId: "snap-oct-1", StorageTier: "archive" },
            ],
        );
        assert.deepStrictEqual(outcome.failures, [
            { subject: "lock of i-1's set new", reasons: ["locking snap-new-1 failed (UnauthorizedOperation: denied)"] },
        ]);
        assert.deepStrictEqual(
            outcome.metrics.map((m) => [m.MetricName, m.Value]),
            [
                ["LockedSnapshots", 1],
                ["ArchivedSnapshots", 2],
                ["ArchiveExpiredSnapshots", 0],
            ],
        );
    });

    it("copies a good set whole to the region, shares it before copying to another account, and never copies a partly foreign set", async () => {
        west.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-copy" });
        otherAccount.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-copy" });
        source.on(ModifySnapshotAttributeCommand).resolves({});
        const sets = byInstance(set("new", 1), set("foreign", 0.5, { foreign: 1, instanceId: "i-2" }));
        const outcome = await applyProtection(context(), { copies: [WEST, OTHER] }, { locks: new Map(), tiers: new Map() }, sets, NOW);
        assert.deepStrictEqual(outcome.failures, []);
        const westCalls = west.commandCalls(CopySnapshotCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual(
            westCalls.map((i) => [i.SourceRegion, i.SourceSnapshotId, i.Encrypted, i.KmsKeyId]),
            [
                ["us-east-1", "snap-new-0", undefined, undefined],
                ["us-east-1", "snap-new-1", undefined, undefined],
            ],
        );
        assert.deepStrictEqual(
            westCalls[0].TagSpecifications?.[0].Tags?.find((t) => t.Key === "vss-fleet:set-size"),
            { Key: "vss-fleet:set-size", Value: "2" },
        );
        assert.deepStrictEqual(
            source.commandCalls(ModifySnapshotAttributeCommand).map((c) => c.args[0].input),
            ["snap-new-0", "snap-new-1"].map((id) => ({
                SnapshotId: id,
                Attribute: "createVolumePermission",
                OperationType: "add",
                UserIds: ["333333333333"],
            })),
        );
        assert.deepStrictEqual(
            otherAccount
                .commandCalls(CopySnapshotCommand)
                .map((c) => [c.args[0].input.SourceSnapshotId, c.args[0].input.Encrypted, c.args[0].input.KmsKeyId]),
            [
                ["snap-new-0", true, "arn:aws:kms:eu-west-1:333333333333:key/k"],
                ["snap-new-1", true, "arn:aws:kms:eu-west-1:333333333333:key/k"],
            ],
        );
    });

    it("stops a set at its first failed copy (the next run resumes it) and keeps copying other sets", async () => {
        west.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-copy" });
        west.on(CopySnapshotCommand, { SourceSnapshotId: "snap-b-0" }).rejects(
            Object.assign(new Error("the snapshot is not completed"), { name: "IncorrectState" }),
        );
        const sets = byInstance(set("b", 1), set("a", 2));
        const outcome = await applyProtection(context(), { copies: [WEST] }, { locks: new Map(), tiers: new Map() }, sets, NOW);
        assert.deepStrictEqual(
            west.commandCalls(CopySnapshotCommand).map((c) => c.args[0].input.SourceSnapshotId),
            ["snap-b-0", "snap-a-0", "snap-a-1"],
        );
        assert.deepStrictEqual(
            outcome.failures.map((f) => f.subject),
            ["copy of i-1's set b to 111111111111/us-west-2"],
        );
    });

    it("queues, without a failure, what AWS refuses for the region's copy quota, and starts nothing more there this run", async () => {
        west.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-copy" });
        // The account's quota is full after one more copy (another environment's copies count too).
        west.on(CopySnapshotCommand, { SourceSnapshotId: "snap-a-1" }).rejects(
            Object.assign(new Error("too many concurrent copies"), { name: "ResourceLimitExceeded" }),
        );
        const sets = byInstance(set("b", 1), set("a", 2), set("c", 3));
        const outcome = await applyProtection(context(), { copies: [WEST] }, { locks: new Map(), tiers: new Map() }, sets, NOW);
        // Newest first: b whole, a half (resumed first next run), c not tried.
        assert.deepStrictEqual(
            west.commandCalls(CopySnapshotCommand).map((c) => c.args[0].input.SourceSnapshotId),
            ["snap-b-0", "snap-b-1", "snap-a-0", "snap-a-1"],
        );
        assert.deepStrictEqual(outcome.failures, []);
        assert.deepStrictEqual(
            outcome.metrics.filter((m) => m.MetricName?.startsWith("Copies")),
            [
                { MetricName: "CopiesStarted", Value: 3, Unit: "Count" },
                { MetricName: "CopiesQueuedSets", Value: 2, Unit: "Count" },
            ],
        );
    });

    it("applies set-aware retention at the destination to complete copied sets only", async () => {
        const tag = (k: string, v: string) => ({ Key: k, Value: v });
        const copyOf = (id: string, key: string, start: string, state = "completed") => ({
            SnapshotId: `copy-${id}`,
            State: state as "completed",
            Description: `vss-fleet copy of ${id} (set ${key})`,
            Tags: [
                tag("vss-fleet:environment", "prod"),
                tag("vss-fleet:fleet", "acme"),
                tag("vss-fleet:instance-id", "i-1"),
                tag("vss-fleet:set-key", key),
                tag("vss-fleet:set-size", "2"),
                tag("vss-fleet:set-start", start),
                tag("vss-fleet:source-snapshot-id", id),
            ],
        });
        west.on(DescribeSnapshotsCommand).resolves({
            Snapshots: [
                copyOf("n0", "n", "2026-11-27T08:00:00Z"),
                copyOf("n1", "n", "2026-11-27T08:00:00Z"),
                copyOf("m0", "m", "2026-11-26T08:00:00Z"),
                copyOf("m1", "m", "2026-11-26T08:00:00Z"),
                copyOf("o0", "o", "2026-09-01T08:00:00Z"),
                copyOf("o1", "o", "2026-09-01T08:00:00Z"),
                // Unknown to the fleet: no set tags. Never touched.
                { SnapshotId: "snap-someone-elses", State: "completed", Tags: [tag("vss-fleet:environment", "prod")] },
                // Someone else's old snapshot with every copy tag forged (ec2:CreateTags in the
                // destination), but not the description our CopySnapshot wrote: never touched.
                { ...copyOf("f0", "f", "2026-08-01T08:00:00Z"), SnapshotId: "snap-database-team", Description: "nightly db dump" },
                { ...copyOf("f1", "f", "2026-08-01T08:00:00Z"), SnapshotId: "snap-database-team-2", Description: undefined },
            ],
        });
        west.on(DeleteSnapshotCommand).resolves({});
        await applyProtection(context(), { copies: [WEST] }, { locks: new Map(), tiers: new Map() }, new Map(), NOW);
        assert.deepStrictEqual(
            west.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId),
            ["copy-o0", "copy-o1"],
        );
    });

    it("carries the protection settings through the function's environment variables", () => {
        const protection = protectionConfig({
            accountId: "111111111111",
            copies: [OTHER],
            lock: { mode: "governance", durationDays: 7, withinDays: 3 },
        });
        assert.deepStrictEqual(protectionConfig({ accountId: "111111111111" }), undefined);
        const config = {
            environment: "prod",
            fleet: "acme",
            targetTags: { Backup: "prod", Tier: "db" },
            rpoHours: 26,
            excludeBootVolume: false,
            alertTopicArn: "arn:aws:sns:us-east-1:111111111111:t",
            windowId: "mw-0c50858d01abc0123",
            protection,
        };
        const variables = functionEnvironment(config);
        assert.strictEqual(
            variables.VSS_FLEET_PROTECTION,
            '{"sourceAccountId":"111111111111","copies":[{"region":"eu-west-1","accountId":"333333333333","kmsKeyId":"arn:aws:kms:eu-west-1:333333333333:key/k","retention":{"days":90,"minSets":3}}],"lock":{"mode":"governance","durationDays":7,"withinDays":3}}',
        );
        assert.deepStrictEqual(readConfig(variables), config);
    });
});
