/**
 * `vss-fleet preview-stacks`: the stack files (stacks/Pulumi.<env>.yaml in the working directory), each
 * through the real program under Pulumi's mock runtime (no credentials, no Pulumi CLI), listing what each would create. Exit 0
 * when every stack is valid, 2 when a stack's config is not (the message names file:line:col).
 */
import * as fs from "fs";
import { UserInputError } from "../errors";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { stacksDir } from "./options";

export default defineCommand({
    name: "preview-stacks",
    description:
        "Preview the stack files (stacks/Pulumi.<env>.yaml) offline: the real program under mocks, listing what each stack creates.",
    examples: ["vss-fleet preview-stacks"],
    takesManifest: false,
    options: [stacksDir],
    async run({ options, io }) {
        if (!fs.existsSync(options.stacksDir)) {
            throw new UserInputError([
                `${options.stacksDir}: no such folder; run in the fleet repository (beside Pulumi.yaml) or pass --stacks-dir`,
            ]);
        }
        const pulumi = await import("@pulumi/pulumi");
        const { formatPlan, planStack, stackNames } = await import("../offline/planStacks");
        const stacks = stackNames(options.stacksDir);
        io.out(
            `vss-fleet offline preview of ${stacks.length} stack(s) in ${options.stacksDir}/ (mock runtime: no credentials, no Pulumi CLI)\n`,
        );
        let failed = false;
        for (const stack of stacks) {
            try {
                io.out(formatPlan(await planStack(stack, options.stacksDir)) + "\n");
            } catch (error) {
                if (!pulumi.RunError.isInstance(error)) {
                    throw error;
                }
                io.err(error.message + "\n");
                failed = true;
            }
        }
        return failed ? EXIT.invalidInput : EXIT.ok;
    },
});
