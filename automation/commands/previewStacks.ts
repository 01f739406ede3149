/**
 * `vss-fleet preview-stacks`: the shipped stacks/Pulumi.<env>.yaml files, each through the real program
 * under Pulumi's mock runtime (no credentials, no Pulumi CLI), listing what each would create. Exit 0
 * when every stack is valid, 2 when a stack's config is not (the message names file:line:col).
 */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";

export default defineCommand({
    name: "preview-stacks",
    description: "Preview the shipped stacks/Pulumi.<env>.yaml offline: the real program under mocks, listing what each stack creates.",
    examples: ["vss-fleet preview-stacks"],
    takesManifest: false,
    options: [],
    async run({ io }) {
        const pulumi = await import("@pulumi/pulumi");
        const { formatPlan, planStack, stackNames } = await import("../offline/planStacks");
        const { STACK_CONFIG_DIR } = await import("../../stacks/stackConfig");
        const stacks = stackNames(STACK_CONFIG_DIR);
        io.out(`vss-fleet offline preview of ${stacks.length} stack(s) in stacks/ (mock runtime: no credentials, no Pulumi CLI)\n`);
        let failed = false;
        for (const stack of stacks) {
            try {
                io.out(formatPlan(await planStack(stack)) + "\n");
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
