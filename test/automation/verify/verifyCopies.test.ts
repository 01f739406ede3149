import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, VERIFY_OFFLINE } from "../../helpers";

const OFFLINE = VERIFY_OFFLINE;

/** prod with a cross-region copy (default RPO 26 + 24 h) and a cross-account copy with its own RPO. */
function manifest(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-copies-")), "fleet.yaml");
    fs.writeFileSync(
        file,
        [
            "version: 1",
            "environments:",
            "  prod:",
            "    region: us-east-1",
            '    accountId: "111111111111"',
            "    targetTags: { Backup: prod }",
            "    volumeKmsKeyId: arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "    copies:",
            "      - { region: us-west-2, retention: { days: 35 } }",
            '      - { region: eu-west-1, accountId: "333333333333", kmsKeyId: alias/fleet-copies, retention: { days: 90 }, rpoHours: 72 }',
            "",
        ].join("\n"),
    );
    return file;
}

describe("vss-fleet verify with copies", () => {
    it("judges each destination's newest COMPLETE copied set against its own RPO, and counts half-copied sets", async () => {
        const { code, out } = await runCli("verify", manifest(), ...OFFLINE, "--copy-snapshots", "test/fixtures/lifecycle/copies.json");
        assert.strictEqual(code, 1);
        const lines = out.trimEnd().split("\n");
        assert.deepStrictEqual(lines.slice(lines.findIndex((l) => l.startsWith("  copies at"))), [
            "  copies at 111111111111/us-west-2 (RPO 50 h): 1 ok, 1 breach",
            "    ok     i-0a1b2c3d4e5f60001: newest complete copied set 24.5 h old (2026-11-27T07:30:04Z); 1 incomplete copied set(s)",
            "    BREACH i-0a1b2c3d4e5f60002: no complete copied set",
            "  copies at 333333333333/eu-west-1 (RPO 72 h): 0 ok, 2 breach",
            "    BREACH i-0a1b2c3d4e5f60001: no complete copied set; 1 incomplete copied set(s)",
            "    BREACH i-0a1b2c3d4e5f60002: no complete copied set",
            "  recycle bin: not checked (offline: pass --recycle-bin FILE)",
            "Summary: 2 instance(s) in 1 environment(s): 2 ok, 0 breach (prod: 2 ok, 0 breach); copied sets: 1 ok, 3 breach",
            "OK: every enrolled instance has a good set within its RPO.",
            "BREACH: 3 copied instance set(s) missing or older than the destination's RPO.",
        ]);
    });

    it("markdown: the copies' counts in the table, and each destination's breaches before any ok list", async () => {
        const { code, out } = await runCli(
            "verify",
            manifest(),
            ...OFFLINE,
            "--copy-snapshots",
            "test/fixtures/lifecycle/copies.json",
            "--format",
            "markdown",
        );
        assert.strictEqual(code, 1);
        const lines = out.split("\n");
        assert.deepStrictEqual(lines.slice(0, 7), [
            "### vss-fleet verify: BREACH",
            "",
            "1 of 1 environment(s) of the manifest verified at 2026-11-28T08:00:00Z: 2 ok, 0 breach; copied sets: 1 ok, 3 breach.",
            "",
            "| environment | RPO | instances | ok | breach | copies ok | copies breach |",
            "|---|---:|---:|---:|---:|---:|---:|",
            "| prod | 26 h | 2 | 2 | 0 | 1 | 3 |",
        ]);
        assert.deepStrictEqual(
            lines.filter((l) => l.startsWith("<details>")),
            [
                "<details><summary>prod: copies at 111111111111/us-west-2: 1 breach (RPO 50 h)</summary>",
                "<details><summary>prod: copies at 333333333333/eu-west-1: 2 breach (RPO 72 h)</summary>",
                "<details><summary>prod: 2 ok</summary>",
                "<details><summary>prod: copies at 111111111111/us-west-2: 1 ok</summary>",
            ],
        );
    });

    it("says that copies were not checked when no destination export was given, in text and JSON", async () => {
        const text = await runCli("verify", manifest(), ...OFFLINE);
        assert.strictEqual(text.code, 0);
        assert.match(
            text.out,
            /\n {2}copies not checked at 111111111111\/us-west-2, 333333333333\/eu-west-1: no --copy-snapshots file was given\n/,
        );
        const json = await runCli("verify", manifest(), ...OFFLINE, "--json");
        const [prod] = (JSON.parse(json.out) as { environments: { copies: unknown[]; copiesNotChecked: string }[] }).environments;
        assert.deepStrictEqual(prod.copies, []);
        assert.strictEqual(
            prod.copiesNotChecked,
            "copies not checked at 111111111111/us-west-2, 333333333333/eu-west-1: no --copy-snapshots file was given",
        );
    });
});
