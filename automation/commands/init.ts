/**
 * `vss-fleet init [dir]`: a new fleet repository (docs/adopting.md). Refuses, writing nothing, when any
 * file it would write is already there.
 */
import * as fs from "fs";
import * as path from "path";
import { shellQuote } from "../display";
import { UserInputError } from "../errors";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";

export default defineCommand({
    name: "init",
    description:
        "Scaffold a fleet repository: fleet.yaml, the Pulumi program and stacks/, the GitHub workflow, a README; never overwrites.",
    examples: ["vss-fleet init myfleet", "vss-fleet init ."],
    takesManifest: false,
    operand: { name: "dir", description: "the new repository's folder (default: the current one)" },
    options: [],
    async run({ operand, io }) {
        const { MANIFEST, PACKAGE_ROOT, scaffoldFiles, writeScaffold } = await import("../init/scaffold");
        const { installSourceOf, preparationCommands, vendoredTarball } = await import("../init/installSource");
        const dir = operand ?? ".";
        const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as Parameters<typeof scaffoldFiles>[1];
        const source = installSourceOf(PACKAGE_ROOT);
        const vendored = vendoredTarball(source, pkg.version);
        const vendorTarget = vendored ? path.join(dir, ...vendored.split("/")) : undefined;
        if (vendorTarget && fs.existsSync(vendorTarget)) {
            throw new UserInputError([
                `${vendorTarget}: already exists`,
                "vss-fleet init never overwrites a file, so it wrote nothing: init a new folder, or move that file away",
            ]);
        }
        const written = writeScaffold(dir, scaffoldFiles(dir, pkg, PACKAGE_ROOT, source));
        // A tarball install: the tarball goes into the repository, where the workflow's `npm ci` finds it.
        const copied = source.kind === "tarball" && vendorTarget !== undefined && fs.existsSync(source.tarball);
        if (copied) {
            const { writeFileAtomic } = await import("../io/atomicWrite");
            fs.mkdirSync(path.dirname(vendorTarget), { recursive: true });
            writeFileAtomic(vendorTarget, fs.readFileSync(source.tarball), { exclusive: true });
            written.push(vendorTarget);
        }
        io.out(written.map((f) => `created ${f}`).join("\n"));
        const here = path.resolve(dir) === process.cwd();
        const cd = here ? "" : `cd ${shellQuote(dir)} && `;
        const from =
            source.kind === "registry"
                ? "vss-fleet from the npm registry"
                : source.kind === "tarball"
                  ? `vss-fleet from ${vendored}${copied ? ` (a copy of ${source.tarball})` : ""}: commit it`
                  : `vss-fleet from ${vendored}, packed from ${source.folder}: commit it`;
        io.out(
            [
                "",
                ...(source.kind === "tarball" && !copied
                    ? [
                          `${source.tarball}, the tarball vss-fleet was installed from, is gone: put the vss-fleet ${pkg.version} tarball at ${vendorTarget}.`,
                      ]
                    : []),
                "Next:",
                ...preparationCommands(source, pkg.version, dir).map((c) => `  ${c}`),
                `  ${cd}npm install    # ${from}, and the Pulumi SDK; commit package-lock.json too`,
                `  npx vss-fleet validate ${MANIFEST}`,
                `  npx vss-fleet plan ${MANIFEST} --offline`,
                `Then replace the example accounts, regions and tags in ${MANIFEST} and run 'npx vss-fleet render ${MANIFEST}'.`,
            ].join("\n"),
        );
        return EXIT.ok;
    },
});
