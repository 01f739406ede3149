/**
 * The lockfile of an empty project that installs the packed tarball, made from this repository's
 * package-lock.json: the tarball, then every package the repository locks that is not only for its
 * development. With it, `npm install --offline <tarball>` installs exactly the versions this
 * repository is tested with, from npm's cache (which `npm ci` filled), without asking the registry.
 */
import * as fs from "fs";
import * as path from "path";

interface LockEntry {
    readonly dev?: boolean;
    readonly devOptional?: boolean;
    readonly [key: string]: unknown;
}

interface Manifest {
    readonly version: string;
    readonly license: string;
    readonly dependencies: Record<string, string>;
    readonly bin: Record<string, string>;
    readonly engines: Record<string, string>;
}

/** Writes package.json and package-lock.json of an app in `dir` that depends on `tarball` (relative to dir). */
export function seedApp(dir: string, tarball: string, root: string): void {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Manifest;
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
    const spec = `file:${tarball}`;
    const packages: Record<string, unknown> = {
        "": { name: "app", dependencies: { "vss-fleet": spec } },
        "node_modules/vss-fleet": {
            version: manifest.version,
            resolved: spec,
            license: manifest.license,
            dependencies: manifest.dependencies,
            bin: manifest.bin,
            engines: manifest.engines,
        },
    };
    for (const [key, entry] of Object.entries(lock.packages)) {
        // devOptional: typescript and ts-node, the optional peers of @pulumi/pulumi, here only as dev tools.
        if (key !== "" && !entry.dev && !entry.devOptional) {
            packages[key] = entry;
        }
    }
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "app", private: true, dependencies: { "vss-fleet": spec } }, null, 2),
    );
    fs.writeFileSync(
        path.join(dir, "package-lock.json"),
        JSON.stringify({ name: "app", lockfileVersion: 3, requires: true, packages }, null, 2),
    );
}
