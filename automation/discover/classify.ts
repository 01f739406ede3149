/**
 * What `discover` finds, per environment of the manifest: its Windows instances enrolled, exempt and
 * unenrolled (with near-miss hints), and what keeps each from being snapshotted. Enrollment is the
 * plan's own rule (classifyFleet), so discover and plan can never disagree about who is enrolled.
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import { findExemption } from "../../policies/lib/exemptions";
import { classifyFleet, inScope, type FleetScope } from "../../policies/lib/fleetClassification";
import { preflightGaps, type PreflightGap } from "../../policies/lib/preflight";
import { formatTags, type TagSet } from "../../policies/lib/tagIndex";
import type { FleetEnvironment } from "../manifest/load";

export type NearMissKind = "key-case" | "value-case" | "value-spaces" | "other-value" | "missing";

/** How one target tag is missed: the expected pair, and what the instance carries instead. */
export interface NearMiss {
    readonly kind: NearMissKind;
    readonly key: string;
    readonly expected: string;
    readonly found?: { readonly key: string; readonly value: string };
}

export interface Found {
    readonly instance: InventoryInstance;
    readonly gaps: readonly PreflightGap[];
}

export interface Unenrolled extends Found {
    readonly nearMisses: readonly NearMiss[];
    /** The finding this instance shares with others, for grouping ("carry Backup=Prod (expected Backup=prod)"). */
    readonly group: string;
}

export interface Exempt extends Found {
    readonly reason: string;
    readonly expires: string;
}

export interface EnvironmentDiscovery {
    readonly name: string;
    readonly accountId: string;
    readonly region: string;
    readonly targetTags: TagSet;
    readonly enrolled: readonly Found[];
    readonly exempt: readonly Exempt[];
    readonly unenrolled: readonly Unenrolled[];
}

export interface Discovery {
    readonly environments: readonly EnvironmentDiscovery[];
    /** Windows instances in none of the manifest's scopes (another account, region or scope tags). */
    readonly outOfScope: readonly InventoryInstance[];
}

/** Each target tag the instance does not carry exactly, and the closest thing it carries instead. */
export function nearMisses(tags: TagSet, target: TagSet): NearMiss[] {
    const out: NearMiss[] = [];
    for (const [key, expected] of Object.entries(target)) {
        const value = tags[key];
        if (value === expected) {
            continue;
        }
        if (value !== undefined) {
            const kind =
                value.toLowerCase() === expected.toLowerCase() ? "value-case" : value.trim() === expected ? "value-spaces" : "other-value";
            out.push({ kind, key, expected, found: { key, value } });
            continue;
        }
        const similar = Object.keys(tags).find((k) => k.trim().toLowerCase() === key.toLowerCase());
        out.push(
            similar !== undefined
                ? { kind: "key-case", key, expected, found: { key: similar, value: tags[similar] } }
                : { kind: "missing", key, expected },
        );
    }
    return out;
}

/** Tags that look like an older backup scheme: worth naming when no target tag is even close. */
const BACKUP_LIKE = /backup|snapshot|vss|dlm/i;

/** `Key=value`, quoted when spaces around the value would otherwise be invisible. */
const pair = (key: string, value: string) => (value !== value.trim() ? `${key}="${value}"` : `${key}=${value}`);

function groupOf(tags: TagSet, misses: readonly NearMiss[], target: TagSet): string {
    const found = misses.filter((m) => m.found && m.kind !== "other-value").map((m) => pair(m.found?.key ?? "", m.found?.value ?? ""));
    if (found.length > 0) {
        return `carry ${found.join(", ")} (expected ${formatTags(target)})`;
    }
    const missed = new Set(misses.map((m) => m.key));
    const carried = Object.entries(target).filter(([k]) => !missed.has(k));
    if (carried.length > 0) {
        const lacking = misses.map((m) => (m.found ? `${pair(m.key, m.expected)} (has ${m.found.value})` : pair(m.key, m.expected)));
        return `carry ${formatTags(Object.fromEntries(carried))} but not ${lacking.join(", ")}`;
    }
    const wrong = misses.filter((m) => m.kind === "other-value").map((m) => pair(m.key, m.found?.value ?? ""));
    const legacy = Object.entries(tags)
        .filter(([k]) => BACKUP_LIKE.test(k) && !(k in target))
        .map(([k, v]) => pair(k, v));
    const carriedInstead = [...wrong, ...legacy];
    return carriedInstead.length > 0 ? `carry ${carriedInstead.join(", ")}` : "carry none of the target tags";
}

/** How close an instance's tags come to an environment's: exact tags count 2, a near miss whose value matches 1. */
function closeness(tags: TagSet, target: TagSet): number {
    const misses = nearMisses(tags, target);
    const near = misses.filter((m) => m.found && m.found.value.trim().toLowerCase() === m.expected.toLowerCase());
    return 2 * (Object.keys(target).length - misses.length) + near.length;
}

export function discover(environments: readonly FleetEnvironment[], inventory: readonly InventoryInstance[], today: Date): Discovery {
    const scopes: FleetScope[] = environments.map((env) => ({ ...env.spec, scopeTags: env.scopeTags }));
    const classes = environments.map((env, e) => {
        // Instances the manifest lists are enrolled: the stack writes the target tags on them.
        const written = new Map(env.instances.map((id) => [id, env.spec.targetTags]));
        return classifyFleet(inventory, scopes[e], written, env.exemptions, today);
    });
    const settled = new Set(classes.flatMap((c) => [...c.enrolled, ...c.exempt].map((i) => i.instanceId)));
    // An instance no environment enrolls belongs to the one whose target tags it comes closest to (first on ties).
    const owner = new Map<string, number>();
    classes.forEach((c, e) => {
        for (const instance of c.unenrolled) {
            const current = owner.get(instance.instanceId);
            const target = environments[e].spec.targetTags;
            if (
                current === undefined ||
                closeness(instance.tags, target) > closeness(instance.tags, environments[current].spec.targetTags)
            ) {
                owner.set(instance.instanceId, e);
            }
        }
    });
    const found = (instance: InventoryInstance): Found => ({ instance, gaps: preflightGaps(instance) });
    return {
        environments: environments.map((env, e) => {
            const target = env.spec.targetTags;
            return {
                name: env.spec.name,
                accountId: env.spec.accountId,
                region: env.spec.region,
                targetTags: target,
                enrolled: classes[e].enrolled.map(found),
                exempt: classes[e].exempt.map((instance) => {
                    const exemption = findExemption(env.exemptions, { instanceId: instance.instanceId, name: instance.name }, today);
                    return { ...found(instance), reason: exemption?.reason ?? "", expires: exemption?.expires ?? "" };
                }),
                unenrolled: classes[e].unenrolled
                    .filter((i) => !settled.has(i.instanceId) && owner.get(i.instanceId) === e)
                    .map((instance) => {
                        const misses = nearMisses(instance.tags, target);
                        return { ...found(instance), nearMisses: misses, group: groupOf(instance.tags, misses, target) };
                    }),
            };
        }),
        outOfScope: inventory.filter((i) => i.platform?.toLowerCase() === "windows" && !scopes.some((scope) => inScope(i, scope))),
    };
}
