/**
 * The IAM of a fleet as the offline engine resolves it (`vss-fleet plan --json`): every role the
 * stacks create with its path, permissions boundary, trust policy, inline and attached policies
 * (AmazonSSMManagedInstanceCore included), the resource policies, and each environment's deploy
 * policy. The escalation suite simulates requests against exactly this, not against the builders.
 */
import * as path from "path";
import type { PolicyDocument } from "../../components/iam";
import { deployPolicy } from "../../automation/driver/deployRolePolicy";
import { loadManifest } from "../../automation/manifest/load";
import { planFleet, type EnvironmentPlan } from "../../automation/offline/engine";
import type { EnvironmentSpec } from "../../core/environment";
import { AWS_MANAGED_POLICIES } from "./managedPolicies";

export const FLEET_MANIFEST = path.join(__dirname, "fleet.yaml");

export interface ResolvedRole {
    readonly environment: string;
    /** The Pulumi logical name, e.g. prod-instance-role. */
    readonly logicalName: string;
    readonly name: string;
    readonly path: string;
    readonly arn: string;
    readonly permissionsBoundary?: string;
    readonly trust: PolicyDocument;
    /** Inline and attached policies, by name (attached ones by ARN). */
    readonly policies: { readonly name: string; readonly policy: PolicyDocument }[];
}

export interface ResolvedEnvironment {
    readonly spec: EnvironmentSpec;
    /** The instances the manifest enrolls. */
    readonly instances: readonly string[];
    readonly plan: EnvironmentPlan;
    readonly roles: ResolvedRole[];
    readonly deployPolicy: PolicyDocument;
    /** The managed policies the stack created, by logical name, with the ARN a deployment would give them. */
    readonly managedPolicies: Map<string, string>;
    /** Resource policies by the ARN they protect (SNS topic policies). */
    readonly resourcePolicies: Map<string, PolicyDocument>;
}

type Inputs = Record<string, unknown>;
/** The random part Pulumi appends to an auto-named resource, as a real deployment would show it. */
export const AUTONAME_SUFFIX = "-0a1b2c3";
const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const doc = (value: unknown) => JSON.parse(String(value)) as PolicyDocument;

function resolveEnvironment(spec: EnvironmentSpec, instances: readonly string[], plan: EnvironmentPlan): ResolvedEnvironment {
    const partition = "aws";
    const of = (type: string) => plan.resources.filter((r) => r.type === type);
    const managed = new Map<string, PolicyDocument>(Object.entries(AWS_MANAGED_POLICIES));
    const managedPolicies = new Map<string, string>();
    for (const p of of("aws:iam/policy:Policy")) {
        const inputs = p.inputs as Inputs;
        const policyPath = str(inputs.path) ?? "/";
        // Attachments reference the mock's ARN (logical name); a deployment's carries the random suffix.
        managed.set(`arn:${partition}:iam::${spec.accountId}:policy${policyPath}${str(inputs.name) ?? p.name}`, doc(inputs.policy));
        managedPolicies.set(
            p.name,
            `arn:${partition}:iam::${spec.accountId}:policy${policyPath}${str(inputs.name) ?? p.name + AUTONAME_SUFFIX}`,
        );
    }
    const roles: ResolvedRole[] = of("aws:iam/role:Role").map((r) => {
        const inputs = r.inputs as Inputs;
        // Pulumi auto-names a role "<logical>-<7 random characters>"; the mock keeps the logical name.
        const name = str(inputs.name) ?? `${r.name}${AUTONAME_SUFFIX}`;
        const rolePath = str(inputs.path) ?? "/";
        // A role lives in its boundary's account: the copy-target role is in the copy's destination account.
        const account = str(inputs.permissionsBoundary)?.split(":")[4] ?? spec.accountId;
        return {
            environment: spec.name,
            logicalName: r.name,
            name,
            path: rolePath,
            arn: `arn:${partition}:iam::${account}:role${rolePath}${name}`,
            permissionsBoundary: str(inputs.permissionsBoundary),
            trust: doc(inputs.assumeRolePolicy),
            policies: [],
        };
    });
    // The mock gives a role the id "<logical>-id" and the name "<logical>"; references use either.
    const roleOf = (ref: unknown) => roles.find((r) => ref === r.logicalName || ref === `${r.logicalName}-id`);
    for (const p of of("aws:iam/rolePolicy:RolePolicy")) {
        const inputs = p.inputs as Inputs;
        roleOf(inputs.role)?.policies.push({ name: p.name, policy: doc(inputs.policy) });
    }
    for (const a of of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        const inputs = a.inputs as Inputs;
        const arn = String(inputs.policyArn);
        const policy = managed.get(arn);
        if (!policy) {
            throw new Error(`${a.name}: attaches ${arn}, which neither the plan nor the managed-policy fixtures define`);
        }
        roleOf(inputs.role)?.policies.push({ name: arn, policy });
    }
    const resourcePolicies = new Map<string, PolicyDocument>();
    for (const t of of("aws:sns/topicPolicy:TopicPolicy")) {
        const inputs = t.inputs as Inputs;
        resourcePolicies.set(String(inputs.arn), doc(inputs.policy));
    }
    return { spec, instances, plan, roles, deployPolicy: deployPolicy(spec, instances), managedPolicies, resourcePolicies };
}

let cached: Promise<Map<string, ResolvedEnvironment>> | undefined;

/** The fleet of test/security/fleet.yaml, resolved once per test run (the plan takes seconds). */
export function resolvedFleet(): Promise<Map<string, ResolvedEnvironment>> {
    cached ??= (async () => {
        const fleet = loadManifest(FLEET_MANIFEST);
        const plan = await planFleet(fleet, [], { today: new Date("2026-11-29T00:00:00Z") });
        return new Map(
            fleet.environments.map((env, i) => [env.spec.name, resolveEnvironment(env.spec, env.instances, plan.environments[i])] as const),
        );
    })();
    return cached;
}

/** The role an environment's stack created under this logical name; a missing role fails the test. */
export function roleOf(env: ResolvedEnvironment, logicalName: string): ResolvedRole {
    const role = env.roles.find((r) => r.logicalName === logicalName);
    if (!role) {
        throw new Error(`${env.spec.name} has no role ${logicalName} (it has ${env.roles.map((r) => r.logicalName).join(", ")})`);
    }
    return role;
}
