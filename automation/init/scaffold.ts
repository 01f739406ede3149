/**
 * What `vss-fleet init` writes: a fleet repository made from the package's templates/fleet/, the
 * package's own GitHub workflow (one file for this repository and every scaffold, so they never drift
 * apart), a package.json that depends on this version of vss-fleet, and the stack files rendered from
 * the template manifest, so that `render --check`, `validate` and `plan --offline` pass out of the box.
 */
import * as fs from "fs";
import * as path from "path";
import { renderStackFile, stackFileOf } from "../driver/stackFiles";
import { UserInputError } from "../errors";
import { WriteFailed, writeFileAtomic } from "../io/atomicWrite";
import { errnoText } from "../io/errno";
import { parseManifest } from "../manifest/load";
import { dependencySpec, vendoredTarball, type InstallSource } from "./installSource";

/**
 * The package's own folder (templates/, .github/): two levels above this file in the sources, three
 * when it runs compiled from dist/. Only the package's assets are read from here, never a user's files.
 */
export const PACKAGE_ROOT = packageRoot(path.join(__dirname, "..", ".."));

function packageRoot(up: string): string {
    return path.basename(up) === "dist" ? path.dirname(up) : up;
}

export interface ScaffoldFile {
    /** Relative to the new repository, with forward slashes. */
    readonly path: string;
    readonly content: string;
}

/** What package.json needs from vss-fleet's own: its version and the versions it is built with. */
export interface PackageInfo {
    readonly version: string;
    readonly dependencies: Readonly<Record<string, string>>;
    readonly devDependencies: Readonly<Record<string, string>>;
}

/** The manifest the scaffold starts with, whose stack files init renders. */
export const MANIFEST = "fleet.yaml";

/**
 * Template names that npm or this repository's own tools would treat as real files: npm never packs a
 * file named .gitignore, and a .ts file under templates/ would be linted and type-checked here.
 */
function targetName(template: string): string {
    return template === "gitignore" ? ".gitignore" : template.replace(/\.template$/, "");
}

function templateFiles(dir: string, prefix = ""): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) =>
            entry.isDirectory() ? templateFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
        );
}

/** An npm package name from the folder's name: lower case, letters, digits and `-._`; "fleet" if nothing is left. */
export function packageNameOf(dir: string): string {
    const name = path
        .basename(path.resolve(dir))
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, "-")
        .replace(/^[._-]+|[-]+$/g, "");
    return name || "fleet";
}

function packageJson(name: string, pkg: PackageInfo, source: InstallSource): string {
    const manifest = {
        name,
        private: true,
        description: "Our Windows fleet's VSS-consistent EBS snapshots, deployed with vss-fleet.",
        scripts: {
            validate: `vss-fleet validate ${MANIFEST}`,
            render: `vss-fleet render ${MANIFEST}`,
            plan: `vss-fleet plan ${MANIFEST} --offline`,
        },
        engines: { node: ">=22.12.0" },
        // The Pulumi SDK the program runs on must be the one vss-fleet is built with: one copy.
        dependencies: { "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"], "vss-fleet": dependencySpec(source, pkg.version) },
        // Pulumi type-checks the TypeScript program with the project's own TypeScript and ts-node.
        devDependencies: {
            "@types/node": pkg.devDependencies["@types/node"],
            "ts-node": pkg.devDependencies["ts-node"],
            typescript: pkg.devDependencies["typescript"],
        },
        // npm runs no install script unless allowed: esbuild's checks its binary, protobufjs's its build.
        allowScripts: { esbuild: true, protobufjs: true },
    };
    return JSON.stringify(manifest, null, 2) + "\n";
}

/** The README's paragraph on where vss-fleet comes from, for `npm install` here and `npm ci` in the workflow. */
function installNote(source: InstallSource, version: string): string {
    const vendored = vendoredTarball(source, version);
    if (!vendored) {
        return `\`package.json\` depends on \`vss-fleet@^${version}\` from the npm registry.`;
    }
    return [
        `vss-fleet is not installed from a registry here: \`package.json\` depends on the tarball \`${vendored}\`.`,
        "Commit it with `package-lock.json`: the workflow's `npm ci` installs from it. To upgrade, replace it with",
        `the new version's tarball (\`npm pack\` in a clone of vss-fleet), change the file name in \`package.json\`, and`,
        "run `npm install`. Once vss-fleet is in a registry your CI can reach, `npm install vss-fleet@^<version>` replaces it.",
    ].join("\n");
}

/**
 * Every file of the new repository, in the order they are listed (nothing is written here). `source`
 * is where the running vss-fleet came from (installSource.ts): the registry unless told otherwise.
 */
export function scaffoldFiles(
    dir: string,
    pkg: PackageInfo,
    root: string = PACKAGE_ROOT,
    source: InstallSource = { kind: "registry" },
): ScaffoldFile[] {
    const name = packageNameOf(dir);
    const fill = (text: string) =>
        text
            .replaceAll("{{name}}", name)
            .replaceAll("{{version}}", pkg.version)
            .replaceAll("{{install}}", installNote(source, pkg.version));
    const templates = path.join(root, "templates", "fleet");
    const files: ScaffoldFile[] = templateFiles(templates).map((t) => ({
        path: targetName(t),
        content: fill(fs.readFileSync(path.join(templates, t), "utf8")),
    }));
    files.push({
        path: ".github/workflows/vss-fleet.yml",
        content: fs.readFileSync(path.join(root, ".github", "workflows", "vss-fleet.yml"), "utf8"),
    });
    files.push({ path: "package.json", content: packageJson(name, pkg, source) });
    const manifest = files.find((f) => f.path === MANIFEST);
    if (!manifest) {
        throw new Error(`templates/fleet/ has no ${MANIFEST}`);
    }
    for (const env of parseManifest(MANIFEST, manifest.content).environments) {
        files.push({
            path: stackFileOf("stacks", env.spec.name).split(path.sep).join("/"),
            content: renderStackFile(undefined, env, MANIFEST),
        });
    }
    return files;
}

/**
 * Writes the files into `dir` (created if missing), or nothing at all: every path is checked before
 * the first write, and each file is created exclusively, so an existing file is never overwritten.
 */
export function writeScaffold(dir: string, files: readonly ScaffoldFile[]): string[] {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
        throw new UserInputError([`${dir}: exists and is not a folder; vss-fleet init needs a new or existing folder`]);
    }
    const targets = files.map((f) => path.join(dir, ...f.path.split("/")));
    // A folder the scaffold needs (stacks/, .github/) that is a file would stop the writes half way.
    const folders = [
        ...new Set(
            files.flatMap((f) =>
                f.path
                    .split("/")
                    .slice(0, -1)
                    .map((_, i, parts) => path.join(dir, ...parts.slice(0, i + 1))),
            ),
        ),
    ];
    // lstat, not stat: a dangling symbolic link "does not exist" to stat, yet the exclusive write
    // refuses it, which would stop init after it had written the files before it.
    const links = [...folders, ...targets].filter((p) => entryOf(p)?.isSymbolicLink() && !isFolder(p));
    const blocked = folders.filter((f) => entryOf(f) !== undefined && !isFolder(f) && !links.includes(f));
    const taken = targets.filter((t) => entryOf(t) !== undefined && !links.includes(t));
    const count = blocked.length + links.length + taken.length;
    if (count > 0) {
        throw new UserInputError([
            ...blocked.map((f) => `${f}: is a file where vss-fleet init needs a folder`),
            ...links.map((l) => `${l}: is a symbolic link (to ${fs.readlinkSync(l)}); vss-fleet init writes no file through a link`),
            ...taken.map((t) => `${t}: already exists`),
            `vss-fleet init never overwrites a file, so it wrote nothing: init a new folder, or move ${count === 1 ? "that file" : "those files"} away`,
        ]);
    }
    writeAllOrNothing(dir, files, targets);
    return targets;
}

/** The entry itself (a link is not followed), or undefined when there is none. */
function entryOf(file: string): fs.Stats | undefined {
    try {
        return fs.lstatSync(file);
    } catch {
        return undefined;
    }
}

/** A folder, or a link to one (a linked stacks/ folder is a choice the user may make). */
function isFolder(file: string): boolean {
    try {
        return fs.statSync(file).isDirectory();
    } catch {
        return false;
    }
}

/**
 * Each file written whole (exclusively: never over a file that appeared meanwhile); when one fails (a
 * full disk, a read-only folder), the files and folders this run created are removed again, so the
 * folder is as it was and the next `init` starts clean.
 */
function writeAllOrNothing(dir: string, files: readonly ScaffoldFile[], targets: readonly string[]): void {
    const createdFolders: string[] = [];
    const createdFiles: string[] = [];
    const makeFolder = (folder: string) => {
        if (fs.existsSync(folder)) {
            return;
        }
        makeFolder(path.dirname(folder));
        fs.mkdirSync(folder);
        createdFolders.push(folder);
    };
    try {
        files.forEach((file, i) => {
            try {
                makeFolder(path.dirname(targets[i]));
            } catch (error) {
                throw new WriteFailed([`${path.dirname(targets[i])}: cannot create the folder (${errnoText(error)})`]);
            }
            writeFileAtomic(targets[i], file.content, { exclusive: true });
            createdFiles.push(targets[i]);
        });
    } catch (error) {
        for (const file of createdFiles.reverse()) {
            fs.rmSync(file, { force: true });
        }
        for (const folder of createdFolders.reverse()) {
            try {
                fs.rmdirSync(folder); // empty by now; anything else in it is not ours and stays
            } catch {
                // not empty: another process wrote into it meanwhile
            }
        }
        const what =
            error instanceof WriteFailed
                ? error.problems[0].replace(/; (the file is unchanged|no file was created)$/, "")
                : errnoText(error);
        throw new WriteFailed([
            `${what}; vss-fleet init removed what it had written (${createdFiles.length} file(s)), so ${dir} is as it was: fix that and run init again`,
        ]);
    }
}
