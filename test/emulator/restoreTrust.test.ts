/**
 * Emulator tier: live `restore` (dry run) judges the sets exactly as live `verify` does. A night's
 * good set is restored; once one of its snapshots is retagged for another fleet (anyone with
 * ec2:CreateTags can), verify stops counting it and restore refuses it, by default and with --set.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateTagsCommand, DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { runCli } from "../helpers";
import { launchWindows, runWindow } from "./fleet";
import { DEFAULT_ACCOUNT, useEmulator } from "./server";
import { deploy, environmentSpec, functionClients } from "./world";

const NIGHT = new Date("2026-10-05T02:30:00Z");

describe("emulator: live restore trusts exactly the sets live verify trusts", function () {
    this.timeout(60_000);
    const { emulator } = useEmulator(this);
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-emulator-restore-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("restores verify's newest good set, and refuses it once a snapshot is tagged for another fleet", async () => {
        const clients = functionClients();
        const prod = await deploy(clients, environmentSpec("prod", { targetTags: { Backup: "prod" } }), "acme");
        await emulator().control("clock", { now: "2026-09-01T00:00:00Z" });
        const sql01 = await launchWindows(clients.ec2, {
            name: "SQL01",
            availabilityZone: "us-east-1a",
            tags: { Backup: "prod" },
            dataVolumes: 1,
        });
        await runWindow(clients, emulator(), prod.env, [sql01], NIGHT);
        const file = path.join(dir, "fleet.yaml");
        fs.writeFileSync(
            file,
            [
                "version: 1",
                "environments:",
                "  prod:",
                "    region: us-east-1",
                `    accountId: "${DEFAULT_ACCOUNT}"`,
                "    targetTags: { Backup: prod }",
                "",
            ].join("\n"),
        );
        // The fleet repository of project 'acme', whose name the deployment above wrote on the snapshots.
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: acme\nruntime: nodejs\nmain: stacks/index.ts\n");
        const at = ["--at", "2026-10-05T08:30:00Z", "--project-dir", dir];
        const verify = async () => {
            const result = await runCli("verify", file, ...at, "--json");
            const report = JSON.parse(result.out) as { environments: { instances: { newestGoodSet?: { key: string } }[] }[] };
            return report.environments[0].instances[0].newestGoodSet?.key;
        };
        const restore = (...extra: string[]) => runCli("restore", file, "--env", "prod", "--instance", sql01.instanceId, ...at, ...extra);

        const key = await verify();
        assert.ok(key, "verify counts the night's set as good");
        const planned = await restore("--json");
        assert.strictEqual(planned.code, 0, planned.err);
        assert.strictEqual((JSON.parse(planned.out) as { setKey: string }).setKey, key);

        const snapshots = await clients.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
        const member = (snapshots.Snapshots ?? []).find((s) => s.Tags?.some((t) => t.Value === key));
        assert.ok(member?.SnapshotId, "a snapshot of the set");
        await clients.ec2.send(
            new CreateTagsCommand({ Resources: [member.SnapshotId], Tags: [{ Key: "vss-fleet:fleet", Value: "other" }] }),
        );

        assert.strictEqual(await verify(), undefined, "verify no longer counts the set");
        const why = `verify does not trust this set (not trusted: ${member.SnapshotId} is tagged for fleet 'other', not 'acme'): its evidence contradicts that this environment's backup made it, so it is never restored; restore a set that 'vss-fleet verify' counts as good, and find out who wrote these snapshots or tags (docs/deletion-safety.md)`;
        const refused = await restore();
        assert.strictEqual(refused.code, 2);
        assert.strictEqual(
            refused.err.trim(),
            `${sql01.instanceId} has no good snapshot set at or before 2026-10-05T08:30:00.000Z; the newest, ${key}: ${why}`,
        );
        const named = await restore("--set", key);
        assert.strictEqual(named.code, 2);
        assert.strictEqual(named.err.trim(), `--set ${key}: ${why}`);
    });
});
