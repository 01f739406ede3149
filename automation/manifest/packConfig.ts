/**
 * The policy pack's projection of a fleet manifest: the config the pack reads for one environment's
 * stack (which environments exist and their target tags, the exemptions, this account and region's
 * inventory). The GitOps driver writes it to the file `pulumi preview --policy-pack-config` reads; the
 * offline engine hands it to the in-process runner, so both judge with the same config.
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import type { PackConfig } from "../offline/policyRuntime";
import type { Fleet, FleetEnvironment } from "./load";

/** The policy config the driver generates for one environment's stack. */
export function generatedPolicyConfig(
    fleet: Fleet,
    env: FleetEnvironment,
    inventory: readonly InventoryInstance[],
    options: { readonly resolveAmis: boolean },
): PackConfig {
    const environments = fleet.environments.map((e) => ({ name: e.spec.name, targetTags: e.spec.targetTags }));
    const exemptions = [...env.exemptions];
    const enrollment = { environments, exemptions, resolveAmis: options.resolveAmis };
    return {
        "windows-instance-enrolled": enrollment,
        "windows-instance-can-run-snapshot": enrollment,
        "fleet-windows-instances-enrolled": {
            environment: {
                name: env.spec.name,
                targetTags: env.spec.targetTags,
                accountId: env.spec.accountId,
                region: env.spec.region,
                scopeTags: env.scopeTags,
            },
            // An environment's inventory is its account and region's instances; the policy applies the scope tags.
            inventory: inventory.filter((i) => i.accountId === env.spec.accountId && i.region === env.spec.region),
            exemptions,
        },
    };
}
