/** Tag sets that maintenance-window targets in the same stack select (our own backup stacks). */
import type { PolicyResource } from "@pulumi/policy";
import { known, UNKNOWN } from "./props";
import type { NamedTagSet } from "./tagIndex";

/** Environments from policy config, as tag sets. */
export interface ConfiguredEnvironment {
    readonly name: string;
    readonly targetTags: Readonly<Record<string, string>>;
}

const TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";

/** One tag set per combination of values: SSM ANDs the keys and ORs each key's values. */
export function stackTargetTagSets(resources: readonly PolicyResource[]): NamedTagSet[] {
    const out: NamedTagSet[] = [];
    for (const resource of resources.filter((r) => r.type === TARGET)) {
        const targets = known(() => (resource.props as Record<string, unknown>).targets);
        if (!Array.isArray(targets) || known(() => (resource.props as Record<string, unknown>).resourceType) !== "INSTANCE") {
            continue;
        }
        let combinations: Record<string, string>[] = [{}];
        for (let i = 0; i < targets.length; i++) {
            const target = known(() => targets[i] as { key?: unknown; values?: unknown });
            const key = target === UNKNOWN ? undefined : known(() => target.key);
            const values = target === UNKNOWN ? undefined : known(() => target.values);
            if (typeof key !== "string" || !key.startsWith("tag:") || !Array.isArray(values)) {
                combinations = [];
                break;
            }
            const strings = values.map((_, j) => known(() => values[j])).filter((v): v is string => typeof v === "string");
            combinations = combinations.flatMap((c) => strings.map((v) => ({ ...c, [key.slice(4)]: v })));
        }
        out.push(...combinations.map((tags) => ({ owner: `window target ${resource.name}`, tags })));
    }
    return out;
}

/** What counts as enrolled: the configured environments' target tags, then the stack's own window targets. */
export function enrollmentTagSets(environments: readonly ConfiguredEnvironment[], resources: readonly PolicyResource[]): NamedTagSet[] {
    return [...environments.map((env) => ({ owner: `environment ${env.name}`, tags: env.targetTags })), ...stackTargetTagSets(resources)];
}
