/**
 * `verify --json` lists every good set per instance as a restore point: its time, engine, the
 * retention tiers that keep it, its storage tier and the destinations holding a complete copy.
 */
import * as assert from "assert";
import { verifyText } from "../../../automation/verify/render";
import { verifyEnvironment } from "../../../automation/verify/verdicts";
import type { CopiedSnapshot } from "../../../core/lifecycle/copies";
import type { Attachment, SnapshotRecord } from "../../../core/lifecycle/sets";
import { specOf } from "../../helpers";

const NOW = new Date("2026-11-28T08:00:00Z");
const SQL = "i-0a1b2c3d4e5f60001";
const attachments: Attachment[] = [
    { volumeId: "vol-root", instanceId: SQL, device: "/dev/sda1", attachTime: new Date("2026-01-01T00:00:00Z") },
    { volumeId: "vol-data", instanceId: SQL, device: "xvdf", attachTime: new Date("2026-01-01T00:00:00Z") },
];

function run(key: string, iso: string, opts: { broken?: boolean; tiers?: [string, string] } = {}): SnapshotRecord[] {
    return attachments.map((a, i) => ({
        snapshotId: `snap-${key}-${i}`,
        volumeId: a.volumeId,
        startTime: new Date(iso),
        state: opts.broken && i === 1 ? "error" : "completed",
        description: "vss-fleet vss-fleet/prod",
        storageTier: opts.tiers?.[i] ?? "standard",
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": "vss-fleet",
            "vss-fleet:engine": "aws-vss",
            AwsVssConfig: key,
            AppConsistent: "true",
        },
    }));
}

describe("verify: every good set is a restore point", () => {
    it("lists each good set newest first, with engine, tiers, storage and complete copies; bad sets are not listed", () => {
        const spec = specOf({
            targetTags: { Backup: "prod" },
            scheduleTimezone: "Europe/Berlin",
            retention: { days: 7, minSets: 1, monthly: 2 },
            copies: [{ region: "us-west-2", retention: { days: 30 } }],
        });
        const copy = (key: string, i: number, state = "completed"): CopiedSnapshot => ({
            snapshotId: `snap-copy-${key}-${i}`,
            sourceSnapshotId: `snap-${key}-${i}`,
            setKey: key,
            instanceId: SQL,
            setSize: 2,
            setStart: new Date(0),
            state,
            tags: {},
        });
        const verdict = verifyEnvironment(
            { spec, instances: [], scopeTags: {}, exemptions: [] },
            {
                inventory: [
                    { instanceId: SQL, accountId: "111111111111", region: "us-east-1", platform: "windows", tags: { Backup: "prod" } },
                ],
                attachments,
                snapshots: [
                    ...run("nov-27", "2026-11-27T03:00:00Z"),
                    ...run("nov-26-bad", "2026-11-26T03:00:00Z", { broken: true }),
                    // 00:00 on November 1 in Berlin: November's, not October's.
                    ...run("nov-01", "2026-10-31T23:00:00Z"),
                    ...run("oct-31", "2026-10-31T22:59:00Z", { tiers: ["archive", "archive"] }),
                    ...run("oct-15", "2026-10-15T03:00:00Z", { tiers: ["archive", "standard"] }),
                ],
                // nov-27 copied whole; oct-31 only half done.
                copies: new Map([
                    ["111111111111/us-west-2", [copy("nov-27", 0), copy("nov-27", 1), copy("oct-31", 0), copy("oct-31", 1, "pending")]],
                ]),
            },
            NOW,
        );
        assert.deepStrictEqual(verdict.instances[0].goodSets, [
            {
                key: "nov-27",
                startTime: "2026-11-27T03:00:00.000Z",
                engine: "aws-vss",
                tiers: ["newest of month 2026-11"],
                storage: "standard",
                copies: ["111111111111/us-west-2"],
            },
            { key: "nov-01", startTime: "2026-10-31T23:00:00.000Z", engine: "aws-vss", tiers: [], storage: "standard", copies: [] },
            {
                key: "oct-31",
                startTime: "2026-10-31T22:59:00.000Z",
                engine: "aws-vss",
                tiers: ["newest of month 2026-10"],
                storage: "archive",
                copies: [],
            },
            { key: "oct-15", startTime: "2026-10-15T03:00:00.000Z", engine: "aws-vss", tiers: [], storage: "partly archived", copies: [] },
        ]);
    });

    it("says 'not read' for storage when the export carries no StorageTier", () => {
        const spec = specOf({ targetTags: { Backup: "prod" } });
        const snapshots = run("k", "2026-11-27T03:00:00Z").map(({ storageTier: _, ...s }) => s);
        const verdict = verifyEnvironment(
            { spec, instances: [], scopeTags: {}, exemptions: [] },
            {
                inventory: [
                    { instanceId: SQL, accountId: "111111111111", region: "us-east-1", platform: "windows", tags: { Backup: "prod" } },
                ],
                attachments,
                snapshots,
            },
            NOW,
        );
        assert.deepStrictEqual(
            verdict.instances[0].goodSets.map((g) => [g.key, g.storage, g.tiers, g.copies]),
            [["k", "not read", [], []]],
        );
    });
});

describe("verify: snapshots nothing ties to an instance are listed", () => {
    it("a copy with the fleet's tags (CopySnapshot's placeholder volume) is listed as untied; none, no field", () => {
        const spec = specOf({ targetTags: { Backup: "prod" } });
        const inventory = [
            { instanceId: SQL, accountId: "111111111111", region: "us-east-1", platform: "windows", tags: { Backup: "prod" } },
        ];
        const [copied] = run("copied", "2026-11-20T03:00:00Z");
        const env = { spec, instances: [], scopeTags: {}, exemptions: [] };
        const snapshots = [...run("k", "2026-11-27T03:00:00Z"), { ...copied, snapshotId: "snap-copy", volumeId: "vol-ffffffff" }];
        const verdict = verifyEnvironment(env, { inventory, attachments, snapshots }, NOW);
        assert.deepStrictEqual(verdict.untiedSnapshots, ["snap-copy"]);
        assert.ok(
            verifyText([verdict], { at: NOW, environmentsInManifest: 1 }).includes(
                "  1 snapshot(s) carry this environment's tags and a set id but nothing ties them to an instance " +
                    "(copies, or snapshots of volumes since deleted); never deleted: snap-copy",
            ),
        );
        assert.ok(!("untiedSnapshots" in verifyEnvironment(env, { inventory, attachments, snapshots: snapshots.slice(0, 2) }, NOW)));
    });
});
