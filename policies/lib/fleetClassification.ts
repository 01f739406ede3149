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
    return (
        instance.platform?.toLowerCase() === "windows" &&
        instance.accountId === scope.accountId &&
        instance.region === scope.region &&
        Object.entries(scope.scopeTags ?? {}).every(([k, v]) => instance.tags[k] === v)
    );
}

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
    const index = new TagSetIndex([{ owner: scope.name, tags: scope.targetTags }]);
    const out: Classification = { enrolled: [], exempt: [], unenrolled: [] };
    for (const instance of inventory) {
        if (!inScope(instance, scope)) {
            continue;
        }
        if (index.match({ ...instance.tags, ...written.get(instance.instanceId) })) {
            out.enrolled.push(instance);
        } else if (findExemption(exemptions, { instanceId: instance.instanceId, name: instance.name }, today)) {
            out.exempt.push(instance);
        } else {
            out.unenrolled.push(instance);
        }
    }
    return out;
}
