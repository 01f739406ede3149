/**
 * Which policy pack a run attaches. A fleet repository made by `vss-fleet init` has no policies/ of
 * its own: the pack ships inside the installed vss-fleet (compiled, in dist/policies/). A project that
 * keeps its own pack folder beside Pulumi.yaml, as this repository does, has that one attached.
 */
import * as fs from "fs";
import * as path from "path";

/** The pack this copy of vss-fleet ships: policies/ in the sources, dist/policies/ when compiled. */
export const SHIPPED_POLICY_PACK = path.join(__dirname, "..", "..", "policies");

export function policyPackDir(workDir: string, shipped: string = SHIPPED_POLICY_PACK): string {
    const own = path.join(workDir, "policies");
    return fs.existsSync(path.join(own, "PulumiPolicy.yaml")) ? own : shipped;
}
