/**
 * Sorting an environment's existing Windows instances into enrolled, exempt and unenrolled. Shared by
 * the fleet-windows-instances-enrolled policy and the plan's counts, so the two can never disagree.
 */
import type { InventoryInstance } from "../policyConfig";
import { findExemption, type Exemption } from "./exemptions";
import { TagSetIndex, type TagSet } from "./tagIndex";

export interface FleetScope {
    readonly name: string;
    readonly accountId: string;
    readonly region: string;
    readonly targetTags: TagSet;
    readonly scopeTags?: TagSet;
}

export interface Classification {
    readonly enrolled: InventoryInstance[];
    readonly exempt: InventoryInstance[];
    readonly unenrolled: InventoryInstance[];
}

export function inScope(instance: InventoryInstance, scope: FleetScope): boolean {
    return inPlace(instance, scope) && hasTags(instance, Object.entries(scope.scopeTags ?? {}));
}

function inPlace(instance: InventoryInstance, scope: FleetScope): boolean {
    return instance.platform?.toLowerCase() === "windows" && instance.accountId === scope.accountId && instance.region === scope.region;
}

function hasTags(instance: InventoryInstance, tags: readonly (readonly [string, string])[]): boolean {
    return tags.every(([k, v]) => instance.tags[k] === v);
}

/**
 * The instances of one account and region, the same array for the same inventory each time: the
 * inventory is indexed once (by identity, rebuilt if its length changes), not scanned per environment.
 */
export function inventoryAt(inventory: readonly InventoryInstance[], accountId: string, region: string): readonly InventoryInstance[] {
    let cached = places.get(inventory);
    if (cached?.length !== inventory.length) {
        cached = { length: inventory.length, index: new Map() };
        for (const instance of inventory) {
            const key = `${instance.accountId}/${instance.region}`;
            const list = cached.index.get(key);
            if (list) {
                list.push(instance);
            } else {
                cached.index.set(key, [instance]);
            }
        }
        places.set(inventory, cached);
    }
    return cached.index.get(`${accountId}/${region}`) ?? EMPTY;
}

const EMPTY: readonly InventoryInstance[] = [];
const places = new WeakMap<readonly InventoryInstance[], { length: number; index: Map<string, InventoryInstance[]> }>();

/**
 * Classifications already made, by inventory and everything else they depend on: the plan counts the
 * same environment the policy has just classified, and gets the policy's answer instead of a second pass.
 */
const classified = new WeakMap<readonly InventoryInstance[], { length: number; byInputs: Map<string, Classification> }>();

/**
 * `written` holds the tags the stack itself puts on instances (aws.ec2.Tag), by instance id: an
 * instance enrolled that way counts as enrolled before the tags exist.
 */
export function classifyFleet(
    inventory: readonly InventoryInstance[],
    scope: FleetScope,
    written: ReadonlyMap<string, TagSet>,
    exemptions: readonly Exemption[],
    today: Date,
): Classification {
    const inputs = JSON.stringify([
        scope.name,
        scope.accountId,
        scope.region,
        scope.targetTags,
        scope.scopeTags ?? {},
        [...written],
        exemptions,
        today.getTime(),
    ]);
    let memo = classified.get(inventory);
    if (memo?.length !== inventory.length) {
        memo = { length: inventory.length, byInputs: new Map() };
        classified.set(inventory, memo);
    }
    const known = memo.byInputs.get(inputs);
    if (known) {
        return known;
    }
    const index = new TagSetIndex([{ owner: scope.name, tags: scope.targetTags }]);
    const scopeTags = Object.entries(scope.scopeTags ?? {});
    const out: Classification = { enrolled: [], exempt: [], unenrolled: [] };
    for (const instance of inventory) {
        if (!inPlace(instance, scope) || !hasTags(instance, scopeTags)) {
            continue;
        }
        const stackTags = written.get(instance.instanceId);
        // Merged only when the stack writes tags on this instance: one object per instance adds up at 100,000.
        if (index.match(stackTags ? { ...instance.tags, ...stackTags } : instance.tags)) {
            out.enrolled.push(instance);
        } else if (findExemption(exemptions, { instanceId: instance.instanceId, name: instance.name }, today)) {
            out.exempt.push(instance);
        } else {
            out.unenrolled.push(instance);
        }
    }
    memo.byInputs.set(inputs, out);
    return out;
}
