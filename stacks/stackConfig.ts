/**
 * Reading an environment from stack config (`vss-fleet:environment`, set with
 * `pulumi config set --path`). Bad config stops the program with one message that names the file,
 * line, column and key of every problem: no stack trace, nothing deployed.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    formatPath,
    INSTANCE_ID,
    MAX_CONCURRENCY,
    MAX_ERRORS,
    parseEnvironment,
    YamlSource,
    type EnvironmentSpec,
    type SpecIssue,
} from "../core/environment";

export const CONFIG_NAMESPACE = "vss-fleet";
export const CONFIG_KEY = "environment";
const FULL_KEY = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;

/**
 * The project's folder: the nearest one up from the working directory that holds Pulumi.yaml. The
 * language host runs the program in the folder of Pulumi.yaml's `main` (stacks/), the vss-fleet CLI
 * runs in the fleet repository; the working directory itself when no Pulumi.yaml is above it.
 */
function projectRoot(from: string = process.cwd()): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            return from;
        }
    }
}

const PROJECT_ROOT = projectRoot();

/**
 * Where the stack files live (Pulumi.yaml's stackConfigDir: stacks/), in the project's folder. Not
 * from this file's folder, which is node_modules/vss-fleet/dist/stacks once the package is installed.
 */
export const STACK_CONFIG_DIR = path.join(PROJECT_ROOT, "stacks");

/** The stack file of `stack`, if it is there to point errors at. */
function stackFile(stack: string, dir: string): YamlSource | undefined {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    // Named from the project's folder (stacks/Pulumi.prod.yaml), wherever the program runs.
    return new YamlSource(path.relative(PROJECT_ROOT, file) || file, fs.readFileSync(file, "utf8"));
}

/** One line per issue: `stacks/Pulumi.prod.yaml:4:5: vss-fleet:environment.schedule: ...`. */
export function describeConfigIssues(issues: readonly SpecIssue[], source?: YamlSource): string {
    return issues
        .map((issue) => {
            const key = issue.path.length > 0 ? `${FULL_KEY}.${formatPath(issue.path)}` : FULL_KEY;
            const where = source ? `${source.where(["config", FULL_KEY, ...issue.path])}: ` : "";
            return `${where}${key}: ${issue.message}`;
        })
        .join("\n");
}

/**
 * The stack's environment, validated. The environment's name is the stack's name, so
 * `pulumi up -s prod` deploys the environment `prod`.
 */
export function loadStackEnvironment(
    stack: string = pulumi.getStack(),
    config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE),
    dir: string = STACK_CONFIG_DIR,
): EnvironmentSpec {
    let raw: unknown;
    try {
        raw = config.getObject<unknown>(CONFIG_KEY);
    } catch {
        throw new pulumi.RunError(`${FULL_KEY} is not valid JSON or YAML structure; set it with 'pulumi config set --path'.`);
    }
    if (raw === undefined) {
        throw new pulumi.RunError(
            `${FULL_KEY} is not set for stack '${stack}'. Set at least:\n` +
                `  pulumi config set --path ${FULL_KEY}.region us-east-1\n` +
                `  pulumi config set --path ${FULL_KEY}.accountId "'111111111111'"`,
        );
    }
    const result = parseEnvironment(stack, raw);
    if (!result.ok) {
        const count = result.issues.length;
        throw new pulumi.RunError(
            `stack '${stack}' has ${count} invalid setting${count === 1 ? "" : "s"}:\n` +
                describeConfigIssues(result.issues, stackFile(stack, dir)),
        );
    }
    return result.spec;
}

/**
 * Existing instances the stack enrolls by tagging them (`vss-fleet:instances`, a list of instance
 * ids; the GitOps driver writes it from the manifest's `instances`).
 */
export function loadStackInstances(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): string[] {
    let raw: unknown;
    try {
        raw = config.getObject<unknown>("instances");
    } catch {
        throw new pulumi.RunError(`${CONFIG_NAMESPACE}:instances must be a list of instance ids.`);
    }
    if (raw === undefined) {
        return [];
    }
    const bad = Array.isArray(raw) ? raw.filter((id) => typeof id !== "string" || !INSTANCE_ID.test(id)) : [raw];
    if (bad.length > 0 || !Array.isArray(raw)) {
        throw new pulumi.RunError(
            `${CONFIG_NAMESPACE}:instances must be a list of instance ids such as i-0123456789abcdef0; not ${JSON.stringify(bad)}.`,
        );
    }
    return raw as string[];
}

/** The config key the GitOps driver writes the rate control it derived from its live inventory to. */
export const RATE_CONTROL_KEY = "rateControl";

export interface StackRateControl {
    readonly maxConcurrency?: string;
    readonly maxErrors?: string;
}

/**
 * The rate control the driver sized from its live inventory (`vss-fleet:rateControl`), used for
 * whichever of the environment's maxConcurrency and maxErrors the manifest leaves unset. It is not a
 * key `vss-fleet render` owns: it records the last driver run, so a hand `pulumi up` afterwards
 * deploys the same values, and `render --check` does not call it drift.
 */
export function loadStackRateControl(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): StackRateControl {
    const what = `${CONFIG_NAMESPACE}:${RATE_CONTROL_KEY}`;
    let raw: unknown;
    try {
        raw = config.getObject<unknown>(RATE_CONTROL_KEY);
    } catch {
        throw new pulumi.RunError(`${what} must be { maxConcurrency, maxErrors }.`);
    }
    if (raw === undefined) {
        return {};
    }
    const value = (raw ?? {}) as Record<string, unknown>;
    const ok = (v: unknown, pattern: RegExp) => v === undefined || (typeof v === "string" && pattern.test(v));
    if (typeof raw !== "object" || !ok(value.maxConcurrency, MAX_CONCURRENCY) || !ok(value.maxErrors, MAX_ERRORS)) {
        throw new pulumi.RunError(
            `${what} must be { maxConcurrency, maxErrors } as SSM writes them, such as { maxConcurrency: "40", maxErrors: "10%" }; ` +
                `not ${JSON.stringify(raw)}. Delete the key to let the driver write it again.`,
        );
    }
    return { maxConcurrency: value.maxConcurrency as string | undefined, maxErrors: value.maxErrors as string | undefined };
}
