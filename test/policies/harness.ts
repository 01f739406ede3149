/** Building stacks for policy tests and running the real policies with the server's semantics. */
import { evaluatePolicies, type AnalyzedResource, type Evaluation, type PackConfig } from "../../automation/offline/policyRuntime";
import { vssFleetPolicies, POLICY_PACK_NAME, type PackDependencies } from "../../policies/policies";

export const TODAY = new Date("2026-11-28T12:00:00Z");

/** A resource in a test stack; `deps` maps an input property to the resources it came from. */
export function resource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    deps: Record<string, AnalyzedResource[]> = {},
): AnalyzedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:test::app::${type}::${name}`,
        props,
        propertyDependencies: Object.fromEntries(Object.entries(deps).map(([key, list]) => [key, list.map((r) => r.urn)])),
        dependencies: Object.values(deps)
            .flat()
            .map((r) => r.urn),
    };
}

/** Evaluates the whole pack, then keeps what `policy` reported. */
export async function run(
    policy: string,
    resources: AnalyzedResource[],
    config: PackConfig = {},
    deps: PackDependencies = {},
): Promise<Evaluation> {
    const result = await evaluatePolicies(vssFleetPolicies({ today: () => TODAY, ...deps }), resources, {
        packName: POLICY_PACK_NAME,
        config,
    });
    return {
        violations: result.violations.filter((v) => v.policy === policy),
        notApplicable: result.notApplicable.filter((n) => n.policy === policy),
    };
}

/** What `policy` reported, one line each: `<enforcement level>: <message without its first line>`. */
export async function messages(policy: string, resources: AnalyzedResource[]): Promise<string[]> {
    return (await run(policy, resources)).violations.map((v) => `${v.enforcementLevel}: ${v.message.split("\n").slice(1).join(" ")}`);
}
