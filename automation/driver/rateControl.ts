/**
 * The driver's half of the default rate control: `pulumi up` has no inventory, so before any stack
 * runs the driver sizes each environment's unset maxConcurrency and maxErrors from its inventory
 * (live, or --inventory files), exactly as the offline plan does, and writes them to the stack file
 * as vss-fleet:rateControl, which the program reads (stacks/stackConfig.ts loadStackRateControl).
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import type { FleetEnvironment } from "../manifest/load";
import { burstWarnings } from "../offline/capacity";
import { census } from "../offline/census";
import { chooseRateControls } from "../offline/rateControl";
import { writeRateControl } from "./stackFiles";

/**
 * An environment whose inventory cannot be read counts as 0 enrolled here (its own run fails on the
 * same read a moment later); the others still size against the burst it would share.
 */
export async function sizeRateControls(
    chosen: readonly FleetEnvironment[],
    inventoryOf: (env: FleetEnvironment) => Promise<readonly InventoryInstance[]>,
    stacksDir: string,
    log: (line: string) => void,
    today: Date = new Date(),
): Promise<void> {
    const enrolled = await Promise.all(
        chosen.map(async (env) => {
            try {
                return census(env, await inventoryOf(env), today).windows.enrolled;
            } catch {
                return 0;
            }
        }),
    );
    const chosenRates = chooseRateControls(chosen.map((env, i) => ({ spec: env.spec, enrolled: enrolled[i] })));
    const shared = burstWarnings(
        chosen.map((env, i) => ({ spec: { ...env.spec, maxConcurrency: chosenRates[i].maxConcurrency }, enrolled: enrolled[i] })),
    );
    for (const [i, env] of chosen.entries()) {
        writeRateControl(stacksDir, env.spec.name, chosenRates[i]);
        log(`[${env.spec.name}] Rate control: ${chosenRates[i].why}`);
        for (const warning of shared.get(env.spec.name) ?? []) {
            log(`[${env.spec.name}] Warning: ${warning}`);
        }
    }
}
