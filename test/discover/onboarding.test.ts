/**
 * The onboarding walk, through the CLI as a user runs it: `discover` a 400-server, 3-account estate
 * from AWS CLI JSON, take its `--write-enrollment instances` output into the manifest, and `plan`
 * comes out clean (every in-scope server enrolled or exempt, no mandatory violation).
 */
import * as assert from "assert";
import * as fs from "fs";
import { parseDocument } from "yaml";
import { runCli } from "../helpers";
import { manifestYaml, writeEstate, type EstateFiles } from "./estate";

const facts = (files: EstateFiles) => [
    ...files.instances.flatMap((f) => ["--inventory", f]),
    ...files.ssm.flatMap((f) => ["--ssm", f]),
    ...files.iam.flatMap((f) => ["--iam", f]),
];

describe("onboarding: discover, enroll, plan (CLI, offline)", function () {
    this.timeout(120_000);
    let files: EstateFiles;
    before(() => (files = writeEstate()));
    after(() => fs.rmSync(files.dir, { recursive: true, force: true }));

    it("discover prints the grouped report and exits 0, changing nothing", async () => {
        const before = fs.readFileSync(files.manifest, "utf8");
        const { code, out, err } = await runCli("discover", files.manifest, ...facts(files));
        assert.strictEqual(err, "");
        assert.strictEqual(code, 0);
        assert.ok(out.includes("dev (222222222222/eu-west-1, VSS-Snapshot=dev): 60 enrolled (0 not ready), 0 exempt, 60 unenrolled\n"));
        assert.ok(
            out.includes("  60 unenrolled: 40 carry vss-snapshot=dev (expected VSS-Snapshot=dev), 20 carry none of the target tags\n"),
        );
        assert.strictEqual(fs.readFileSync(files.manifest, "utf8"), before);
    });

    it("discover --json and --format markdown carry the counts; --env narrows", async () => {
        const json = await runCli("discover", files.manifest, ...facts(files), "--json", "--env", "ops");
        const parsed = JSON.parse(json.out) as { environments: { name: string; counts: Record<string, number> }[] };
        assert.deepStrictEqual(
            parsed.environments.map((e) => [e.name, e.counts]),
            [["ops", { enrolled: 40, notReady: 0, exempt: 0, unenrolled: 40 }]],
        );
        const md = await runCli("discover", files.manifest, ...facts(files), "--format", "markdown");
        assert.ok(md.out.length < 65_536);
        assert.ok(md.out.includes("| prod | 111111111111/us-east-1 | 100 | 20 | 5 | 95 |"));
    });

    it("refuses without instance files, and an unknown enrollment shape, with exit 2", async () => {
        const none = await runCli("discover", files.manifest);
        assert.strictEqual(none.code, 2);
        assert.match(none.err, /^discover needs --inventory with the JSON of .* or --live to read them with your credentials\n$/);
        const shape = await runCli("discover", files.manifest, "--inventory", files.instances[0], "--write-enrollment", "apply");
        assert.strictEqual(shape.code, 2);
        assert.strictEqual(shape.err, "--write-enrollment apply: choose one of instances, exemptions, create-tags\n");
    });

    it("after merging --write-enrollment instances into the manifest, plan is clean for all 400 servers", async () => {
        const blocked = await runCli("plan", files.manifest, "--offline", ...files.instances.flatMap((f) => ["--inventory", f]), "--json");
        assert.strictEqual(blocked.code, 1, "before: the unenrolled servers block the plan");

        const enrollment = await runCli("discover", files.manifest, ...facts(files), "--write-enrollment", "instances");
        assert.strictEqual(enrollment.code, 0);
        const additions = parseDocument(enrollment.out).toJS() as { environments: Record<string, { instances: string[] }> };
        assert.deepStrictEqual(
            Object.entries(additions.environments).map(([name, e]) => [name, e.instances.length]),
            [
                ["prod", 95],
                ["dev", 60],
                ["ops", 40],
            ],
        );
        const manifest = parseDocument(fs.readFileSync(files.manifest, "utf8"));
        for (const [name, { instances }] of Object.entries(additions.environments)) {
            manifest.setIn(["environments", name, "instances"], instances);
        }
        const enrolledManifest = `${files.dir}/fleet-enrolled.yaml`;
        fs.writeFileSync(enrolledManifest, manifest.toString());

        const plan = await runCli("plan", enrolledManifest, "--offline", ...files.instances.flatMap((f) => ["--inventory", f]));
        assert.strictEqual(plan.err, "");
        assert.strictEqual(plan.code, 0);
        // The plan's JSON has no counts; its text does, one line per environment, in manifest order.
        assert.deepStrictEqual(
            plan.out.split("\n").filter((l) => l.startsWith("  Windows instances:")),
            [
                "  Windows instances: 195 enrolled, 5 exempt, 0 unenrolled",
                "  Windows instances: 120 enrolled, 0 exempt, 0 unenrolled",
                "  Windows instances: 80 enrolled, 0 exempt, 0 unenrolled",
            ],
        );
        assert.match(plan.out, /\nOK: 3 of 3 environment\(s\) planned, no mandatory policy violations\.\n/);

        const again = await runCli("discover", enrolledManifest, ...facts(files), "--json");
        const after = JSON.parse(again.out) as { environments: { counts: { unenrolled: number } }[] };
        assert.deepStrictEqual(
            after.environments.map((e) => e.counts.unenrolled),
            [0, 0, 0],
        );
    });

    it("plan with --ssm/--iam reports the enrolled servers that cannot be snapshotted: advisory, or blocking with preflight: mandatory", async () => {
        const args = ["--offline", "--env", "prod", ...facts(files)];
        const advisory = await runCli("plan", files.manifest, ...args, "--json");
        const gaps = (out: string) =>
            (
                JSON.parse(out) as { environments: { violations: { policy: string; enforcementLevel: string; message: string }[] }[] }
            ).environments[0].violations.filter((v) => v.policy === "fleet-enrolled-instances-snapshot-ready");
        const found = gaps(advisory.out);
        assert.strictEqual(found.length, 8 + 6 + 4 + 2);
        assert.deepStrictEqual([...new Set(found.map((v) => v.enforcementLevel))], ["advisory"]);
        assert.ok(
            found.some((v) =>
                / is enrolled in environment prod but its role legacy-role lacks the snapshot permission \(ec2:CreateSnapshots\)\./.test(
                    v.message,
                ),
            ),
        );

        const strict = `${files.dir}/fleet-strict.yaml`;
        fs.writeFileSync(strict, manifestYaml({ prod: "    preflight: mandatory", dev: "", ops: "", other: "" }));
        const blocked = await runCli("plan", strict, ...args, "--json");
        assert.deepStrictEqual([...new Set(gaps(blocked.out).map((v) => v.enforcementLevel))], ["mandatory"]);

        const withoutFacts = await runCli(
            "plan",
            strict,
            "--offline",
            "--env",
            "prod",
            ...files.instances.flatMap((f) => ["--inventory", f]),
            "--json",
        );
        assert.deepStrictEqual(gaps(withoutFacts.out), [], "without --ssm/--iam the inventory carries no preflight facts");
    });

    it("merging the suggested existingInstanceRoleNames as well: the preflight drops the legacy role, and each window is sized for its fleet", async () => {
        const enrollment = await runCli("discover", files.manifest, ...facts(files), "--write-enrollment", "instances");
        const additions = parseDocument(enrollment.out).toJS() as {
            environments: Record<string, { instances?: string[]; existingInstanceRoleNames?: string[] }>;
        };
        assert.deepStrictEqual(additions.environments.prod.existingInstanceRoleNames, ["legacy-role"]);
        const manifest = parseDocument(fs.readFileSync(files.manifest, "utf8"));
        for (const [name, found] of Object.entries(additions.environments)) {
            for (const [key, value] of Object.entries(found)) {
                manifest.setIn(["environments", name, key], value);
            }
        }
        const merged = `${files.dir}/fleet-roles.yaml`;
        fs.writeFileSync(merged, manifest.toString());

        // --all: every finding listed (by default the text stops at 10 per policy and environment).
        const { code, out } = await runCli("plan", merged, "--offline", ...facts(files), "--all");
        assert.strictEqual(code, 0);
        assert.doesNotMatch(out, /legacy-role lacks the snapshot permission/);
        // What is left for a person: 8 servers without a profile, 4 unknown to SSM, 2 agents offline.
        assert.strictEqual(
            out.split("\n").filter((l) => l.startsWith("  advise fleet-enrolled-instances-snapshot-ready:")).length,
            8 + 4 + 2,
        );
        assert.ok(
            out.includes(
                "  Existing roles: legacy-role get the snapshot policy arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-instance-snapshot",
            ),
        );
        // A 4 h window with a 1 h cutoff has 12 waves of 15 min; the defaults spread each fleet over 6.
        assert.deepStrictEqual(
            out
                .split("\n")
                .filter((l) => l.startsWith("  Rate control:"))
                .map((l) =>
                    /^ {2}Rate control: default maxConcurrency (\d+) for (\d+) enrolled: .*; default maxErrors (\d+),/.exec(l)?.slice(1),
                ),
            [
                ["33", "195", "20"],
                ["20", "120", "12"],
                ["14", "80", "8"],
            ],
        );
    });
});
