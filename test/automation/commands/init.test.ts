/**
 * `vss-fleet init` (automation/commands/init.ts, automation/init/scaffold.ts) in-process: the files it
 * writes, that the scaffold validates, renders and plans from its own folder, and that it refuses to
 * overwrite anything. test/package/ runs the same from an installed tarball.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { packageNameOf } from "../../../automation/init/scaffold";
import { runCli as run } from "../../helpers";

const SCAFFOLD = [
    ".github/workflows/vss-fleet.yml",
    ".gitignore",
    "Pulumi.yaml",
    "README.md",
    "fleet.yaml",
    "package.json",
    "stacks/Pulumi.dev.yaml",
    "stacks/Pulumi.prod.yaml",
    "stacks/index.ts",
    "tsconfig.json",
];

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
        .sort();
}

/** Runs `fn` with the working directory set to `dir`, as a person who cd'd into the new repository. */
async function inside<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const before = process.cwd();
    process.chdir(dir);
    try {
        return await fn();
    } finally {
        process.chdir(before);
    }
}

describe("vss-fleet init", function () {
    this.timeout(120_000);
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-init-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("creates the folder and writes the ten files of a fleet repository, and nothing else", async () => {
        const dir = path.join(tmp, "My Fleet");
        const { code, out, err } = await run("init", dir);
        assert.strictEqual(err, "");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(filesUnder(dir), SCAFFOLD);
        assert.match(out, new RegExp(`^created ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/fleet\\.yaml$`, "m"));
        // Run from this clone, vss-fleet comes from a folder: the repository gets a tarball packed from it.
        const root = fs.realpathSync(path.join(__dirname, "..", "..", ".."));
        assert.ok(
            out.includes(
                `\nNext:\n  mkdir -p ${dir.includes(" ") ? `'${path.join(dir, "vendor")}'` : path.join(dir, "vendor")} && (cd ${root} && npm pack --pack-destination `,
            ),
            out,
        );
        assert.match(out, /^ {2}cd .* && npm install {4}# vss-fleet from vendor\/vss-fleet-0\.1\.0\.tgz, packed from .*: commit it/m);
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        assert.strictEqual(pkg.name, "my-fleet");
        assert.strictEqual(pkg.private, true);
        assert.deepStrictEqual(pkg.dependencies, { "@pulumi/pulumi": "3.276.0", "vss-fleet": "file:vendor/vss-fleet-0.1.0.tgz" });
        assert.deepStrictEqual(pkg.devDependencies, { "@types/node": "22.20.5", "ts-node": "10.9.2", typescript: "5.9.3" });
        const program = fs.readFileSync(path.join(dir, "stacks", "index.ts"), "utf8");
        // Every output of the package's program is a stack output, so a new output needs no new scaffold.
        assert.match(program, /^import \{ defineStackFromConfig \} from "vss-fleet\/stack";\n\nexport = defineStackFromConfig\(\);\n$/m);
        assert.deepStrictEqual(parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")), {
            name: "vss-fleet",
            description: "VSS-consistent EBS snapshots for the Windows instances of each environment in fleet.yaml.",
            runtime: { name: "nodejs", options: { typescript: true } },
            main: "stacks/index.ts",
            stackConfigDir: "stacks",
        });
        assert.match(
            fs.readFileSync(path.join(dir, "fleet.yaml"), "utf8"),
            /^# yaml-language-server: \$schema=node_modules\/vss-fleet\/schemas\/fleet\.schema\.json$/m,
        );
        const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
        assert.match(readme, /^# my-fleet: /);
        assert.match(
            readme,
            /^vss-fleet is not installed from a registry here: `package\.json` depends on the tarball `vendor\/vss-fleet-0\.1\.0\.tgz`\.$/m,
        );
        assert.doesNotMatch(readme, /\{\{/);
        assert.strictEqual(fs.readFileSync(path.join(dir, ".gitignore"), "utf8"), "node_modules/\n");
    });

    it("writes the repository's own production workflow, byte for byte", async () => {
        await run("init", tmp);
        assert.strictEqual(
            fs.readFileSync(path.join(tmp, ".github", "workflows", "vss-fleet.yml"), "utf8"),
            fs.readFileSync(path.join(".github", "workflows", "vss-fleet.yml"), "utf8"),
        );
    });

    it("the scaffold validates, its stack files match, and it plans offline, all from its own folder", async () => {
        assert.strictEqual((await run("init", tmp)).code, 0);
        await inside(tmp, async () => {
            assert.deepStrictEqual(await run("validate", "fleet.yaml"), {
                code: 0,
                out: "fleet.yaml: valid, 2 environment(s): prod, dev\n",
                err: "",
            });
            // The default --stacks-dir is stacks/ of the working directory, not the package's.
            assert.deepStrictEqual(await run("render", "fleet.yaml", "--check"), {
                code: 0,
                out: "stack files match fleet.yaml\n",
                err: "",
            });
            const plan = await run("plan", "fleet.yaml", "--offline");
            assert.strictEqual(plan.code, 0, plan.err);
            assert.match(plan.out, /^OK: 2 of 2 environment\(s\) planned, no mandatory policy violations/m);
        });
    });

    it("into the current folder when no folder is given", async () => {
        const { code } = await inside(tmp, () => run("init"));
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(filesUnder(tmp), SCAFFOLD);
    });

    it("refuses, exit 2, when one file is already there: names it, writes no other file, leaves it as it was", async () => {
        fs.mkdirSync(path.join(tmp, "stacks"));
        fs.writeFileSync(path.join(tmp, "stacks", "Pulumi.prod.yaml"), "mine\n");
        fs.writeFileSync(path.join(tmp, "notes.txt"), "unrelated\n");
        const { code, out, err } = await run("init", tmp);
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.deepStrictEqual(err.trim().split("\n"), [
            `${path.join(tmp, "stacks", "Pulumi.prod.yaml")}: already exists`,
            "vss-fleet init never overwrites a file, so it wrote nothing: init a new folder, or move that file away",
        ]);
        assert.deepStrictEqual(filesUnder(tmp), ["notes.txt", "stacks/Pulumi.prod.yaml"]);
        assert.strictEqual(fs.readFileSync(path.join(tmp, "stacks", "Pulumi.prod.yaml"), "utf8"), "mine\n");
    });

    it("refuses a second init over a whole scaffold, naming every file", async () => {
        await run("init", tmp);
        const { code, err } = await run("init", tmp);
        assert.strictEqual(code, 2);
        assert.strictEqual(err.trim().split("\n").length, SCAFFOLD.length + 1);
        assert.match(err, /move those files away\n$/);
    });

    it("refuses, writing nothing, when a folder it needs is a file (stacks)", async () => {
        fs.writeFileSync(path.join(tmp, "stacks"), "");
        const { code, err } = await run("init", tmp);
        assert.strictEqual(code, 2);
        assert.deepStrictEqual(err.trim().split("\n"), [
            `${path.join(tmp, "stacks")}: is a file where vss-fleet init needs a folder`,
            "vss-fleet init never overwrites a file, so it wrote nothing: init a new folder, or move that file away",
        ]);
        assert.deepStrictEqual(filesUnder(tmp), ["stacks"]);
    });

    it("refuses, as a process and writing nothing, when a file it would write is a dangling symbolic link", () => {
        fs.mkdirSync(path.join(tmp, "stacks"));
        fs.symlinkSync(path.join(tmp, "nowhere.yaml"), path.join(tmp, "stacks", "Pulumi.prod.yaml"));
        const bin = path.join(__dirname, "..", "..", "..", "bin", "vss-fleet.js");
        const { status, stdout, stderr } = spawnSync(process.execPath, [bin, "init", tmp], { encoding: "utf8" });
        assert.strictEqual(status, 2);
        assert.strictEqual(stdout, "");
        assert.deepStrictEqual(stderr.trim().split("\n"), [
            `${path.join(tmp, "stacks", "Pulumi.prod.yaml")}: is a symbolic link (to ${path.join(tmp, "nowhere.yaml")}); vss-fleet init writes no file through a link`,
            "vss-fleet init never overwrites a file, so it wrote nothing: init a new folder, or move that file away",
        ]);
        assert.deepStrictEqual(fs.readdirSync(tmp, { recursive: true }).sort(), ["stacks", path.join("stacks", "Pulumi.prod.yaml")]);
        assert.ok(!fs.existsSync(path.join(tmp, "nowhere.yaml")));
    });

    it("refuses a path that is a file", async () => {
        const file = path.join(tmp, "fleet");
        fs.writeFileSync(file, "");
        const { code, err } = await run("init", file);
        assert.strictEqual(code, 2);
        assert.strictEqual(err, `${file}: exists and is not a folder; vss-fleet init needs a new or existing folder\n`);
    });

    it("names the package after the folder, within npm's rules", () => {
        assert.strictEqual(packageNameOf("/x/Acme Fleet"), "acme-fleet");
        assert.strictEqual(packageNameOf("/x/_backups.2026_"), "backups.2026_");
        assert.strictEqual(packageNameOf("/x/---"), "fleet");
        assert.strictEqual(packageNameOf("ops/fleet"), "fleet");
    });
});
