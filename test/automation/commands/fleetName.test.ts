/**
 * One source of the fleet's name: the project's Pulumi.yaml (--project-dir, default the working
 * directory), --fleet only as an override that must agree. Run as processes (bin/vss-fleet.js), in a
 * fleet repository whose project is named myfleet.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VERIFY_OFFLINE } from "../../helpers";

const ROOT = path.join(__dirname, "..", "..", "..");
const BIN = path.join(ROOT, "bin", "vss-fleet.js");
const abs = (argv: readonly string[]) => argv.map((a) => (/^(examples|test)\//.test(a) ? path.join(ROOT, a) : a));

describe("the fleet's name comes from the project's Pulumi.yaml", function () {
    this.timeout(60_000);
    let repo: string;
    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "vss-myfleet-"));
        fs.writeFileSync(path.join(repo, "Pulumi.yaml"), "name: myfleet\nruntime: nodejs\nmain: stacks/index.ts\n");
        fs.copyFileSync(path.join(ROOT, "examples", "fleet.yaml"), path.join(repo, "fleet.yaml"));
    });
    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    const run = (cwd: string, ...argv: string[]) => spawnSync(process.execPath, [BIN, ...abs(argv)], { cwd, encoding: "utf8" });
    const fleetCondition = (out: string) =>
        (
            JSON.parse(out) as {
                boundary: { policy: { Statement: { Action: string | string[]; Condition?: Record<string, Record<string, string>> }[] } };
            }
        ).boundary.policy.Statement.find((s) => ([] as string[]).concat(s.Action).includes("ec2:DeleteSnapshot"))?.Condition?.StringEquals[
            "ec2:ResourceTag/vss-fleet:fleet"
        ];

    it("plan --offline in the repository tags as its stacks would: every fleet tag says myfleet", () => {
        const child = run(repo, "plan", "fleet.yaml", "--offline", "--json", "--inventory", "examples/inventory.json");
        assert.strictEqual(child.status, 0, child.stderr);
        const tags = [...child.stdout.matchAll(/"vss-fleet:fleet":"([^"]*)"/g)].map((m) => m[1]);
        assert.ok(tags.length > 0, "the plan writes the fleet tag");
        assert.deepStrictEqual([...new Set(tags)], ["myfleet"]);
        const other = run(repo, "plan", "fleet.yaml", "--offline", "--json", "--inventory", "examples/inventory.json", "--fleet", "acme");
        assert.strictEqual(other.status, 2);
        assert.match(other.stderr, /^--fleet acme disagrees with the project's name 'myfleet'/m);
    });

    it("deploy-policy --bootstrap in the repository: the boundary's conditions name myfleet", () => {
        const child = run(repo, "deploy-policy", "fleet.yaml", "--env", "prod", "--bootstrap");
        assert.strictEqual(child.status, 0, child.stderr);
        assert.strictEqual(fleetCondition(child.stdout), "myfleet");
    });

    it("deploy-policy --bootstrap --project-dir from elsewhere: the same name", () => {
        const child = run(ROOT, "deploy-policy", path.join(repo, "fleet.yaml"), "--env", "prod", "--bootstrap", "--project-dir", repo);
        assert.strictEqual(child.status, 0, child.stderr);
        assert.strictEqual(fleetCondition(child.stdout), "myfleet");
    });

    it("--fleet that disagrees with the project is refused, naming both; an agreeing one is taken", () => {
        const refused = run(repo, "deploy-policy", "fleet.yaml", "--env", "prod", "--bootstrap", "--fleet", "vss-fleet");
        assert.strictEqual(refused.status, 2);
        assert.strictEqual(refused.stdout, "");
        assert.strictEqual(
            refused.stderr,
            `--fleet vss-fleet disagrees with the project's name 'myfleet' (${path.join(".", "Pulumi.yaml")}), which the stacks write on every snapshot: ` +
                "leave out --fleet, or pass --project-dir with that fleet's project\n",
        );
        const agreed = run(repo, "deploy-policy", "fleet.yaml", "--env", "prod", "--bootstrap", "--fleet", "myfleet");
        assert.strictEqual(agreed.status, 0, agreed.stderr);
        const verify = run(repo, "verify", "fleet.yaml", ...VERIFY_OFFLINE, "--fleet", "acme");
        assert.strictEqual(verify.status, 2);
        assert.match(verify.stderr, /^--fleet acme disagrees with the project's name 'myfleet'/);
    });

    it("without a project at hand and without --fleet, the name is not guessed", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "vss-noproject-"));
        try {
            const child = run(empty, "deploy-policy", path.join(repo, "fleet.yaml"), "--env", "prod", "--bootstrap");
            assert.strictEqual(child.status, 2);
            assert.match(
                child.stderr,
                /Pulumi\.yaml: not found; the fleet's name is its Pulumi project's name: .*--project-dir DIR .*--fleet NAME\n$/,
            );
        } finally {
            fs.rmSync(empty, { recursive: true });
        }
    });

    it("verify names the sets tagged for another fleet instead of only 'no good set'", () => {
        const child = run(repo, "verify", "fleet.yaml", ...VERIFY_OFFLINE, "--env", "prod");
        assert.strictEqual(child.status, 1);
        assert.match(
            child.stdout,
            /^ {2}found 4 set\(s\) tagged for fleet 'vss-fleet', not 'myfleet': they are not judged as this fleet's; the fleet's name is the Pulumi project's \(Pulumi\.yaml name\): check --project-dir$/m,
        );
        const json = JSON.parse(run(repo, "verify", "fleet.yaml", ...VERIFY_OFFLINE, "--env", "prod", "--json").stdout);
        assert.strictEqual(json.fleet, "myfleet");
        assert.deepStrictEqual(json.environments[0].otherFleets, [{ fleet: "vss-fleet", sets: 4 }]);
        // The same files judged as the fleet they were written for: no such note.
        const own = run(ROOT, "verify", "examples/fleet.yaml", ...VERIFY_OFFLINE, "--env", "prod");
        assert.doesNotMatch(own.stdout, /tagged for fleet/);
    });

    it("restore refuses sets of another fleet, naming both names", () => {
        const child = run(
            repo,
            "restore",
            "fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60001",
            "--offline",
            "--inventory",
            "examples/inventory.json",
            "--volumes",
            "test/fixtures/lifecycle/volumes.json",
            "--snapshots",
            "test/fixtures/lifecycle/snapshots.json",
        );
        assert.strictEqual(child.status, 2);
        assert.match(child.stderr, /^i-0a1b2c3d4e5f60001's snapshots are tagged for fleet 'vss-fleet', not 'myfleet'/);
        const own = run(
            ROOT,
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60001",
            "--offline",
            "--inventory",
            "examples/inventory.json",
            "--volumes",
            "test/fixtures/lifecycle/volumes.json",
            "--snapshots",
            "test/fixtures/lifecycle/snapshots.json",
        );
        assert.strictEqual(own.status, 0, own.stderr);
    });
});
