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
import { census, type Census } from "./census";
import { chooseRateControls, type ChosenRateControl } from "./rateControl";
import type { InventoryInstance } from "../../policies/policyConfig";
import { POLICY_PACK_NAME, vssFleetPolicies } from "../../policies/policies";
import { defineEnvironment } from "../../stacks/program";
import { accountFor } from "../manifest/accounting";
import type { Fleet, FleetEnvironment } from "../manifest/load";
import { generatedPolicyConfig } from "../manifest/packConfig";
import { alertWarnings, DEFAULT_FLEET, lifecycleSummary, partitionOf } from "../../core/environment";
import { existingRolesPolicyArn } from "../../components/naming";

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
    readonly windows: Census["windows"];
    /** The window's maxConcurrency and maxErrors as deployed, and where each came from. */
    readonly rateControl: ChosenRateControl;
    /** What the plan could not check here, in words: never a silent OK. */
    readonly notChecked: string[];
    readonly warnings: string[];
    /** The existing roles the stack attaches the administrator's snapshot policy to (text output only; the JSON has the resources). */
    readonly existingRoles?: { readonly policyArn: string; readonly roles: readonly string[] };
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
    counted: Census,
    rateControl: ChosenRateControl,
    project: string,
): Promise<EnvironmentPlan> {
    // The program deploys the chosen rate control, exactly as the driver's stack config would carry it.
    const spec = { ...env.spec, maxConcurrency: rateControl.maxConcurrency, maxErrors: rateControl.maxErrors };
    const { resources } = await runUnderMocks(() => defineEnvironment(spec, project, env.instances), {
        project,
        stack: spec.name,
    });
    const custom = resources.filter((r) => r.custom);
    const analyzed: AnalyzedResource[] = custom.map((r) => ({
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:${spec.name}::${project}::${r.type}::${r.name}`,
        props: r.inputs,
    }));
    const evaluation = await evaluatePolicies(vssFleetPolicies({ today: () => today }), analyzed, {
        packName: POLICY_PACK_NAME,
        packVersion: PACK_VERSION,
        // The offline engine never calls AWS, so AMIs are judged by config only.
        config: generatedPolicyConfig(fleet, env, inventory, { resolveAmis: false }),
    });
    return {
        name: spec.name,
        region: spec.region,
        accountId: spec.accountId,
        resources: custom.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
        violations: evaluation.violations,
        windows: counted.windows,
        rateControl,
        warnings: [],
        notChecked: counted.notChecked,
        lifecycle: lifecycleSummary(spec),
        ...(spec.existingInstanceRoleNames
            ? {
                  existingRoles: {
                      policyArn: existingRolesPolicyArn(partitionOf(spec.region), spec.accountId, spec.name),
                      roles: spec.existingInstanceRoleNames,
                  },
              }
            : {}),
    };
}

export interface PlanOptions {
    /** Only these environments (all when empty). */
    readonly environments?: readonly string[];
    readonly today?: Date;
    /** The fleet's name (the Pulumi project's), which the program writes on every snapshot; default vss-fleet. */
    readonly project?: string;
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
    // Counted first: each environment's default rate control depends on its own enrolled count and
    // on the others whose windows run at overlapping times.
    const counts = chosen.map((env) => census(env, inventory, today));
    const rates = chooseRateControls(chosen.map((env, i) => ({ spec: env.spec, enrolled: counts[i].windows.enrolled })));
    try {
        for (const [i, env] of chosen.entries()) {
            const plan = await planEnvironment(fleet, env, inventory, today, counts[i], rates[i], options.project ?? PROJECT);
            plans.push(plan);
            options.onEnvironment?.(plan, plans.length, chosen.length);
        }
    } finally {
        Error.stackTraceLimit = traceLimit;
    }
    // The capacity checks judge the rate control that is deployed: the manifest's or the chosen default.
    const rated = chosen.map((env, i) => ({ ...env.spec, maxConcurrency: rates[i].maxConcurrency }));
    const bursts = burstWarnings(plans.map((p, i) => ({ spec: rated[i], enrolled: p.windows.enrolled })));
    for (const [i, plan] of plans.entries()) {
        plan.warnings.push(
            ...pastScheduleWarnings(chosen[i].spec, today),
            ...windowWarnings(rated[i], plan.windows.enrolled),
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
