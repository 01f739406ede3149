/**
 * Adopting vss-fleet as a new user does (issue 18, docs/adopting.md): `npm pack`, then in an empty
 * folder `npm install <tarball>`, `npx vss-fleet init myfleet`, and in it `npx vss-fleet validate` and
 * `plan --offline`. The install is real npm, offline from npm's cache (test/package/lockfile.ts), and
 * shared by every case here: it takes about half a minute, the pack about a minute (a clean build).
 */
import * as assert from "assert";
import { spawn, spawnSync, type SpawnSyncReturns } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lifecycleFunctionBundle } from "../../components/lifecycle/functionBundle";
import { pulumiEntryPoint } from "../stacks/entryPoint";
import { seedApp } from "./lockfile";

const ROOT = path.join(__dirname, "..", "..");

/** The environment of a person's shell: none of the npm_* variables `npm test` sets for its script. */
function shellEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function sh(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
    return spawnSync(command, args, { cwd, encoding: "utf8", env: shellEnv(), timeout: 300_000 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
    assert.strictEqual(result.status, 0, `${what} exited ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    return result.stdout;
}

/** An `npm --offline` run that must succeed; a cache miss fails with its reason and the fix, never retried online. */
function offline(result: SpawnSyncReturns<string>, what: string): string {
    if (result.status !== 0 && /ENOTCACHED/.test(result.stderr)) {
        assert.fail(
            `${what} --offline: npm's cache lacks a package or its metadata (ENOTCACHED); run \`npm ci\` in the repository ` +
                `to fill the cache, then run this test again\nstderr:\n${result.stderr}`,
        );
    }
    return ok(result, `${what} --offline`);
}

describe("the packed package, installed into an empty folder", function () {
    this.timeout(120_000);
    let tmp: string;
    let tarball: string;
    let app: string;
    let fleet: string;
    let initOut: string;

    before(function () {
        this.timeout(900_000);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-package-"));
        // `npm pack` runs `prepack` first: dist/ removed and built again, so no stale file is packed.
        ok(sh("npm", ["pack", "--pack-destination", tmp], ROOT), "npm pack");
        tarball = fs.readdirSync(tmp).find((f) => f.endsWith(".tgz")) ?? assert.fail("npm pack wrote no tarball");
        app = path.join(tmp, "app");
        fs.mkdirSync(app);
        seedApp(app, `../${tarball}`, ROOT);
        const install = ["install", "--no-audit", "--no-fund", `../${tarball}`];
        // Offline only, and authoritative: a networked retry would pass a test whose offline install failed.
        offline(sh("npm", [...install, "--offline"], app), "npm install of the tarball");
        initOut = ok(sh("npx", ["vss-fleet", "init", "myfleet"], app), "npx vss-fleet init myfleet");
        fleet = path.join(app, "myfleet");
    });

    after(function () {
        // Two node_modules (the app's and myfleet's) take a while to remove on a busy machine.
        this.timeout(600_000);
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("the tarball holds the compiled CLI, components with types, the policy pack, templates and schema; no tests", () => {
        const files = ok(sh("tar", ["-tzf", tarball], tmp), "tar")
            .trim()
            .split("\n");
        for (const file of [
            "package/bin/vss-fleet.js",
            "package/dist/automation/cli.js",
            "package/dist/automation/commands/init.js",
            "package/dist/components/index.js",
            "package/dist/components/index.d.ts",
            "package/dist/stacks/program.d.ts",
            "package/dist/policies/index.js",
            "package/dist/policies/PulumiPolicy.yaml",
            "package/dist/policies/package.json",
            "package/dist/components/document/diskshadow/VssFleetSnapshot.ps1",
            "package/functions/lifecycle/handler.ts",
            "package/schemas/fleet.schema.json",
            "package/templates/fleet/fleet.yaml",
            "package/.github/workflows/vss-fleet.yml",
        ]) {
            assert.ok(files.includes(file), `${file} is in the tarball`);
        }
        assert.deepStrictEqual(
            files.filter((f) => /^package\/(test|bench|examples|stacks|components|automation)\/|\.test\.|tsbuildinfo/.test(f)),
            [],
        );
    });

    it("npx vss-fleet --version: the installed bin runs", () => {
        assert.strictEqual(ok(sh("npx", ["vss-fleet", "--version"], app), "--version"), "0.1.0\n");
    });

    it("init made the fleet repository, and in it validate and plan --offline succeed", () => {
        assert.ok(fs.existsSync(path.join(fleet, ".github", "workflows", "vss-fleet.yml")));
        assert.strictEqual(
            ok(sh("npx", ["vss-fleet", "validate", "fleet.yaml"], fleet), "validate"),
            "fleet.yaml: valid, 2 environment(s): prod, dev\n",
        );
        const plan = ok(sh("npx", ["vss-fleet", "plan", "fleet.yaml", "--offline"], fleet), "plan --offline");
        assert.match(plan, /^prod {2}us-east-1 \/ 111111111111$/m);
        assert.match(plan, /^OK: 2 of 2 environment\(s\) planned, no mandatory policy violations/m);
    });

    it("the installed @pulumi/pulumi's cmd/run would run the scaffold's stacks/index.ts (test/stacks/entryPoint.ts)", () => {
        assert.strictEqual(
            pulumiEntryPoint(fleet, path.join(app, "node_modules", "@pulumi", "pulumi")),
            path.join(fleet, "stacks", "index.ts"),
        );
    });

    it("defaults come from the working directory: render --check and preview-stacks read myfleet/stacks/", () => {
        assert.strictEqual(
            ok(sh("npx", ["vss-fleet", "render", "fleet.yaml", "--check"], fleet), "render --check"),
            "stack files match fleet.yaml\n",
        );
        const preview = ok(sh("npx", ["vss-fleet", "preview-stacks"], fleet), "preview-stacks");
        assert.match(preview, /^vss-fleet offline preview of 2 stack\(s\) in stacks\//);
        assert.deepStrictEqual(
            preview
                .split("\n")
                .filter((l) => /^[a-z]/.test(l) && !l.startsWith("vss-fleet"))
                .map((l) => l.split(" ")[0]),
            ["dev", "prod"],
        );
    });

    it("the program init wrote type-checks against the installed types; a wrong use of a component does not", () => {
        const tsc = require.resolve("typescript/bin/tsc");
        ok(sh(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"], fleet), "tsc on the scaffold's program");
        fs.writeFileSync(
            path.join(app, "wrong.ts"),
            'import { BackupEnvironment } from "vss-fleet";\nnew BackupEnvironment("prod", { spec: "prod" });\n',
        );
        const wrong = sh(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "wrong.ts"], app);
        assert.strictEqual(wrong.status, 2, wrong.stdout);
        assert.match(wrong.stdout, /^wrong\.ts\(2,.*error TS2322: Type 'string' is not assignable to type 'EnvironmentSpec'/m);
    });

    it("require('vss-fleet') gives the components; require('vss-fleet/stack') the program", () => {
        const script =
            'const v = require("vss-fleet"); const s = require("vss-fleet/stack");' +
            "console.log([typeof v.BackupEnvironment, typeof v.parseEnvironment, typeof s.defineStackFromConfig].join(' '))";
        assert.strictEqual(ok(sh(process.execPath, ["-e", script], app), "require"), "function function function\n");
    });

    it("the lifecycle function bundled from the installed package is byte for byte the repository's", () => {
        const bundle = path.join(app, "node_modules", "vss-fleet", "dist", "components", "lifecycle", "functionBundle.js");
        const script = `process.stdout.write(require("crypto").createHash("sha256").update(require(${JSON.stringify(bundle)}).lifecycleFunctionBundle()).digest("hex"))`;
        const installed = ok(sh(process.execPath, ["-e", script], app), "bundle");
        assert.strictEqual(installed, createHash("sha256").update(lifecycleFunctionBundle()).digest("hex"));
    });

    it("the shipped policy pack (dist/policies) starts under Pulumi's policy host, as `--policy-pack` and `pulumi policy publish` use it", async () => {
        const pack = path.join(app, "node_modules", "vss-fleet", "dist", "policies");
        const host = path.join(app, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        const child = spawn(process.execPath, [host, "127.0.0.1:0", "."], {
            cwd: pack,
            env: shellEnv(),
            stdio: ["ignore", "pipe", "pipe"],
        });
        try {
            let stderr = "";
            child.stderr.on("data", (chunk) => (stderr += String(chunk)));
            const port = await new Promise<string>((resolve, reject) => {
                child.stdout.once("data", (chunk) => resolve(String(chunk).trim()));
                child.once("exit", (code) => reject(new Error(`policy host exited ${code}: ${stderr}`)));
            });
            assert.match(port, /^\d+$/);
        } finally {
            child.kill();
        }
    });

    it("init saw the tarball install: it copied the tarball into myfleet/vendor/ and package.json depends on that file", () => {
        const vendored = path.join(fleet, "vendor", tarball);
        assert.ok(fs.readFileSync(vendored).equals(fs.readFileSync(path.join(tmp, tarball))), "the vendored tarball is the packed one");
        const pkg = JSON.parse(fs.readFileSync(path.join(fleet, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.strictEqual(pkg.dependencies["vss-fleet"], `file:vendor/${tarball}`);
        assert.match(initOut, new RegExp(`^created myfleet/vendor/${tarball.replace(/\./g, "\\.")}$`, "m"));
        assert.match(
            initOut,
            /^Next:\n {2}cd myfleet && npm install {4}# vss-fleet from vendor\/vss-fleet-0\.1\.0\.tgz \(a copy of .*\): commit it/m,
        );
    });

    it("in myfleet, the printed `npm install` works, then the workflow's `npm ci` from the lockfile it wrote", function () {
        this.timeout(900_000);
        offline(sh("npm", ["install", "--no-audit", "--no-fund", "--offline"], fleet), "npm install in myfleet");
        const lock = JSON.parse(fs.readFileSync(path.join(fleet, "package-lock.json"), "utf8")) as {
            packages: Record<string, { resolved?: string }>;
        };
        assert.strictEqual(lock.packages["node_modules/vss-fleet"].resolved, `file:vendor/${tarball}`);
        fs.rmSync(path.join(fleet, "node_modules"), { recursive: true, force: true });
        ok(sh("npm", ["ci", "--no-audit", "--no-fund", "--offline"], fleet), "npm ci in myfleet");
        assert.strictEqual(ok(sh("npx", ["vss-fleet", "--version"], fleet), "--version in myfleet"), "0.1.0\n");
        assert.ok(!fs.lstatSync(path.join(fleet, "node_modules", "vss-fleet")).isSymbolicLink());
    });
});
