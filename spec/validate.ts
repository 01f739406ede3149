/** Turning raw input into an EnvironmentSpec, with problems reported by key path. */
import { z } from "zod";
import { crossFieldIssues, defaultTargetTags, environmentNameProblem, environmentSchema, type EnvironmentSpec } from "./environment";

/** One problem with input, located by its key path (for example ["vss", "noWriters"]). */
export interface SpecIssue {
    readonly path: readonly (string | number)[];
    readonly message: string;
}

export type SpecResult = { ok: true; spec: EnvironmentSpec } | { ok: false; issues: SpecIssue[] };

/** Validates `input` as the environment `name`, applying defaults; never throws for bad input. */
export function parseEnvironment(name: string, input: unknown): SpecResult {
    const nameProblem = environmentNameProblem(name);
    const parsed = environmentSchema.safeParse(input);
    const issues: SpecIssue[] = nameProblem ? [{ path: [], message: nameProblem }] : [];
    if (!parsed.success) {
        issues.push(...toSpecIssues(parsed.error.issues));
    }
    issues.push(...crossFieldIssues(input));
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

/** Flattens zod issues to one SpecIssue per offending key, with messages a person can act on. */
export function toSpecIssues(issues: readonly z.core.$ZodIssue[]): SpecIssue[] {
    const out: SpecIssue[] = [];
    for (const issue of issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        if (issue.code === "invalid_key") {
            out.push({ path, message: issue.issues.map((inner) => inner.message).join("; ") });
        } else if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) {
                out.push({ path: [...path, key], message: `unknown key '${key}'` });
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
