/**
 * Where the running vss-fleet came from (automation/init/installSource.ts), on the layouts npm leaves:
 * a registry install, a tarball install (package-lock.json, or only node_modules/.package-lock.json),
 * a folder install (a symbolic link), a clone run directly, and a global install with no lockfile.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dependencySpec, installSourceOf, preparationCommands } from "../../../automation/init/installSource";

function write(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
}

const lockOf = (resolved: string) => ({ lockfileVersion: 3, packages: { "node_modules/vss-fleet": { version: "0.1.0", resolved } } });

describe("where vss-fleet was installed from", () => {
    let tmp: string;
    beforeEach(() => (tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "vss-install-")))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function installed(host: string): string {
        const pkg = path.join(host, "node_modules", "vss-fleet");
        fs.mkdirSync(pkg, { recursive: true });
        return pkg;
    }

    it("the registry: a registry URL in the host's package-lock.json; ^version", () => {
        const app = path.join(tmp, "app");
        const pkg = installed(app);
        write(path.join(app, "package-lock.json"), lockOf("https://registry.npmjs.org/vss-fleet/-/vss-fleet-0.1.0.tgz"));
        const source = installSourceOf(pkg);
        assert.deepStrictEqual(source, { kind: "registry" });
        assert.strictEqual(dependencySpec(source, "0.1.0"), "^0.1.0");
        assert.deepStrictEqual(preparationCommands(source, "0.1.0", "myfleet"), []);
    });

    it("a tarball: file:../x.tgz resolved against the host, from package-lock.json or node_modules/.package-lock.json", () => {
        const app = path.join(tmp, "app");
        const pkg = installed(app);
        write(path.join(app, "node_modules", ".package-lock.json"), lockOf("file:../vss-fleet-0.1.0.tgz"));
        const source = installSourceOf(pkg);
        assert.deepStrictEqual(source, { kind: "tarball", tarball: path.join(tmp, "vss-fleet-0.1.0.tgz") });
        assert.strictEqual(dependencySpec(source, "0.1.0"), "file:vendor/vss-fleet-0.1.0.tgz");
        // init copies the tarball itself: nothing to run first.
        assert.deepStrictEqual(preparationCommands(source, "0.1.0", "myfleet"), []);
        // package-lock.json wins over the hidden lockfile.
        write(path.join(app, "package-lock.json"), lockOf("file:/opt/dist/vss-fleet-0.2.0.tgz"));
        assert.deepStrictEqual(installSourceOf(pkg), { kind: "tarball", tarball: "/opt/dist/vss-fleet-0.2.0.tgz" });
        assert.strictEqual(dependencySpec(installSourceOf(pkg), "0.2.0"), "file:vendor/vss-fleet-0.2.0.tgz");
    });

    it("no lockfile: the host's package.json spec decides (file: a tarball), else the registry (a global install)", () => {
        const app = path.join(tmp, "app");
        const pkg = installed(app);
        assert.deepStrictEqual(installSourceOf(pkg), { kind: "registry" });
        write(path.join(app, "package.json"), { dependencies: { "vss-fleet": "file:dist/vss-fleet-0.1.0.tgz" } });
        assert.deepStrictEqual(installSourceOf(pkg), { kind: "tarball", tarball: path.join(app, "dist", "vss-fleet-0.1.0.tgz") });
    });

    it("a folder: a link in node_modules (npm install <folder>, npm link) or a clone run directly; npm pack in that folder", () => {
        const clone = path.join(tmp, "clone dir");
        fs.mkdirSync(clone);
        const app = path.join(tmp, "app");
        fs.mkdirSync(path.join(app, "node_modules"), { recursive: true });
        fs.symlinkSync(clone, path.join(app, "node_modules", "vss-fleet"));
        const source = installSourceOf(path.join(app, "node_modules", "vss-fleet"));
        assert.deepStrictEqual(source, { kind: "folder", folder: clone });
        assert.deepStrictEqual(installSourceOf(clone), source);
        assert.strictEqual(dependencySpec(source, "0.1.0"), "file:vendor/vss-fleet-0.1.0.tgz");
        assert.deepStrictEqual(preparationCommands(source, "0.1.0", "myfleet"), [
            `mkdir -p myfleet/vendor && (cd '${clone}' && npm pack --pack-destination ${path.resolve("myfleet", "vendor")})`,
        ]);
    });
});
