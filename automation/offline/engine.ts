/**
 * The offline engine: for each environment of a fleet, the real program under Pulumi's mock runtime
 * (the code `pulumi up` runs), then the real policy pack in-process with the policy server's
 * semantics, fed the config the GitOps driver would generate. No credentials, no Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, type AnalyzedResource, type PackConfig, type Violation } from "./policyRuntime";
import { runUnderMocks } from "./mockRuntime";
import { burstWarnings, windowWarnings } from "./capacity";
import type { InventoryInstance } from "../../policies/config";
import { classifyFleet } from "../../policies/lib/fleetClassification";
import { POLICY_PACK_NAME, vssFleetPolicies } from "../../policies/policies";
import { defineEnvironment } from "../../stacks/program";
import type { Fleet, FleetEnvironment } from "../manifest/load";
import { DEFAULT_FLEET, lifecycleSummary } from "../../core/environment";

export interface PlannedResource {
    /** Pulumi type token, e.g. aws:ssm/maintenanceWindow:MaintenanceWindow. */
    readonly type: string;
    readonly name: string;
    /** The resolved inputs the program registered. */
    readonly inputs: Record<string, unknown>;
}

export interface EnvironmentPlan {
    readonly name: string;
    readonly region: string;
    readonly accountId: string;
    readonly resources: PlannedResource[];
    readonly violations: Violation[];
    readonly windows: { readonly enrolled: number; readonly exempt: number; readonly unenrolled: number };
    readonly warnings: string[];
    /** What the snapshot lifecycle does here, in words (text output only; not in the JSON contract). */
    readonly lifecycle: string;
}

export interface FleetPlan {
    readonly ok: boolean;
    readonly environments: EnvironmentPlan[];
}

/** The project the offline engine runs the program as; like `pulumi up`, it passes the project name as the fleet. */
export const PROJECT = DEFAULT_FLEET;
const PACK_VERSION = (
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policies", "package.json"), "utf8")) as { version: string }
).version;

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

async function planEnvironment(
    fleet: Fleet,
    env: FleetEnvironment,
    inventory: readonly InventoryInstance[],
    today: Date,
): Promise<EnvironmentPlan> {
    const { spec } = env;
    const { resources } = await runUnderMocks(() => defineEnvironment(spec, PROJECT, env.instances), {
        project: PROJECT,
        stack: spec.name,
    });
    const custom = resources.filter((r) => r.custom);
    const analyzed: AnalyzedResource[] = custom.map((r) => ({
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:${spec.name}::${PROJECT}::${r.type}::${r.name}`,
        props: r.inputs,
    }));
    const evaluation = await evaluatePolicies(vssFleetPolicies({ today: () => today }), analyzed, {
        packName: POLICY_PACK_NAME,
        packVersion: PACK_VERSION,
        // The offline engine never calls AWS, so AMIs are judged by config only.
        config: generatedPolicyConfig(fleet, env, inventory, { resolveAmis: false }),
    });
    const written = new Map(env.instances.map((id) => [id, spec.targetTags]));
    const classes = classifyFleet(inventory, { ...spec, scopeTags: env.scopeTags }, written, env.exemptions, today);
    // Listed instances the inventory does not show are enrolled all the same.
    const listedElsewhere = env.instances.filter((id) => !classes.enrolled.some((i) => i.instanceId === id)).length;
    return {
        name: spec.name,
        region: spec.region,
        accountId: spec.accountId,
        resources: custom.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        violations: evaluation.violations,
        windows: {
            enrolled: classes.enrolled.length + listedElsewhere,
            exempt: classes.exempt.length,
            unenrolled: classes.unenrolled.length,
        },
        warnings: [],
        lifecycle: lifecycleSummary(spec),
    };
}

export interface PlanOptions {
    /** Only these environments (all when empty). */
    readonly environments?: readonly string[];
    readonly today?: Date;
}

export async function planFleet(fleet: Fleet, inventory: readonly InventoryInstance[], options: PlanOptions = {}): Promise<FleetPlan> {
    const chosen = options.environments?.length
        ? fleet.environments.filter((e) => options.environments?.includes(e.spec.name))
        : fleet.environments;
    const today = options.today ?? new Date();
    const plans: EnvironmentPlan[] = [];
    // The SDK records a stack trace per output; at fleet scale that dominates time and memory.
    const traceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        for (const env of chosen) {
            plans.push(await planEnvironment(fleet, env, inventory, today));
        }
    } finally {
        Error.stackTraceLimit = traceLimit;
    }
    const bursts = burstWarnings(plans.map((p, i) => ({ spec: chosen[i].spec, enrolled: p.windows.enrolled })));
    for (const [i, plan] of plans.entries()) {
        plan.warnings.push(...windowWarnings(chosen[i].spec, plan.windows.enrolled), ...(bursts.get(plan.name) ?? []));
    }
    return { ok: plans.every((p) => p.violations.every((v) => v.enforcementLevel !== "mandatory")), environments: plans };
}
