/**
 * What each command loads, seen from inside a fresh CLI process (the compiled one, as users run it):
 * a preloaded script lists require.cache when the process exits. `--help`, `--version` and `validate`
 * load neither Pulumi nor the AWS SDK; `plan --offline` loads no AWS SDK client, no Automation API
 * and no TypeScript compiler. Module counts, not times: nothing here depends on the machine's load.
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { version } from "../../package.json";

const ROOT = path.join(__dirname, "..", "..");

/** Runs in the child: on exit, the loaded files, leaving out the stand-ins of automation/offline/deferredModules. */
const PRELOAD = `
process.on("exit", () => {
    const marker = Symbol.for("vss-fleet.deferredModule");
    const loaded = Object.entries(require.cache).filter(([, m]) => !m[marker]).map(([file]) => file);
    require("fs").writeFileSync(process.env.VSS_TEST_LOADED, JSON.stringify(loaded));
});
`;

interface Loaded {
    readonly code: number | null;
    readonly out: string;
    readonly files: string[];
}

describe("what each command loads", function () {
    this.timeout(240_000);
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-startup-"));
        fs.writeFileSync(path.join(dir, "preload.js"), PRELOAD);
        // The compiled CLI is what users start; build it as the compiled-CLI test does.
        execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
        execFileSync(process.execPath, ["scripts/copy-assets.js"], { cwd: ROOT });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function run(...argv: string[]): Loaded {
        const list = path.join(dir, "loaded.json");
        const env: NodeJS.ProcessEnv = { ...process.env, VSS_TEST_LOADED: list };
        delete env.VSS_FLEET_FROM_SOURCE;
        const child = spawnSync(process.execPath, ["--require", path.join(dir, "preload.js"), "bin/vss-fleet.js", ...argv], {
            cwd: ROOT,
            encoding: "utf8",
            env,
        });
        return { code: child.status, out: child.stdout, files: JSON.parse(fs.readFileSync(list, "utf8")) as string[] };
    }

    const under = (files: readonly string[], folder: string) =>
        files.filter((f) => f.includes(`${path.sep}node_modules${path.sep}${folder}`));

    it("runs the compiled CLI", () => {
        const { files } = run("--version");
        assert.ok(
            files.some((f) => f.endsWith(path.join("dist", "automation", "cli.js"))),
            "dist/automation/cli.js is loaded",
        );
        assert.deepStrictEqual(under(files, "ts-node"), []);
    });

    for (const argv of [["--help"], ["--version"], ["validate", "examples/fleet.yaml"]]) {
        it(`${argv.join(" ")}: neither Pulumi nor the AWS SDK`, () => {
            const { code, files } = run(...argv);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(under(files, "@pulumi"), []);
            assert.deepStrictEqual(under(files, "@aws-sdk"), []);
            assert.deepStrictEqual(under(files, "typescript"), []);
        });
    }

    it("--version prints package.json's version", () => {
        assert.strictEqual(run("--version").out, `${version}\n`);
        assert.match(version, /^\d+\.\d+\.\d+/);
    });

    it("the deferred modules load on first use", () => {
        const script =
            'require("./dist/automation/offline/deferredModules"); const pulumi = require("@pulumi/pulumi"); ' +
            'console.log(typeof pulumi.automation.LocalWorkspace.create, typeof require("typescript").createSourceFile)';
        const child = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(child.stdout, "function function\n", child.stderr);
    });

    it("plan --offline: Pulumi and the policy pack, but no AWS SDK client, no Automation API, no TypeScript", () => {
        const { code, files } = run("plan", "examples/fleet.yaml", "--offline", "--inventory", "examples/inventory.json");
        assert.strictEqual(code, 0);
        assert.ok(under(files, path.join("@pulumi", "pulumi")).length > 10, "the mock runtime is loaded");
        assert.ok(under(files, path.join("@pulumi", "policy")).length > 0, "the policy pack is loaded");
        assert.deepStrictEqual(under(files, "@aws-sdk"), []);
        assert.deepStrictEqual(under(files, path.join("@pulumi", "pulumi", "automation")), []);
        assert.deepStrictEqual(under(files, "typescript"), []);
    });
});
