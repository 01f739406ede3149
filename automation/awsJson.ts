/**
 * Reading the unmodified JSON of an AWS CLI command (describe-instances, describe-volumes, ...):
 * parsed as YAML (JSON is YAML) so every problem names file:line:col, checked with the command's
 * schema, and all files' problems reported together.
 */
import * as fs from "fs";
import type { z } from "zod";
import { AWS_JSON_LIMITS, formatPath, toSpecIssues, YamlSource } from "../core/environment";
import { UserInputError } from "./errors";

/** One file's text as the command's output; throws the problems with their positions. */
export function parseAwsJson<S extends z.ZodType>(file: string, text: string, schema: S, command: string): z.output<S> {
    const source = new YamlSource(file, text, AWS_JSON_LIMITS, "not valid JSON");
    if (source.problems.length > 0) {
        throw new UserInputError(source.problems);
    }
    const parsed = schema.safeParse(source.toJS());
    if (!parsed.success) {
        throw new UserInputError(
            toSpecIssues(parsed.error.issues).map(
                (i) => `${source.where(i.path)}: ${formatPath(i.path) || "(top)"}: ${i.message} (expected the JSON of '${command}')`,
            ),
        );
    }
    return parsed.data;
}

/** Several files of one command, converted; every unreadable or malformed file is reported at once. */
export function loadAwsJsonFiles<S extends z.ZodType, T>(
    files: readonly string[],
    schema: S,
    convert: (parsed: z.output<S>) => T[],
    command: string,
    what: string,
): T[] {
    const out: T[] = [];
    const problems: string[] = [];
    for (const file of files) {
        try {
            out.push(...convert(parseAwsJson(file, fs.readFileSync(file, "utf8"), schema, command)));
        } catch (error) {
            if (error instanceof UserInputError) {
                problems.push(...error.problems);
            } else if ((error as NodeJS.ErrnoException).code) {
                problems.push(`${file}: cannot read ${what} (${(error as NodeJS.ErrnoException).code})`);
            } else {
                throw error;
            }
        }
    }
    if (problems.length > 0) {
        throw new UserInputError(problems);
    }
    return out;
}

/**
 * Runs every loader and returns what each read; when any fail, the problems of all of them are
 * reported together, so a run with three bad input files names all three, not only the first.
 */
export function loadAll<T extends Record<string, () => unknown>>(loaders: T): { [K in keyof T]: ReturnType<T[K]> } {
    const out: Partial<Record<keyof T, unknown>> = {};
    const problems: string[] = [];
    for (const key of Object.keys(loaders) as (keyof T)[]) {
        try {
            out[key] = loaders[key]();
        } catch (error) {
            if (!(error instanceof UserInputError)) {
                throw error;
            }
            problems.push(...error.problems);
        }
    }
    if (problems.length > 0) {
        throw new UserInputError(problems);
    }
    return out as { [K in keyof T]: ReturnType<T[K]> };
}
