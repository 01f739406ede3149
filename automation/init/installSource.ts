/**
 * Where the running vss-fleet came from, so that `init` writes a package.json whose `npm install` works
 * here and whose `npm ci` works in the workflow: from a registry (`^version`), from a tarball (the
 * tarball, copied into the new repository's vendor/ and committed), or from a folder (a clone, `npm
 * link` or `npm install <folder>`: a path on this machine only, so the repository gets a tarball packed
 * from it). Read from the installed package's real location and the host project's lockfile, which
 * records what npm resolved (`file:../vss-fleet-0.1.0.tgz`, or a registry URL).
 */
import * as fs from "fs";
import * as path from "path";

export type InstallSource =
    | { readonly kind: "registry" }
    /** `tarball` is absolute; it may have been moved or deleted since the install. */
    | { readonly kind: "tarball"; readonly tarball: string }
    | { readonly kind: "folder"; readonly folder: string };

/** The folder of the new repository that holds the vss-fleet tarball when no registry has it. */
const VENDOR = "vendor";

interface LockPackage {
    readonly resolved?: string;
    readonly link?: boolean;
}

function readJson(file: string): unknown {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    } catch {
        return undefined;
    }
}

/** What npm recorded for the package at `key` (`node_modules/vss-fleet`) in the host's lockfiles, first found wins. */
function lockedSpec(host: string, key: string): string | undefined {
    for (const file of [path.join(host, "package-lock.json"), path.join(host, "node_modules", ".package-lock.json")]) {
        const lock = readJson(file) as { packages?: Record<string, LockPackage> } | undefined;
        const resolved = lock?.packages?.[key]?.resolved;
        if (resolved) {
            return resolved;
        }
    }
    const manifest = readJson(path.join(host, "package.json")) as { dependencies?: Record<string, string> } | undefined;
    return manifest?.dependencies?.["vss-fleet"];
}

function fromSpec(host: string, spec: string | undefined): InstallSource {
    if (spec?.startsWith("file:")) {
        const target = path.resolve(host, spec.slice("file:".length));
        return /\.(tgz|tar\.gz)$/.test(target) ? { kind: "tarball", tarball: target } : { kind: "folder", folder: target };
    }
    // A registry URL, a version range, or nothing recorded (a global install has no lockfile): the registry.
    return { kind: "registry" };
}

/** @param packageRoot the running package's folder (PACKAGE_ROOT); symbolic links are followed. */
export function installSourceOf(packageRoot: string): InstallSource {
    const real = fs.realpathSync(packageRoot);
    const parts = real.split(path.sep);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0) {
        // Not inside any node_modules: a clone run directly, or a link (npm link, npm install <folder>) to one.
        return { kind: "folder", folder: real };
    }
    const host = parts.slice(0, at).join(path.sep) || path.sep;
    return fromSpec(host, lockedSpec(host, path.relative(host, real).split(path.sep).join("/")));
}

/** The tarball's path inside the new repository, with forward slashes (as package.json writes it). */
export function vendoredTarball(source: InstallSource, version: string): string | undefined {
    switch (source.kind) {
        case "registry":
            return undefined;
        case "tarball":
            return `${VENDOR}/${path.basename(source.tarball)}`;
        case "folder":
            // The name `npm pack` gives it.
            return `${VENDOR}/vss-fleet-${version}.tgz`;
    }
}

/** The dependency on vss-fleet that works both here and in the workflow's `npm ci`. */
export function dependencySpec(source: InstallSource, version: string): string {
    const vendored = vendoredTarball(source, version);
    return vendored ? `file:${vendored}` : `^${version}`;
}

/** Shell-safe enough for a printed command: quoted only when needed. */
function arg(value: string): string {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The commands that give the new repository in `dir` its vss-fleet before `npm install`, for a folder
 * install (a tarball is copied by init itself; a registry needs none). `dir` as the user named it.
 */
export function preparationCommands(source: InstallSource, version: string, dir: string): string[] {
    const vendored = vendoredTarball(source, version);
    if (source.kind !== "folder" || !vendored) {
        return [];
    }
    const target = path.join(dir, ...vendored.split("/"));
    // `npm pack` in the folder itself, so its prepack builds dist/ as for any release.
    return [
        `mkdir -p ${arg(path.dirname(target))} && (cd ${arg(source.folder)} && npm pack --pack-destination ${arg(path.resolve(path.dirname(target)))})`,
    ];
}
