/**
 * How many Windows instances of the inventory an environment enrolls, exempts and leaves out: the
 * policy's own classification, counted. The offline plan and the driver both size the default rate
 * control from it (rateControl.ts), so they choose the same value from the same inventory.
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import { classifyFleet, inScope, inventoryAt } from "../../policies/lib/fleetClassification";
import type { FleetEnvironment } from "../manifest/load";

export interface Census {
    readonly windows: {
        /** Windows instances of the inventory in the environment's account and region. */
        readonly inAccountRegion: number;
        /** Of those, the ones the scope tags select (all of them when there is no scope). */
        readonly inScope: number;
        readonly enrolled: number;
        readonly exempt: number;
        readonly unenrolled: number;
    };
    /** What the plan could not check here, in words: never a silent OK. */
    readonly notChecked: string[];
}

export function census(env: FleetEnvironment, inventory: readonly InventoryInstance[], today: Date): Census {
    const { spec } = env;
    const written = new Map(env.instances.map((id) => [id, spec.targetTags]));
    // The same account-and-region slice the policy classifies, so this is the policy's classification, not a second pass.
    const local = inventoryAt(inventory, spec.accountId, spec.region);
    const classes = classifyFleet(local, { ...spec, scopeTags: env.scopeTags }, written, env.exemptions, today);
    // Listed instances the inventory does not show are enrolled all the same.
    const enrolledIds = new Set(classes.enrolled.map((i) => i.instanceId));
    const listedElsewhere = env.instances.filter((id) => !enrolledIds.has(id)).length;
    const inAccountRegion = local.filter((i) => inScope(i, { ...spec, scopeTags: {} })).length;
    const selected = classes.enrolled.length + classes.exempt.length + classes.unenrolled.length;
    return {
        windows: {
            inAccountRegion,
            inScope: selected,
            enrolled: classes.enrolled.length + listedElsewhere,
            exempt: classes.exempt.length,
            unenrolled: classes.unenrolled.length,
        },
        notChecked: notChecked(env, inventory.length, inAccountRegion, selected),
    };
}

/** Why fleet enrollment was not checked for an environment, if it was not. */
function notChecked(env: FleetEnvironment, inventorySize: number, inAccountRegion: number, selected: number): string[] {
    const where = `${env.spec.accountId}/${env.spec.region}`;
    if (inventorySize === 0) {
        return ["fleet enrollment not checked: no inventory (--inventory FILE)"];
    }
    if (inAccountRegion === 0) {
        return [`fleet enrollment not checked: the inventory has no Windows instances in ${where}`];
    }
    if (selected === 0) {
        const tags = Object.entries(env.scopeTags)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ");
        return [`scope selects 0 of ${inAccountRegion} Windows instances in ${where} (scope tags ${tags}); fleet enrollment not checked`];
    }
    return [];
}
