/**
 * `vss-fleet init [dir]`: a new fleet repository (docs/adopting.md). Refuses, writing nothing, when any
 * file it would write is already there.
 */
import * as fs from "fs";
import * as path from "path";
import { shellQuote } from "../display";
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
        const dir = operand ?? ".";
        const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as Parameters<typeof scaffoldFiles>[1];
        const written = writeScaffold(dir, scaffoldFiles(dir, pkg));
        io.out(written.map((f) => `created ${f}`).join("\n"));
        const cd = path.resolve(dir) === process.cwd() ? "" : `cd ${shellQuote(dir)} && `;
        io.out(
            [
                "",
                "Next:",
                `  ${cd}npm install    # vss-fleet and the Pulumi SDK; commit package-lock.json too`,
                `  npx vss-fleet validate ${MANIFEST}`,
                `  npx vss-fleet plan ${MANIFEST} --offline`,
                `Then replace the example accounts, regions and tags in ${MANIFEST} and run 'npx vss-fleet render ${MANIFEST}'.`,
            ].join("\n"),
        );
        return EXIT.ok;
    },
});
