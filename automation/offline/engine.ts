/**
 * The offline engine: for each environment of a fleet, the real program under Pulumi's mock runtime
 * (the code `pulumi up` runs), then the real policy pack in-process with the policy server's
 * semantics, fed the config the GitOps driver would generate. No credentials, no Pulumi CLI.
 */
// First: before anything loads @pulumi/pulumi.
import "./deferredModules";
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, type AnalyzedResource, type Violation } from "./policyRuntime";
import { runUnderMocks } from "./mockRuntime";
import { burstWarnings, windowWarnings } from "./capacity";
import { pastScheduleWarnings } from "./pastSchedule";
import type { InventoryInstance } from "../../policies/policyConfig";
import { classifyFleet, inScope, inventoryAt } from "../../policies/lib/fleetClassification";
import { POLICY_PACK_NAME, vssFleetPolicies } from "../../policies/policies";
import { defineEnvironment } from "../../stacks/program";
import { accountFor } from "../manifest/accounting";
import type { Fleet, FleetEnvironment } from "../manifest/load";
import { generatedPolicyConfig } from "../manifest/packConfig";
import { alertWarnings, DEFAULT_FLEET, lifecycleSummary } from "../../core/environment";

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
    readonly warnings: string[];
    /** What the snapshot lifecycle does here, in words (text output only; not in the JSON contract). */
    readonly lifecycle: string;
}

export interface FleetPlan {
    readonly ok: boolean;
    /** Environments in the manifest, planned or not (--env). */
    readonly environmentsInManifest: number;
    readonly environments: EnvironmentPlan[];
}

/** The project the offline engine runs the program as; like `pulumi up`, it passes the project name as the fleet. */
export const PROJECT = DEFAULT_FLEET;
const PACK_VERSION = (
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policies", "package.json"), "utf8")) as { version: string }
).version;

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
    // The same account-and-region slice the policy classified, so this is the policy's classification, not a second pass.
    const local = inventoryAt(inventory, spec.accountId, spec.region);
    const classes = classifyFleet(local, { ...spec, scopeTags: env.scopeTags }, written, env.exemptions, today);
    // Listed instances the inventory does not show are enrolled all the same.
    const enrolledIds = new Set(classes.enrolled.map((i) => i.instanceId));
    const listedElsewhere = env.instances.filter((id) => !enrolledIds.has(id)).length;
    const inAccountRegion = local.filter((i) => inScope(i, { ...spec, scopeTags: {} })).length;
    const selected = classes.enrolled.length + classes.exempt.length + classes.unenrolled.length;
    return {
        name: spec.name,
        region: spec.region,
        accountId: spec.accountId,
        resources: custom.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        violations: evaluation.violations,
        windows: {
            inAccountRegion,
            inScope: selected,
            enrolled: classes.enrolled.length + listedElsewhere,
            exempt: classes.exempt.length,
            unenrolled: classes.unenrolled.length,
        },
        warnings: [],
        notChecked: notChecked(env, inventory.length, inAccountRegion, selected),
        lifecycle: lifecycleSummary(spec),
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

export interface PlanOptions {
    /** Only these environments (all when empty). */
    readonly environments?: readonly string[];
    readonly today?: Date;
    /** Called as each environment's plan is done (the CLI's progress on a terminal). */
    readonly onEnvironment?: (plan: EnvironmentPlan, done: number, total: number) => void;
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
            const plan = await planEnvironment(fleet, env, inventory, today);
            plans.push(plan);
            options.onEnvironment?.(plan, plans.length, chosen.length);
        }
    } finally {
        Error.stackTraceLimit = traceLimit;
    }
    const bursts = burstWarnings(plans.map((p, i) => ({ spec: chosen[i].spec, enrolled: p.windows.enrolled })));
    for (const [i, plan] of plans.entries()) {
        plan.warnings.push(
            ...pastScheduleWarnings(chosen[i].spec, today),
            ...windowWarnings(chosen[i].spec, plan.windows.enrolled),
            ...alertWarnings(chosen[i].spec),
            ...(bursts.get(plan.name) ?? []),
        );
    }
    accountFor(
        "plan",
        chosen.map((e) => e.spec.name),
        plans.map((p) => p.name),
    );
    return {
        ok: plans.every((p) => p.violations.every((v) => v.enforcementLevel !== "mandatory")),
        environmentsInManifest: fleet.environments.length,
        environments: plans,
    };
}
