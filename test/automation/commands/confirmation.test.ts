/**
 * apply and destroy ask before they change anything, and only when someone can answer: run as users
 * run them (bin/vss-fleet.js, a stand-in pulumi on PATH), with stdin from /dev/null (cron, `ssh host
 * cmd`) and on a terminal made by script(1).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakePulumi } from "../driver/fakePulumi";

const ROOT = path.join(__dirname, "..", "..", "..");
const BIN = path.join(ROOT, "bin", "vss-fleet.js");
const MANIFEST = `version: 1
environments:
  a:
    region: us-east-1
    accountId: "111111111111"
  b:
    region: eu-west-1
    accountId: "222222222222"
`;

describe("apply and destroy without --yes (the bin, as a process)", function () {
    this.timeout(120_000);
    let dir: string;
    let manifest: string;
    let fake: FakePulumi;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-confirm-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.mkdirSync(path.join(dir, "stacks"));
        manifest = path.join(dir, "fleet.yaml");
        fs.writeFileSync(manifest, MANIFEST);
        fake = new FakePulumi({ existingStacks: ["a", "b"], stacks: { b: { destroy: { changes: { delete: 7 } } } } });
    });
    afterEach(() => {
        fake.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const env = () => ({ ...process.env, PATH: `${path.join(fake.root, "bin")}${path.delimiter}${process.env.PATH}` });
    /** stdin from /dev/null: what cron and `ssh host cmd` give. */
    const withoutTerminal = (...argv: string[]) =>
        spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, env: env(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    /** A pseudo-terminal from util-linux's script(1); `answer` is typed into it. */
    const onTerminal = (answer: string, ...argv: string[]) => {
        assert.ok(fs.existsSync("/usr/bin/script"), "this test needs /usr/bin/script (util-linux) to give the CLI a terminal");
        return spawnSync("/usr/bin/script", ["-qec", [process.execPath, BIN, ...argv].join(" "), "/dev/null"], {
            cwd: dir,
            env: env(),
            encoding: "utf8",
            input: answer,
        });
    };

    it("apply refuses at once when stdin is not a terminal, naming --yes; nothing is run", () => {
        const child = withoutTerminal("apply", manifest, "--project-dir", dir);
        assert.strictEqual(child.status, 2);
        assert.strictEqual(child.stdout, "");
        assert.strictEqual(
            child.stderr,
            "apply asks before changing anything, and stdin is not a terminal (cron, 'ssh host cmd', a pipe), so nobody can answer: " +
                "run again with --yes to apply without asking\n",
        );
        assert.deepStrictEqual(fake.invocations(), [], "no pulumi command ran");
    });

    it("destroy refuses when stdin is not a terminal, naming what it would remove and --yes", () => {
        const child = withoutTerminal("destroy", manifest, "--project-dir", dir, "--env", "b", "--no-account-check");
        assert.strictEqual(child.status, 2);
        assert.strictEqual(
            child.stderr,
            "destroy would remove the stacks of b (222222222222/eu-west-1), and stdin is not a terminal, so nobody can confirm: run again with --yes to confirm\n",
        );
        assert.deepStrictEqual(fake.invocations(), []);
    });

    it("destroy on a terminal previews what it would remove and asks; 'n' leaves the stack alone", () => {
        const child = onTerminal("n\n", "destroy", manifest, "--project-dir", dir, "--env", "b", "--no-account-check");
        assert.match(child.stdout, /destroy: previewing what would be removed from b \(222222222222\/eu-west-1\)/);
        assert.match(child.stdout, /destroy b: 7 to delete\? \[y\/N\]/);
        const destroys = fake.invocations().filter((i) => i.argv[0] === "destroy");
        assert.strictEqual(destroys.length, 1, "only the preview ran");
        assert.ok(destroys[0].argv.includes("--preview-only"), destroys[0].argv.join(" "));
        assert.ok(
            fake.invocations().every((i) => !i.argv.includes("a")),
            "a was never touched",
        );
    });

    it("destroy on a terminal destroys after 'y'", () => {
        const child = onTerminal("y\n", "destroy", manifest, "--project-dir", dir, "--env", "b", "--no-account-check");
        assert.match(child.stdout, /destroy b: 7 to delete\? \[y\/N\]/);
        const destroys = fake.invocations().filter((i) => i.argv[0] === "destroy");
        assert.deepStrictEqual(
            destroys.map((d) => d.argv.includes("--preview-only")),
            [true, false],
        );
    });
});
