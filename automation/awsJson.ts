/**
 * Reading the unmodified JSON of an AWS CLI command (describe-instances, describe-volumes, ...):
 * JSON.parse, then the command's schema, all files' problems reported together with file:line:col.
 * The positions are found only for a file that fails, by scanning its text (automation/jsonPosition):
 * a positioned parse costs tens of times the file's size in memory, which a 100,000-instance export
 * cannot afford.
 */
import { z } from "zod";
import { AWS_JSON_LIMITS, formatPath, toSpecIssues, YamlSource } from "../core/environment";
import { UserInputError } from "./errors";
import { readLimitedText } from "./io/readText";
import { duplicateKeys, jsonPathOffset, lineAndColumn } from "./jsonPosition";

/**
 * The largest file read, in MiB. JSON.parse holds the text and the parsed objects at once, about four
 * times the file in memory; 256 MiB is some 250,000 instances or 350,000 snapshots as the AWS CLI prints
 * them. Larger exports are refused with a message, never an out-of-memory crash.
 */
export const AWS_JSON_MAX_MIB = AWS_JSON_LIMITS.maxBytes / 1024 / 1024;

/** Problems listed per file; past this many the file is not the command's output at all, and one line says how many more. */
const MAX_PROBLEMS = 20;
/** Up to this size a file that is not JSON is parsed as YAML, whose messages say more than JSON.parse's. */
const YAML_SYNTAX_MAX_CHARS = 8 * 1024 * 1024;

/** One file's text as the command's output; throws the problems with their positions. */
export function parseAwsJson<S extends z.ZodType>(file: string, text: string, schema: S, command: string): z.output<S> {
    return checked(file, jsonOf(file, text), schema, command, () => text);
}

function jsonOf(file: string, text: string): unknown {
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        throw new UserInputError([syntaxProblem(file, text, (error as Error).message)]);
    }
    const duplicates = duplicateKeys(text, MAX_PROBLEMS);
    if (duplicates.length > 0) {
        throw new UserInputError(
            duplicates.map((d) => {
                const { line, col } = lineAndColumn(text, d.offset);
                const first = lineAndColumn(text, d.firstOffset);
                const key = d.path[d.path.length - 1];
                return (
                    `${file}:${line}:${col}: ${formatPath(d.path)}: duplicate key '${String(key)}' (first at line ${first.line}, column ${first.col}); ` +
                    "a JSON reader keeps only one of them, so the file is refused: remove the one that is wrong"
                );
            }),
        );
    }
    return data;
}

/** The data through the schema; only when it fails is the text needed (`text()`), for the positions. */
function checked<S extends z.ZodType>(file: string, data: unknown, schema: S, command: string, text: () => string): z.output<S> {
    const parsed = schema.safeParse(data);
    if (parsed.success) {
        return parsed.data;
    }
    const issues = toSpecIssues(parsed.error.issues);
    const source = text();
    const problems = issues.slice(0, MAX_PROBLEMS).map((i) => {
        const { line, col } = lineAndColumn(source, jsonPathOffset(source, i.path));
        return `${file}:${line}:${col}: ${formatPath(i.path) || "(top)"}: ${i.message} (expected the JSON of '${command}')`;
    });
    if (issues.length > MAX_PROBLEMS) {
        problems.push(`${file}: ${issues.length - MAX_PROBLEMS} more problem(s) like these (expected the JSON of '${command}')`);
    }
    throw new UserInputError(problems);
}

/** Where the text stops being JSON: the YAML parser's position and words, else JSON.parse's own. */
function syntaxProblem(file: string, text: string, jsonMessage: string): string {
    const syntax =
        text.length <= YAML_SYNTAX_MAX_CHARS ? new YamlSource(file, text, AWS_JSON_LIMITS, "not valid JSON").problems[0] : undefined;
    if (syntax) {
        return syntax;
    }
    // Large, or valid YAML that is not JSON (a comment, a bare word): V8 names the offset.
    const { line, col } = lineAndColumn(text, Number(/at position (\d+)/.exec(jsonMessage)?.[1] ?? 0));
    return `${file}:${line}:${col}: not valid JSON: ${jsonMessage.replace(/ in JSON at position \d+.*$/, "")}`;
}

/** The file's text (decoded: UTF-8, UTF-16 with a BOM), read only up to the limit; a problem line otherwise. */
function readLimited(file: string, what: string): string {
    return readLimitedText(file, {
        maxBytes: AWS_JSON_LIMITS.maxBytes,
        what,
        tooLargeFix: "export it in parts (one file per region, or narrower --filters) and pass each part",
    });
}

/**
 * A file through JSON.parse and the schema. The text (as large as the file) and the raw parse are
 * dropped when this returns; a failing file is read again for its problems' positions.
 */
function readChecked<S extends z.ZodType>(file: string, what: string, schema: S, command: string): z.output<S> {
    return checked(file, readJson(file, what), schema, command, () => readLimited(file, what));
}

/** A frame of its own, so nothing holds the text once it is parsed. */
function readJson(file: string, what: string): unknown {
    return jsonOf(file, readLimited(file, what));
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
            // One file at a time, and element by element: a spread of 100,000 arguments overflows the stack.
            for (const item of convert(readChecked(file, what, schema, command))) {
                out.push(item);
            }
        } catch (error) {
            if (error instanceof UserInputError) {
                problems.push(...error.problems.slice(0, MAX_PROBLEMS + 1));
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
 * A schema that checks a value against each of `schemas`, every problem with its path (each said
 * once), and passes the value on as it was: for inputs that several readers take their fields from.
 */
export function conformsTo(...schemas: readonly z.ZodType[]): z.ZodType<unknown> {
    return z.unknown().superRefine((value, ctx) => {
        const seen = new Set<string>();
        for (const schema of schemas) {
            const result = schema.safeParse(value);
            for (const issue of result.success ? [] : result.error.issues) {
                const key = JSON.stringify([issue.path.map(String), issue.message]);
                if (!seen.has(key)) {
                    seen.add(key);
                    ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
                }
            }
        }
    });
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
