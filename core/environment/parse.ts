/** Turning raw input into an EnvironmentSpec, with problems reported by key path. */
import { z } from "zod";
import { editDistance } from "./closest";
import { crossFieldIssues, defaultTargetTags, environmentNameProblem, environmentSchema, type EnvironmentSpec } from "./environment";

/** One problem with input, located by its key path (for example ["vss", "noWriters"]). */
export interface SpecIssue {
    readonly path: readonly (string | number)[];
    readonly message: string;
    /** For a rule relating fields: every field it read, so a manifest can say where each value came from. */
    readonly keys?: readonly string[];
}

export type SpecResult = { ok: true; spec: EnvironmentSpec } | { ok: false; issues: SpecIssue[] };

/** Validates `input` as the environment `name`, applying defaults; never throws for bad input. */
export function parseEnvironment(name: string, input: unknown): SpecResult {
    const nameProblem = environmentNameProblem(name);
    const parsed = environmentSchema.safeParse(input);
    const issues: SpecIssue[] = nameProblem ? [{ path: [], message: nameProblem }] : [];
    if (!parsed.success) {
        issues.push(...toSpecIssues(parsed.error.issues, environmentSchema));
    }
    issues.push(...prototypeKeyIssues(input), ...crossFieldIssues(input));
    if (issues.length > 0 || !parsed.success) {
        return { ok: false, issues };
    }
    const spec: EnvironmentSpec = {
        ...parsed.data,
        name,
        targetTags: parsed.data.targetTags ?? defaultTargetTags(name),
    };
    return { ok: true, spec };
}

/**
 * Own `__proto__` keys anywhere in `input` (JSON.parse makes them, for example from stack config).
 * zod leaves them out of its output without a word, so `targetTags: { __proto__: prod, Backup: daily }`
 * would select every Backup=daily instance: refuse them instead.
 */
export function prototypeKeyIssues(input: unknown): SpecIssue[] {
    const issues: SpecIssue[] = [];
    const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
    while (stack.length > 0) {
        const { value, path } = stack.pop()!;
        if (typeof value !== "object" || value === null) {
            continue;
        }
        if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
            issues.push({
                path: [...path, "__proto__"],
                message: "key '__proto__' is refused: it names a JavaScript object's prototype, not data",
            });
        }
        for (const [key, child] of Object.entries(value)) {
            stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
        }
    }
    return issues;
}

/** Flattens zod issues to one SpecIssue per offending key, with messages a person can act on. */
export function toSpecIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): SpecIssue[] {
    const out: SpecIssue[] = [];
    for (const issue of issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        if (issue.code === "invalid_key") {
            out.push({ path, message: issue.issues.map((inner) => inner.message).join("; ") });
        } else if (issue.code === "unrecognized_keys") {
            const allowed = schema ? allowedKeysAt(schema, path) : undefined;
            for (const key of issue.keys) {
                out.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
            }
        } else {
            out.push({ path, message: issue.message.replace(/^Invalid input: /, "") });
        }
    }
    return out;
}

/** `vss.noWriters` style rendering of a key path. */
export function formatPath(path: readonly (string | number)[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The keys an object schema allows at `path` (through optional, default and pipe wrappers). */
export function allowedKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] | undefined {
    let node: unknown = schema;
    for (let depth = 0; depth <= path.length; depth++) {
        // Unwrap optional/default/nullable/readonly (innerType) and pipes (in) down to the object.
        for (let def = defOf(node); def && !def.shape && (def.innerType || def.in); def = defOf(node)) {
            node = def.innerType ?? def.in;
        }
        const shape = defOf(node)?.shape as Record<string, unknown> | undefined;
        if (depth === path.length) {
            return shape ? Object.keys(shape) : undefined;
        }
        node = shape?.[String(path[depth])];
        if (!node) {
            return undefined;
        }
    }
    return undefined;
}

function defOf(node: unknown): { shape?: unknown; innerType?: unknown; in?: unknown } | undefined {
    return (node as { _zod?: { def?: { shape?: unknown; innerType?: unknown; in?: unknown } } })?._zod?.def;
}

/** "unknown key 'schedul'; did you mean 'schedule'?", or the list of allowed keys. */
export function unknownKeyMessage(key: string, allowed: readonly string[] | undefined): string {
    if (!allowed || allowed.length === 0) {
        return `unknown key '${key}'`;
    }
    const lower = key.toLowerCase();
    // A truncated key ("s3Bucket") or a near miss ("schedul", "copyonly") is the likely intent.
    const closest = allowed
        .map((candidate) => {
            const other = candidate.toLowerCase();
            const prefix = lower.length >= 3 && (other.startsWith(lower) || lower.startsWith(other));
            return { candidate, distance: prefix ? 0 : editDistance(lower, other) };
        })
        .sort((a, b) => a.distance - b.distance)[0];
    if (closest.distance <= Math.max(2, Math.floor(key.length / 4))) {
        return `unknown key '${key}'; did you mean '${closest.candidate}'?`;
    }
    return `unknown key '${key}'; allowed: ${allowed.join(", ")}`;
}
