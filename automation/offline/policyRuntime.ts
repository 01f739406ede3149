/**
 * The policy pack evaluated in-process with the policy server's semantics, for the offline engine
 * and the tests: enforcement levels (pack, policy, config, "all"), schema defaults merged into config
 * (the engine's job, not the server's), type-based not-applicable, props wrapped in the server's own
 * unknownCheckingProxy, a policy that reads an unknown value downgraded to an advisory
 * "can't run ... during preview", and messages formatted as the server formats them.
 * Mirrors makeAnalyzeRpcFun/makeAnalyzeStackRpcFun of the pinned @pulumi/policy; the internals it
 * uses (proxy, getPulumiType) are imported here and nowhere else.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnforcementLevel, Policies, Policy, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** The @internal parts of the pinned @pulumi/policy that the server itself uses (not in its .d.ts). */
interface PolicyInternals {
    getPulumiType(o: unknown): string | undefined;
    isResourcePolicy(p: Policy): boolean;
    isStackPolicy(p: Policy): boolean;
}
interface ProxyInternals {
    unknownCheckingProxy<T extends object>(o: T): T;
    UnknownValueError: new (...args: never[]) => Error;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownBooleanValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { getPulumiType, isResourcePolicy, isStackPolicy } = require("@pulumi/policy/policy") as PolicyInternals;
const proxy = require("@pulumi/policy/proxy") as ProxyInternals;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Each policy gets its own copy of the props, as each server call deserializes its own. Assets and
 * archives stay the objects the server's deserializer makes (pulumi.asset.*, which hold promises
 * and cannot be structuredClone'd); they are immutable, so sharing them is safe.
 */
export function copyProps<T>(value: T): T {
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(copyProps) as T;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyProps(v)])) as T;
    }
    return value;
}

/** A resource as the engine hands it to the analyzer: inputs may hold the server's unknown sentinels. */
export interface AnalyzedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    /** Input property -> URNs of the resources its value came from. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly message: string;
    readonly urn?: string;
}

/** Policy-pack config as `--policy-pack-config` takes it: `all` and per-policy levels or objects. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface EvaluationOptions {
    readonly packName: string;
    readonly packVersion?: string;
    readonly packEnforcementLevel?: EnforcementLevel;
    readonly config?: PackConfig;
}

export interface Evaluation {
    readonly violations: Violation[];
    readonly notApplicable: { policy: string; reason: string }[];
}

/** Sentinels for unknown values, exactly those the server's proxy recognises. */
export const UNKNOWN_VALUES = {
    string: proxy.unknownStringValue,
    number: proxy.unknownNumberValue,
    boolean: proxy.unknownBooleanValue,
    array: proxy.unknownArrayValue,
    object: proxy.unknownObjectValue,
} as const;

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason);
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

/** The engine's view of a policy's config: schema defaults, then the user's values. */
export function effectiveConfig(
    policy: Policy,
    config: PackConfig = {},
): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, schema]) => schema.default !== undefined)
            .map(([key, schema]) => [key, structuredClone(schema.default)]),
    );
    const all = config.all;
    const own = config[policy.name];
    const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
    const ownLevel = typeof own === "string" ? own : own?.enforcementLevel;
    const { enforcementLevel: _level, ...ownProps } = typeof own === "object" ? own : {};
    return { level: ownLevel ?? allLevel, properties: { ...defaults, ...ownProps } };
}

function isTypeOf(type: string, resourceClass: { isInstance?: (o: unknown) => boolean }): boolean {
    const pulumiType = getPulumiType(resourceClass as never);
    if (pulumiType) {
        return type === pulumiType;
    }
    return typeof resourceClass.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

/** Runs `validate`; an unknown value makes it an advisory, not-applicable is recorded. */
async function guarded(policy: Policy, options: EvaluationOptions, out: Evaluation, validate: () => unknown) {
    try {
        await validate();
    } catch (error) {
        if (error instanceof proxy.UnknownValueError) {
            const pack = `'${options.packName}@v${options.packVersion ?? "0.0.0"}'`;
            out.violations.push({
                policy: policy.name,
                enforcementLevel: "advisory",
                message: `can't run policy '${policy.name}' from policy pack ${pack} during preview: ${error.message}`,
            });
        } else if (error instanceof NotApplicableError) {
            out.notApplicable.push({ policy: policy.name, reason: error.reason ?? "" });
        } else {
            throw new Error(`Error validating with policy '${policy.name}': ${(error as Error).message}`, { cause: error });
        }
    }
}

function reporter(policy: Policy, level: EnforcementLevel, out: Evaluation) {
    return (message?: string, urn?: string) => {
        out.violations.push({
            policy: policy.name,
            enforcementLevel: level,
            message: message ? `${policy.description}\n${message}` : policy.description,
            // The server leaves urn out when a stack policy reports without one.
            ...(urn ? { urn } : {}),
        });
    };
}

function levelOf(policy: Policy, options: EvaluationOptions): EnforcementLevel {
    const level = effectiveConfig(policy, options.config).level ?? policy.enforcementLevel ?? options.packEnforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

/** The stack's resources as stack policies see them, linked by parent and dependencies. */
function policyResources(resources: readonly AnalyzedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const made = resources.map((r) => {
        const props = proxy.unknownCheckingProxy(copyProps(r.props));
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} } as never,
            dependencies: [],
            propertyDependencies: {},
            isType: (cls: never) => isTypeOf(r.type, cls),
            asType: (cls: never) => (isTypeOf(r.type, cls) ? props : undefined),
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const target = made[i] as {
            parent?: PolicyResource;
            dependencies: PolicyResource[];
            propertyDependencies: Record<string, PolicyResource[]>;
        };
        target.parent = r.parent ? byUrn.get(r.parent) : undefined;
        target.dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            target.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        }
    });
    return made;
}

export async function evaluatePolicies(
    policies: Policies,
    resources: readonly AnalyzedResource[],
    options: EvaluationOptions,
): Promise<Evaluation> {
    const out: Evaluation = { violations: [], notApplicable: [] };
    for (const policy of policies) {
        const level = levelOf(policy, options);
        if (level === "disabled") {
            continue;
        }
        const getConfig = () => effectiveConfig(policy, options.config).properties as never;
        if (isResourcePolicy(policy)) {
            await evaluateResourcePolicy(policy as ResourceValidationPolicy, level, resources, options, out, getConfig);
        } else if (isStackPolicy(policy)) {
            const stackPolicy = policy as StackValidationPolicy;
            const pulumiType = getPulumiType(stackPolicy.validateStack);
            if (pulumiType && !resources.some((r) => r.type === pulumiType)) {
                out.notApplicable.push({ policy: policy.name, reason: `Policy only applies to resources of type '${pulumiType}'` });
                continue;
            }
            const args = { resources: policyResources(resources), getConfig, notApplicable: throwNotApplicable, stackTags: new Map() };
            await guarded(policy, options, out, () => stackPolicy.validateStack(args as never, reporter(policy, level, out)));
        }
    }
    return out;
}

async function evaluateResourcePolicy(
    policy: ResourceValidationPolicy,
    level: EnforcementLevel,
    resources: readonly AnalyzedResource[],
    options: EvaluationOptions,
    out: Evaluation,
    getConfig: () => never,
): Promise<void> {
    if (!policy.validateResource) {
        out.notApplicable.push({ policy: policy.name, reason: "Policy does not implement validateResource" });
        return;
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    const single = Array.isArray(policy.validateResource) ? undefined : getPulumiType(policy.validateResource);
    for (const resource of resources) {
        if (single && resource.type !== single) {
            out.notApplicable.push({ policy: policy.name, reason: `Policy only applies to resources of type '${single}'` });
            continue;
        }
        for (const validation of validations) {
            const props = proxy.unknownCheckingProxy(copyProps(resource.props));
            const args = {
                type: resource.type,
                props,
                urn: resource.urn,
                name: resource.name,
                opts: {},
                stackTags: new Map(),
                isType: (cls: never) => isTypeOf(resource.type, cls),
                asType: (cls: never) => (isTypeOf(resource.type, cls) ? props : undefined),
                getConfig,
                notApplicable: throwNotApplicable,
            };
            await guarded(policy, options, out, () => validation(args as never, reporter(policy, level, out)));
        }
    }
}
