import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeInstancesCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ListRulesCommand, RbinClient } from "@aws-sdk/client-rbin";
import { mockClient } from "aws-sdk-client-mock";
import { describeAttachments, describeEnvironmentSnapshots } from "../../../core/lifecycle/awsShapes";
import { runCli, VERIFY_OFFLINE } from "../../helpers";

const OFFLINE = VERIFY_OFFLINE;

const run = runCli;

/** examples/fleet.yaml's prod environment without its listed file server, in a temporary file. */
function healthyManifest(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-")), "fleet.yaml");
    fs.writeFileSync(
        file,
        'version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: prod }\n',
    );
    return file;
}

describe("vss-fleet verify", () => {
    it("with retention, lists what the lifecycle function would delete now (a dry run), whole sets only", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-")), "fleet.yaml");
        fs.writeFileSync(
            file,
            'version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n' +
                "    targetTags: { Backup: prod }\n    retention: { days: 30, minSets: 1 }\n",
        );
        const offline = OFFLINE.map((a) => (a === "2026-11-28T08:00:00Z" ? "2027-01-10T00:00:00Z" : a));
        const { out } = await run("verify", file, ...offline, "--json");
        const [prod] = (JSON.parse(out) as { environments: { retention: { days: number; minSets: number; wouldDelete: unknown[] } }[] })
            .environments;
        // sql-prod-01 keeps its one good set and loses the old bad one; files-prod-01 has no good set, so keeps all.
        assert.deepStrictEqual(prod.retention, {
            days: 30,
            minSets: 1,
            withheld: [],
            wouldDelete: [
                {
                    instanceId: "i-0a1b2c3d4e5f60001",
                    setKey: "AwsVssComponents=2.4.1;SnapshotSetId={22222222-2222-2222-2222-222222222222}",
                    startTime: "2026-11-28T07:30:05.000Z",
                    snapshotIds: ["snap-0a000000000002001", "snap-0a000000000002002"],
                    reason: "bad set older than 30 days",
                },
            ],
        });
        const text = await run("verify", file, ...offline);
        assert.match(text.out, /retention \(30 days, at least 1 good sets\): would delete 1 set\(s\), 2 snapshot\(s\)/);
        assert.match(
            text.out,
            /- i-0a1b2c3d4e5f60001 set of 2026-11-28T07:30:05.000Z \(bad set older than 30 days\): snap-0a000000000002001, snap-0a000000000002002/,
        );
    });

    it("reports, per enrolled instance, the newest good set, the newest set's problems and RPO breaches (exit 1)", async () => {
        const { code, out } = await run("verify", "examples/fleet.yaml", "--env", "prod", ...OFFLINE, "--json");
        assert.strictEqual(code, 1);
        const report = JSON.parse(out) as {
            ok: boolean;
            environments: { name: string; rpoHours: number; instances: Record<string, unknown>[] }[];
        };
        assert.strictEqual(report.ok, false);
        const [prod] = report.environments;
        assert.strictEqual(prod.rpoHours, 26);
        assert.deepStrictEqual(prod.instances, [
            {
                instanceId: "i-0a1b2c3d4e5f60001",
                name: "sql-prod-01",
                newestGoodSet: {
                    key: "AwsVssComponents=2.4.1;SnapshotSetId={11111111-1111-1111-1111-111111111111}",
                    startTime: "2026-11-27T07:30:04.000Z",
                    ageHours: 24.5,
                    snapshotIds: ["snap-0a000000000001001", "snap-0a000000000001002"],
                },
                goodSets: [
                    {
                        key: "AwsVssComponents=2.4.1;SnapshotSetId={11111111-1111-1111-1111-111111111111}",
                        startTime: "2026-11-27T07:30:04.000Z",
                        engine: "aws-vss",
                        tiers: [],
                        storage: "standard",
                        copies: [],
                    },
                ],
                newestSetProblems: ["snap-0a000000000002002 (vol-0a00000000000a002) is error", "no snapshot of vol-0a00000000000a003"],
                inconsistentSets: 1,
                untrustedSets: [],
                rpoBreached: false,
            },
            {
                instanceId: "i-0a1b2c3d4e5f60002",
                name: "ad-prod-01",
                newestGoodSet: {
                    key: "AwsVssComponents=2.4.1;SnapshotSetId={33333333-3333-3333-3333-333333333333}",
                    startTime: "2026-11-28T07:31:10.000Z",
                    ageHours: 0.5,
                    snapshotIds: ["snap-0b000000000001001"],
                },
                goodSets: [
                    {
                        key: "AwsVssComponents=2.4.1;SnapshotSetId={33333333-3333-3333-3333-333333333333}",
                        startTime: "2026-11-28T07:31:10.000Z",
                        engine: "aws-vss",
                        tiers: [],
                        storage: "standard",
                        copies: [],
                    },
                ],
                newestSetProblems: [],
                inconsistentSets: 0,
                untrustedSets: [],
                rpoBreached: false,
            },
            {
                instanceId: "i-0a1b2c3d4e5f60003",
                name: "files-prod-01",
                goodSets: [],
                newestSetProblems: ["no snapshot of vol-0c00000000000c002"],
                inconsistentSets: 1,
                untrustedSets: [],
                rpoBreached: true,
            },
        ]);
    });

    it("breaches the RPO once the newest good set is older than rpoHours", async () => {
        const { out } = await run(
            "verify",
            "examples/fleet.yaml",
            "--env",
            "prod",
            ...OFFLINE.slice(0, -1),
            "2026-11-28T10:00:00Z",
            "--json",
        );
        const sql = (JSON.parse(out) as { environments: { instances: { instanceId: string; rpoBreached: boolean }[] }[] }).environments[0]
            .instances[0];
        assert.deepStrictEqual([sql.instanceId, sql.rpoBreached], ["i-0a1b2c3d4e5f60001", true], "26.5 h > 26 h");
    });

    it("prints a readable report: counts per environment, ages beside their ISO UTC times, a summary that adds up", async () => {
        const { out } = await run("verify", "examples/fleet.yaml", "--env", "prod", ...OFFLINE);
        assert.deepStrictEqual(out.trimEnd().split("\n"), [
            "1 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z:",
            "prod (RPO 26 h): 2 ok, 1 breach",
            "  ok     i-0a1b2c3d4e5f60001 (sql-prod-01): newest good set 24.5 h old (2026-11-27T07:30:04Z); 1 bad set(s)",
            "         newest set: snap-0a000000000002002 (vol-0a00000000000a002) is error",
            "         newest set: no snapshot of vol-0a00000000000a003",
            "  ok     i-0a1b2c3d4e5f60002 (ad-prod-01): newest good set 0.5 h old (2026-11-28T07:31:10Z)",
            "  BREACH i-0a1b2c3d4e5f60003 (files-prod-01): no good set; 1 bad set(s)",
            "         newest set: no snapshot of vol-0c00000000000c002",
            "  retention (35 days, at least 7 good sets): would delete 0 set(s), 0 snapshot(s)",
            "  recycle bin: not checked (offline: pass --recycle-bin FILE)",
            "Summary: 3 instance(s) in 1 environment(s): 2 ok, 1 breach (prod: 2 ok, 1 breach)",
            "BREACH: 1 instance(s) without a good set within the RPO.",
        ]);
    });

    it("--only-failures hides the ok rows, says how many, and keeps every count", async () => {
        const { code, out } = await run("verify", "examples/fleet.yaml", ...OFFLINE, "--only-failures");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(out.trimEnd().split("\n"), [
            "2 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z:",
            "prod (RPO 26 h): 2 ok, 1 breach",
            "  BREACH i-0a1b2c3d4e5f60003 (files-prod-01): no good set; 1 bad set(s)",
            "         newest set: no snapshot of vol-0c00000000000c002",
            "  (2 ok not listed: --only-failures)",
            "  retention (35 days, at least 7 good sets): would delete 0 set(s), 0 snapshot(s)",
            "  recycle bin: not checked (offline: pass --recycle-bin FILE)",
            "dev (RPO 26 h): 0 ok, 2 breach",
            "  BREACH i-0b1b2c3d4e5f60001 (sql-dev-01): no good set",
            "  BREACH i-0b1b2c3d4e5f60002 (build-dev-01): no good set",
            "  recycle bin: not checked (offline: pass --recycle-bin FILE)",
            "Summary: 5 instance(s) in 2 environment(s): 2 ok, 3 breach (prod: 2 ok, 1 breach; dev: 0 ok, 2 breach)",
            "BREACH: 3 instance(s) without a good set within the RPO.",
        ]);
    });

    it("--json carries the time judged at and the counts, per environment and in total, beside every instance", async () => {
        const { out } = await run("verify", "examples/fleet.yaml", ...OFFLINE, "--only-failures", "--json");
        const report = JSON.parse(out) as {
            at: string;
            counts: unknown;
            environments: { name: string; counts: unknown; instances: unknown[] }[];
        };
        assert.strictEqual(report.at, "2026-11-28T08:00:00.000Z");
        assert.deepStrictEqual(report.counts, { instances: 5, ok: 2, breach: 3, copies: { ok: 0, breach: 0 } });
        assert.deepStrictEqual(
            report.environments.map((e) => [e.name, e.counts, e.instances.length]),
            [
                ["prod", { instances: 3, ok: 2, breach: 1, copies: { ok: 0, breach: 0 } }, 3],
                ["dev", { instances: 2, ok: 0, breach: 2, copies: { ok: 0, breach: 0 } }, 2],
            ],
            "--json keeps the ok rows even with --only-failures",
        );
    });

    it("--format markdown: a count table and the breaches in <details> blocks; --json and --format exclude each other", async () => {
        const { code, out } = await run("verify", "examples/fleet.yaml", "--env", "dev", ...OFFLINE, "--format", "markdown");
        assert.strictEqual(code, 1);
        assert.strictEqual(
            out,
            [
                "### vss-fleet verify: BREACH",
                "",
                "1 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z: 0 ok, 2 breach.",
                "",
                "| environment | RPO | instances | ok | breach |",
                "|---|---:|---:|---:|---:|",
                "| dev | 26 h | 2 | 0 | 2 |",
                "",
                "- dev: recycle bin: not checked (offline: pass --recycle-bin FILE)",
                "",
                "<details><summary>dev: 2 breach (RPO 26 h)</summary>",
                "",
                "- i-0b1b2c3d4e5f60001 (sql-dev-01): no good set",
                "- i-0b1b2c3d4e5f60002 (build-dev-01): no good set",
                "",
                "</details>",
                "",
            ].join("\n"),
        );
        const both = await run("verify", "examples/fleet.yaml", ...OFFLINE, "--format", "markdown", "--json");
        assert.strictEqual(both.code, 2);
    });

    it("exit 0 when every enrolled instance has a good set within its RPO", async () => {
        // The example minus the listed file server (the only instance without a good set).
        const { code, out } = await run("verify", healthyManifest(), ...OFFLINE);
        assert.strictEqual(code, 0, out);
        assert.match(out, /\nOK: every enrolled instance has a good set within its RPO\.\n$/);
        assert.doesNotMatch(out, /BREACH/);
    });

    it("exit 1 for an environment whose instances have no snapshots at all", async () => {
        const { code, out } = await run("verify", "examples/fleet.yaml", "--env", "dev", ...OFFLINE);
        assert.strictEqual(code, 1);
        assert.match(out, /BREACH: 2 instance\(s\)/);
    });

    for (const [what, argv, message] of [
        [
            "missing input files",
            ["--offline", "--inventory", "examples/inventory.json"],
            /^verify --offline needs --volumes FILE, --snapshots FILE$/m,
        ],
        [
            "a file of the wrong command",
            [
                "--offline",
                "--inventory",
                "examples/inventory.json",
                "--volumes",
                "examples/inventory.json",
                "--snapshots",
                "test/fixtures/lifecycle/snapshots.json",
            ],
            /examples\/inventory\.json:1:1: Volumes: expected array/,
        ],
        ["a bad --at", [...OFFLINE.slice(0, -1), "yesterday"], /--at yesterday: not a time/],
    ] as const) {
        it(`exit 2 for ${what}`, async () => {
            const { code, out, err } = await run("verify", "examples/fleet.yaml", ...argv);
            assert.strictEqual(code, 2, err);
            assert.strictEqual(out, "");
            assert.match(err, message);
        });
    }
});

describe("verify's live reads (EC2, paginated and filtered)", () => {
    // Created in before(), not in the describe body: a mock made at load time is undone by another
    // file's restore() before these tests run.
    const mockEc2 = () => mockClient(EC2Client);
    let ec2: ReturnType<typeof mockEc2>;
    // client-rbin comes from an older SDK line than the mock's types (see package.json): cast, same runtime.
    let rbin: ReturnType<typeof mockClient>;
    before(() => {
        ec2 = mockEc2();
        rbin = mockClient(RbinClient as never);
    });
    afterEach(() => {
        ec2.reset();
        rbin.reset();
    });
    after(() => {
        ec2.restore();
        rbin.restore();
    });

    it("verify without --offline reads EC2 and reaches the same verdicts as the offline files", async () => {
        const fixture = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
        const instances = fixture("examples/inventory.json") as { Reservations: { OwnerId: string }[] };
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: instances.Reservations.filter((r) => r.OwnerId === "111111111111"),
        } as never);
        ec2.on(DescribeVolumesCommand).resolves(fixture("test/fixtures/lifecycle/volumes.json"));
        ec2.on(DescribeSnapshotsCommand).resolves(fixture("test/fixtures/lifecycle/snapshots.json"));
        rbin.on(ListRulesCommand as never).resolves(fixture("test/fixtures/lifecycle/rbin-rules.json"));
        const live = await run("verify", "examples/fleet.yaml", "--env", "prod", "--at", "2026-11-28T08:00:00Z", "--json");
        const offline = await run(
            "verify",
            "examples/fleet.yaml",
            "--env",
            "prod",
            ...OFFLINE,
            "--recycle-bin",
            "test/fixtures/lifecycle/rbin-rules.json",
            "--json",
        );
        assert.strictEqual(live.code, 1, live.err);
        assert.deepStrictEqual(JSON.parse(live.out), JSON.parse(offline.out));
        assert.deepStrictEqual(JSON.parse(JSON.stringify(rbin.commandCalls(ListRulesCommand as never)[0].args[0].input)), {
            ResourceType: "EBS_SNAPSHOT",
            ResourceTags: [{ ResourceTagKey: "vss-fleet:environment", ResourceTagValue: "prod" }],
        });
        assert.deepStrictEqual(JSON.parse(live.out).environments[0].recycleBin, { checked: true, rules: ["a12bc34de5f (7 days)"] });
    });

    it("live --format markdown --only-failures: the counts, the breach block, no ok rows", async () => {
        const fixture = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
        const instances = fixture("examples/inventory.json") as { Reservations: { OwnerId: string }[] };
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: instances.Reservations.filter((r) => r.OwnerId === "111111111111"),
        } as never);
        ec2.on(DescribeVolumesCommand).resolves(fixture("test/fixtures/lifecycle/volumes.json"));
        ec2.on(DescribeSnapshotsCommand).resolves(fixture("test/fixtures/lifecycle/snapshots.json"));
        rbin.on(ListRulesCommand as never).resolves(fixture("test/fixtures/lifecycle/rbin-rules.json"));
        const { code, out } = await run(
            "verify",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--at",
            "2026-11-28T08:00:00Z",
            "--format",
            "markdown",
            "--only-failures",
        );
        assert.strictEqual(code, 1);
        assert.strictEqual(
            out,
            [
                "### vss-fleet verify: BREACH",
                "",
                "1 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z: 2 ok, 1 breach.",
                "",
                "| environment | RPO | instances | ok | breach |",
                "|---|---:|---:|---:|---:|",
                "| prod | 26 h | 3 | 2 | 1 |",
                "",
                "- prod: retention (35 days, at least 7 good sets): would delete 0 set(s), 0 snapshot(s)",
                "- prod: recycle bin: a12bc34de5f (7 days)",
                "",
                "_ok rows not listed (--only-failures); the counts include them._",
                "",
                "<details><summary>prod: 1 breach (RPO 26 h)</summary>",
                "",
                "- i-0a1b2c3d4e5f60003 (files-prod-01): no good set; 1 bad set(s); newest set: no snapshot of vol-0c00000000000c002",
                "",
                "</details>",
                "",
            ].join("\n"),
        );
    });

    it("warns when no Recycle Bin rule keeps the environment's snapshots", async () => {
        const fixture = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
        ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
        ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
        ec2.on(DescribeSnapshotsCommand).resolves(fixture("test/fixtures/lifecycle/snapshots.json"));
        rbin.on(ListRulesCommand as never).resolves({ Rules: [] } as never);
        const { out } = await run("verify", healthyManifest(), "--at", "2026-11-28T08:00:00Z");
        assert.ok(
            out.includes(
                "\n  WARNING recycle bin: no Recycle Bin rule retains snapshots tagged vss-fleet:environment=prod; " +
                    "a deleted snapshot is gone for good (deploy the stack, which creates the rule)\n",
            ),
            out,
        );
    });

    it("an AWS error (here: access denied) is one line and exit 1, never a stack trace", async () => {
        const denied = Object.assign(new Error("You are not authorized to perform this operation."), {
            name: "UnauthorizedOperation",
            $metadata: { httpStatusCode: 403 },
        });
        ec2.on(DescribeInstancesCommand).rejects(denied);
        const { code, out, err } = await run("verify", "examples/fleet.yaml", "--env", "prod");
        assert.strictEqual(code, 1);
        assert.match(out, /^prod \(RPO 26 h\): FAILED: /m);
        assert.strictEqual(
            err,
            "vss-fleet: environment prod: an AWS call failed: UnauthorizedOperation: You are not authorized to perform this operation.\n",
        );
    });

    it("reads the enrolled instances' volumes, 200 instance ids a call", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [
                {
                    VolumeId: "vol-1",
                    Attachments: [{ InstanceId: "i-1", Device: "/dev/sda1", AttachTime: new Date("2026-01-01"), State: "attached" }],
                },
            ],
        });
        const ids = Array.from({ length: 250 }, (_, i) => `i-${i}`);
        const attachments = await describeAttachments(new EC2Client({ region: "us-east-1" }), ids);
        const calls = ec2.commandCalls(DescribeVolumesCommand);
        assert.deepStrictEqual(
            calls.map((c) => c.args[0].input.Filters?.[0].Values?.length),
            [200, 50],
        );
        assert.strictEqual(calls[0].args[0].input.Filters?.[0].Name, "attachment.instance-id");
        assert.strictEqual(attachments.length, 2);
    });

    it("reads only this account's snapshots tagged for the environment, page by page", async () => {
        ec2.on(DescribeSnapshotsCommand)
            .resolvesOnce({
                Snapshots: [{ SnapshotId: "snap-1", VolumeId: "vol-1", StartTime: new Date("2026-11-28"), State: "completed" }],
                NextToken: "t",
            })
            .resolvesOnce({
                Snapshots: [{ SnapshotId: "snap-2", VolumeId: "vol-1", StartTime: new Date("2026-11-27"), State: "completed" }],
            });
        const snapshots = await describeEnvironmentSnapshots(new EC2Client({ region: "us-east-1" }), "prod");
        assert.deepStrictEqual(
            snapshots.map((s) => s.snapshotId),
            ["snap-1", "snap-2"],
        );
        const input = ec2.commandCalls(DescribeSnapshotsCommand)[0].args[0].input;
        assert.deepStrictEqual([input.OwnerIds, input.Filters], [["self"], [{ Name: "tag:vss-fleet:environment", Values: ["prod"] }]]);
    });
});
