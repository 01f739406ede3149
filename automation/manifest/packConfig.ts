/**
 * The policy pack's projection of a fleet manifest: the config the pack reads for one environment's
 * stack (which environments exist and their target tags, the exemptions, this account and region's
 * inventory). The GitOps driver writes it to the file `pulumi preview --policy-pack-config` reads; the
 * offline engine hands it to the in-process runner, so both judge with the same config.
 */
import { splitRolePath } from "../../components/naming";
import type { InventoryInstance } from "../../policies/policyConfig";
import { inventoryAt } from "../../policies/lib/fleetClassification";
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
    const fleetScope = {
        environment: {
            name: env.spec.name,
            targetTags: env.spec.targetTags,
            accountId: env.spec.accountId,
            region: env.spec.region,
            scopeTags: env.scopeTags,
        },
        // An environment's inventory is its account and region's instances; the policy applies the scope tags.
        // The same array for the same inventory and place (indexed once), so the plan's counts reuse the policy's classification.
        inventory: withAttachedRoles(inventoryAt(inventory, env.spec.accountId, env.spec.region), env.spec.existingInstanceRoleNames),
        exemptions,
    };
    return {
        "windows-instance-enrolled": enrollment,
        "windows-instance-can-run-snapshot": enrollment,
        "windows-instance-requires-imdsv2": { resolveAmis: options.resolveAmis },
        "fleet-windows-instances-enrolled": fleetScope,
        // The same inventory; its preflight facts (profiles, roles, SSM) are judged only where present.
        "fleet-enrolled-instances-snapshot-ready": { ...fleetScope, enforcementLevel: env.spec.preflight },
    };
}

/**
 * The roles the stack attaches the snapshot policy to (existingInstanceRoleNames) can snapshot once
 * it runs, whatever an inventory taken before says: the preflight must not ask for the fix the plan
 * itself applies. Without the field, the same array (the plan's counts reuse its classification).
 */
function withAttachedRoles(inventory: readonly InventoryInstance[], roles: readonly string[] | undefined): readonly InventoryInstance[] {
    if (!roles) {
        return inventory;
    }
    // IAM role names compare without case (CreateRole: "Names are not distinguished by case"): the
    // stack attaches the policy to the role whatever case the manifest spells it in.
    const attached = new Set(roles.map((entry) => splitRolePath(entry).name.toLowerCase()));
    return inventory.map((i) => (i.role && attached.has(i.role.name.toLowerCase()) ? { ...i, role: { ...i.role, canSnapshot: true } } : i));
}
