/**
 * verify over an environment none of whose instances it read (no inventory for its account and
 * region) says "not checked", never OK, and exits 1: run as a process, as users run it.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VERIFY_OFFLINE } from "../../helpers";

const ROOT = path.join(__dirname, "..", "..", "..");

describe("verify: an environment with no instance read is 'not checked'", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-notchecked-"));
        // The example's prod and dev, and an audit environment in an account the inventory does not cover.
        const example = fs.readFileSync(path.join(ROOT, "examples", "fleet.yaml"), "utf8");
        fs.writeFileSync(
            path.join(dir, "fleet.yaml"),
            example.replace(/^environments:\n/m, 'environments:\n  audit:\n    region: us-east-1\n    accountId: "333333333333"\n'),
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const verify = (...argv: string[]) =>
        spawnSync(process.execPath, ["bin/vss-fleet.js", "verify", path.join(dir, "fleet.yaml"), ...VERIFY_OFFLINE, ...argv], {
            cwd: ROOT,
            encoding: "utf8",
        });

    it("alone: text says not checked and never OK; exit 1", () => {
        const child = verify("--env", "audit");
        assert.strictEqual(child.status, 1, child.stderr);
        const lines = child.stdout.trim().split("\n");
        assert.strictEqual(
            lines[1],
            "audit (RPO 26 h): not checked: no instance in 333333333333/us-east-1 was read (an --inventory file of that account and region, or credentials for it)",
        );
        assert.strictEqual(lines.at(-1), "NOT CHECKED: audit: no instance was read there, so nothing was verified.");
        assert.doesNotMatch(child.stdout, /^OK/m);
    });

    it("beside checked environments: they keep their verdicts, the unchecked one is named, exit 1", () => {
        const child = verify("--env", "audit", "--env", "prod");
        assert.strictEqual(child.status, 1);
        assert.match(child.stdout, /^prod \(RPO 26 h\): 2 ok, 1 breach$/m);
        assert.match(child.stdout, /^NOT CHECKED: audit: no instance was read there\.$/m);
        assert.match(
            child.stdout,
            /^Summary: 3 instance\(s\) in 2 environment\(s\): 2 ok, 1 breach \(audit: not checked; prod: 2 ok, 1 breach\)$/m,
        );
    });

    it("--json carries notChecked and ok false; markdown's title says NOT CHECKED", () => {
        const json = verify("--env", "audit", "--json");
        assert.strictEqual(json.status, 1);
        const report = JSON.parse(json.stdout);
        assert.strictEqual(report.ok, false);
        assert.match(report.environments[0].notChecked, /^not checked: no instance in 333333333333\/us-east-1 was read/);
        const markdown = verify("--env", "audit", "--format", "markdown");
        assert.strictEqual(markdown.stdout.split("\n")[0], "### vss-fleet verify: NOT CHECKED");
    });
});
