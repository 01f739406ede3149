/**
 * plan over a large unenrolled estate (test/discover/estate.ts: 400 Windows servers, 195 of them not
 * enrolled): repeated findings are grouped (the first 10 of each policy per environment, --all for
 * the rest), markdown fits one GitHub comment, and --json names every instance as data. As a process.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { writeEstate, type EstateFiles } from "../../discover/estate";

const ROOT = path.join(__dirname, "..", "..", "..");
const GITHUB_COMMENT_LIMIT = 65_536;

describe("plan over a large unenrolled estate", function () {
    this.timeout(180_000);
    let estate: EstateFiles;
    before(() => (estate = writeEstate()));
    after(() => fs.rmSync(estate.dir, { recursive: true, force: true }));

    const plan = (...extra: string[]) => {
        const inputs = [
            ...estate.instances.slice(0, 3).flatMap((f) => ["--inventory", f]),
            ...estate.ssm.flatMap((f) => ["--ssm", f]),
            ...estate.iam.flatMap((f) => ["--iam", f]),
        ];
        const child = spawnSync(process.execPath, ["bin/vss-fleet.js", "plan", estate.manifest, "--offline", ...inputs, ...extra], {
            cwd: ROOT,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        assert.strictEqual(child.status, 1, child.stderr);
        return child.stdout;
    };
    const block = (text: string) => text.split("\n").filter((l) => l.startsWith("  BLOCK fleet-windows-instances-enrolled: "));

    it("text: the first 10 findings of a policy per environment, then how many more and where they are", () => {
        const text = plan();
        assert.strictEqual(block(text).length, 30, "10 in each of prod, dev and ops");
        assert.match(
            text,
            /\n {2}\.\.\. and 85 more BLOCK fleet-windows-instances-enrolled \(plan --all lists them; --json has every one\)\n/,
        );
        assert.match(text, /\n {2}\.\.\. and 50 more BLOCK fleet-windows-instances-enrolled /);
        assert.match(text, /\n {2}\.\.\. and 30 more BLOCK fleet-windows-instances-enrolled /);
        assert.match(text, /\nBLOCKED: 195 mandatory policy violation\(s\) in prod, dev, ops\.\n$/);
        assert.ok(text.length < 20_000, `${text.length} characters`);
    });

    it("--all lists every finding", () => {
        assert.strictEqual(block(plan("--all")).length, 195);
    });

    it("markdown fits one GitHub comment and keeps the counts", () => {
        const markdown = plan("--format", "markdown");
        assert.ok(markdown.length <= GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
        assert.match(markdown, /^### vss-fleet plan: BLOCKED/);
        assert.match(markdown, /\(`plan --json` has every one\)/);
    });

    it("--json: every unenrolled instance's id as data", () => {
        const json = JSON.parse(plan("--json")) as {
            environments: { violations: { policy: string; enforcementLevel: string; ids: string[] }[] }[];
        };
        const ids = json.environments.flatMap((e) =>
            e.violations.filter((v) => v.policy === "fleet-windows-instances-enrolled").flatMap((v) => v.ids),
        );
        assert.strictEqual(ids.length, 195);
        assert.strictEqual(new Set(ids).size, 195);
        assert.ok(ids.every((id) => /^i-0e57a7e[0-9a-f]{10}$/.test(id)));
    });
});
