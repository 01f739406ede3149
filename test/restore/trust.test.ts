/**
 * restore restores only what verify counts as good: the same judged sets (verdicts.ts judgedSets), so
 * a set one of whose snapshots is tagged for another fleet is refused by default and with --set, with
 * verify's reason and what to do. Run as users run it: the CLI over exported JSON.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers";

const INSTANCE = "i-0a1b2c3d4e5f60001";
const SET = "AwsVssComponents=2.4.1;SnapshotSetId={11111111-1111-1111-1111-111111111111}";

interface Snapshot {
    SnapshotId: string;
    Tags?: { Key: string; Value: string }[];
}

describe("restore trusts exactly the sets verify trusts", function () {
    this.timeout(60_000);
    let dir: string;
    let offline: string[];

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-restore-trust-"));
        const exported = JSON.parse(fs.readFileSync("test/fixtures/lifecycle/snapshots.json", "utf8")) as { Snapshots: Snapshot[] };
        // One snapshot of the set retagged for another fleet: anyone with ec2:CreateTags can do that.
        const forged = exported.Snapshots.find((s) => s.SnapshotId === "snap-0a000000000001002");
        const tag = forged?.Tags?.find((t) => t.Key === "vss-fleet:fleet");
        assert.ok(tag, "the fixture has the snapshot and its fleet tag");
        tag.Value = "acme";
        fs.writeFileSync(path.join(dir, "snapshots.json"), JSON.stringify(exported));
        offline = [
            "--offline",
            "--inventory",
            "examples/inventory.json",
            "--volumes",
            "test/fixtures/lifecycle/volumes.json",
            "--snapshots",
            path.join(dir, "snapshots.json"),
        ];
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const restore = (...extra: string[]) =>
        runCli("restore", "examples/fleet.yaml", "--env", "prod", "--instance", INSTANCE, ...offline, ...extra);
    const WHY =
        "verify does not trust this set (not trusted: snap-0a000000000001002 is tagged for fleet 'acme', not 'vss-fleet'): its evidence contradicts that this environment's backup made it, so it is never restored; restore a set that 'vss-fleet verify' counts as good, and find out who wrote these snapshots or tags (docs/deletion-safety.md)";

    it("verify counts no good set for the instance at that time", async () => {
        const verify = await runCli("verify", "examples/fleet.yaml", "--env", "prod", ...offline, "--at", "2026-11-27T08:00:00Z", "--json");
        const report = JSON.parse(verify.out) as {
            environments: { instances: { instanceId: string; newestGoodSet?: unknown; untrustedSets: { key: string }[] }[] }[];
        };
        const row = report.environments[0].instances.find((i) => i.instanceId === INSTANCE);
        assert.strictEqual(row?.newestGoodSet, undefined);
        assert.deepStrictEqual(
            row?.untrustedSets.map((s) => s.key),
            [SET],
        );
    });

    it("by default: refused, with verify's reason, exit 2", async () => {
        const result = await restore("--at", "2026-11-27T08:00:00Z");
        assert.strictEqual(result.code, 2);
        assert.strictEqual(
            result.err.trim(),
            `${INSTANCE} has no good snapshot set at or before 2026-11-27T08:00:00.000Z; the newest, ${SET}: ${WHY}`,
        );
        assert.strictEqual(result.out, "");
    });

    it("with --set: refused, and --accept-unproven does not let a contradicted set through", async () => {
        for (const extra of [[], ["--accept-unproven"]]) {
            const result = await restore("--set", SET, ...extra);
            assert.strictEqual(result.code, 2);
            assert.strictEqual(result.err.trim(), `--set ${SET}: ${WHY}`);
        }
    });

    it("a set verify cannot prove (its instance no longer enrolled) needs --accept-unproven", async () => {
        const inventory = JSON.parse(fs.readFileSync("examples/inventory.json", "utf8")) as {
            Reservations: { Instances: { InstanceId: string; Tags?: unknown[] }[] }[];
        };
        // Untagged, the instance is no longer one the environment targets: its sets are unproven, not contradicted.
        for (const i of inventory.Reservations.flatMap((r) => r.Instances).filter((i) => i.InstanceId === INSTANCE)) {
            i.Tags = [];
        }
        const file = path.join(dir, "inventory.json");
        fs.writeFileSync(file, JSON.stringify(inventory));
        const args = ["restore", "examples/fleet.yaml", "--env", "prod", "--instance", INSTANCE, "--offline", "--inventory", file];
        const exports = ["--volumes", "test/fixtures/lifecycle/volumes.json", "--snapshots", "test/fixtures/lifecycle/snapshots.json"];
        const refused = await runCli(...args, ...exports, "--set", SET);
        assert.strictEqual(refused.code, 2);
        assert.strictEqual(
            refused.err.trim(),
            `--set ${SET}: verify cannot prove this set is this environment's (not trusted: ${INSTANCE} is not an instance this environment targets, so nothing proves the set is this fleet's: it is kept, never deleted, and counted in UnprovenSets); check its snapshots, then run again with --accept-unproven to restore it`,
        );
        const accepted = await runCli(...args, ...exports, "--set", SET, "--accept-unproven", "--json");
        assert.strictEqual(accepted.code, 0, accepted.err);
        assert.strictEqual((JSON.parse(accepted.out) as { setKey: string }).setKey, SET);
    });

    it("the untouched exports still restore that set", async () => {
        const result = await runCli(
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            INSTANCE,
            ...offline.slice(0, -1),
            "test/fixtures/lifecycle/snapshots.json",
            "--set",
            SET,
            "--json",
        );
        assert.strictEqual(result.code, 0, result.err);
        assert.strictEqual((JSON.parse(result.out) as { setKey: string }).setKey, SET);
    });
});
