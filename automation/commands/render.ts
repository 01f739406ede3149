/** `vss-fleet render`: the stack files from the manifest; --check compares instead of writing. */
import * as path from "path";
import { shellQuote } from "../display";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { flag, json, stacksDir } from "./options";

export default defineCommand({
    name: "render",
    description: "Write stacks/Pulumi.<env>.yaml from the manifest; --check fails when the committed files differ.",
    examples: ["vss-fleet render fleet.yaml", "vss-fleet render fleet.yaml --check"],
    takesManifest: true,
    options: [
        flag("check", "--check", "compare instead of writing; exit 1 when a stack file disagrees with the manifest"),
        stacksDir,
        json,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const { checkStacks, renderStacks } = await import("../driver/stackFiles");
        const fleet = loadManifest(manifest);
        if (options.check) {
            const problems = checkStacks(fleet.environments, options.stacksDir);
            if (options.json) {
                io.out(JSON.stringify({ ok: problems.length === 0, check: true, differences: problems }));
                return problems.length === 0 ? EXIT.ok : EXIT.violations;
            }
            for (const problem of problems) {
                io.err(`${path.relative(process.cwd(), problem.split(": ")[0])}: ${problem.split(": ").slice(1).join(": ")}`);
            }
            if (problems.length > 0) {
                // The command stands alone on its line, so a quoted path is pasted into a shell as it is.
                // The same folder as checked: a fix that wrote into stacks/ would leave the checked one stale.
                const into = path.normalize(options.stacksDir) === "stacks" ? "" : ` --stacks-dir ${shellQuote(options.stacksDir)}`;
                io.err(`run this, then commit the result:\n  vss-fleet render ${shellQuote(manifest)}${into}`);
            }
            io.out(problems.length === 0 ? `stack files match ${manifest}` : `${problems.length} difference(s)`);
            return problems.length === 0 ? EXIT.ok : EXIT.violations;
        }
        const files = renderStacks(fleet.environments, options.stacksDir, manifest);
        io.out(
            options.json
                ? JSON.stringify({ ok: true, wrote: files.map((f) => path.relative(process.cwd(), f)) })
                : files.map((f) => `wrote ${path.relative(process.cwd(), f)}`).join("\n"),
        );
        return EXIT.ok;
    },
});
