/**
 * Every Pulumi project of this repository runs its stack program, by the rules Pulumi itself applies
 * (test/stacks/entryPoint.ts): this repository, whose package.json names the component library as its
 * entry point, and the fleet repository `vss-fleet init` writes. Without an engine, so an entry point
 * that silently deploys the wrong module is caught by the fast tiers too.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scaffoldFiles, writeScaffold } from "../../automation/init/scaffold";
import { programLocation, pulumiEntryPoint } from "./entryPoint";

const REPO = path.join(__dirname, "..", "..");
const SDK = path.join(REPO, "node_modules", "@pulumi", "pulumi");
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};

/** Pulumi.yaml files in the repository (not stack files, not installed or built copies). */
function projectFiles(dir = REPO, rel = ""): string[] {
    return fs
        .readdirSync(path.join(dir, rel), { withFileTypes: true })
        .filter((e) => !["node_modules", "dist", ".git", "reports", ".stryker-tmp"].includes(e.name))
        .flatMap((e) => {
            const file = path.posix.join(rel, e.name);
            return e.isDirectory() ? projectFiles(dir, file) : /^Pulumi\.ya?ml$/.test(e.name) ? [file] : [];
        })
        .sort();
}

describe("the program `pulumi up` runs, as @pulumi/pulumi's cmd/run picks it", function () {
    this.timeout(60_000);
    let tmp: string;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-entry-test-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("the repository has two Pulumi projects: itself and the init template", () => {
        // A new one must be added to the cases below.
        assert.deepStrictEqual(projectFiles(), ["Pulumi.yaml", "templates/fleet/Pulumi.yaml"]);
    });

    it("this repository runs stacks/index.ts, not its package.json's library entry", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { main: string };
        assert.strictEqual(pkg.main, "dist/components/index.js", "the library entry this case guards against");
        assert.strictEqual(pulumiEntryPoint(REPO, SDK), path.join(REPO, "stacks", "index.ts"));
    });

    it("a fleet repository from `vss-fleet init` runs its stacks/index.ts", () => {
        const fleet = path.join(tmp, "fleet");
        writeScaffold(fleet, scaffoldFiles(fleet, PKG));
        assert.strictEqual(pulumiEntryPoint(fleet, SDK), path.join(fleet, "stacks", "index.ts"));
    });

    it("...and still does once its package.json names an entry point of its own", () => {
        const fleet = path.join(tmp, "fleet-with-main");
        writeScaffold(fleet, scaffoldFiles(fleet, PKG));
        const pkgFile = path.join(fleet, "package.json");
        const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as Record<string, unknown>;
        fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, main: "lib/index.js", exports: { ".": "./lib/index.js" } }));
        fs.mkdirSync(path.join(fleet, "lib"));
        fs.writeFileSync(path.join(fleet, "lib", "index.js"), "");
        assert.strictEqual(pulumiEntryPoint(fleet, SDK), path.join(fleet, "stacks", "index.ts"));
    });

    it("the check can fail: `main: stacks/` runs the package's exports['.'], then its main", () => {
        const project = path.join(tmp, "folder-main");
        fs.mkdirSync(path.join(project, "stacks"), { recursive: true });
        fs.mkdirSync(path.join(project, "lib"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: stacks/\n");
        fs.writeFileSync(path.join(project, "stacks", "index.ts"), "");
        fs.writeFileSync(path.join(project, "lib", "exported.js"), "");
        fs.writeFileSync(path.join(project, "lib", "main.js"), "");
        const manifest = { name: "p", main: "lib/main.js", exports: { ".": { types: "./x.d.ts", default: "./lib/exported.js" } } };
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest));
        assert.deepStrictEqual(programLocation(project), { pwd: path.join(project, "stacks"), program: "." });
        assert.strictEqual(pulumiEntryPoint(project, SDK), path.join(project, "lib", "exported.js"));
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ ...manifest, exports: undefined }));
        assert.strictEqual(pulumiEntryPoint(project, SDK), path.join(project, "lib", "main.js"));
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "p" }));
        assert.strictEqual(pulumiEntryPoint(project, SDK), path.join(project, "stacks", "index.ts"));
    });
});
