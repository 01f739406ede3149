/**
 * Loading a fleet manifest: YAML with positions kept, defaults merged under each environment, and
 * every problem reported at once as `file:line:col: key.path: problem`. Nothing is returned unless
 * the whole manifest is valid, so nothing downstream ever acts on half a manifest.
 */
import { z } from "zod";
import {
    environmentNameProblem,
    environmentSchema,
    formatPath,
    MANIFEST_LIMITS,
    parseEnvironment,
    toSpecIssues,
    YamlSource,
    type EnvironmentSpec,
    type SpecIssue,
} from "../../core/environment";
import type { Exemption } from "../../policies/lib/exemptions";
import { UserInputError } from "../errors";
import { readLimitedText } from "../io/readText";
import { accountFor, InternalError } from "./accounting";
import { prefixCollisions } from "./nameCollisions";
import { sharedCopyKeys, sharedOutputPlaces } from "./sharedPlaces";
import { overlappingTargets } from "./overlaps";
import { EXTRA_KEYS, manifestExtrasSchema } from "./manifestSchema";

export interface FleetEnvironment {
    readonly spec: EnvironmentSpec;
    /** Existing instances to enroll by tagging them. */
    readonly instances: readonly string[];
    /** Inventory instances carrying all of these tags must be enrolled or exempted. */
    readonly scopeTags: Readonly<Record<string, string>>;
    readonly exemptions: readonly Exemption[];
}

export interface Fleet {
    readonly file: string;
    readonly environments: readonly FleetEnvironment[];
}

export type Path = (string | number)[];
export interface Located {
    readonly path: Path;
    readonly message: string;
}

const topLevelSchema = z.strictObject({
    version: z.literal(1, { message: "must be 1 (the only manifest version)" }),
    defaults: z.record(z.string(), z.unknown(), { message: "must be a mapping of EnvironmentSpec fields" }).optional(),
    environments: z.record(z.string(), z.unknown(), { message: "must be a mapping of environment name to settings" }),
});

/** Objects merged key by key when both defaults and an environment set them; everything else is replaced. */
const MERGED_OBJECTS = new Set(["vss", "snapshotTags", "logging", "notifications"]);

function isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mergeDefaults(defaults: Record<string, unknown>, entry: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(entry)) {
        merged[key] = MERGED_OBJECTS.has(key) && isMapping(defaults[key]) && isMapping(value) ? { ...defaults[key], ...value } : value;
    }
    return merged;
}

/** Where an environment's problem belongs: its own key if it set it, else the defaults that supplied it. */
function locate(name: string, path: Path, entry: Record<string, unknown>, defaults: Record<string, unknown>): Path {
    let own: unknown = entry;
    for (const segment of path) {
        if (!isMapping(own) || !Object.hasOwn(own, String(segment))) {
            own = undefined;
            break;
        }
        own = own[String(segment)];
    }
    const fromDefaults = own === undefined && path.length > 0 && Object.hasOwn(defaults, String(path[0]));
    return fromDefaults ? ["defaults", ...path] : ["environments", name, ...path];
}

/**
 * A rule relating fields (cutoffHours < durationHours, ...) broken by an environment: at the rule's key
 * if the environment set it, else at another key the environment set, else at its name; and where
 * every value came from when any came from `defaults` or a built-in default.
 */
function crossFieldProblem(
    source: YamlSource,
    name: string,
    issue: SpecIssue & { keys: readonly string[] },
    entry: Record<string, unknown>,
    defaults: Record<string, unknown>,
): Located {
    const own = issue.keys.filter((k) => Object.hasOwn(entry, k));
    const first = String(issue.path[0]);
    const at: Path = own.includes(first) ? [...issue.path] : own.length > 0 ? [own[0]] : [];
    const origins = issue.keys.map((key) => {
        if (own.includes(key)) {
            return { key, text: `${key} at ${source.where(["environments", name, key])}`, inherited: false };
        }
        if (Object.hasOwn(defaults, key)) {
            return { key, text: `${key} from defaults at ${source.where(["defaults", key])}`, inherited: true };
        }
        const builtIn = environmentSchema.shape[key as keyof typeof environmentSchema.shape]?.safeParse(undefined).data;
        return { key, text: builtIn === undefined ? "" : `${key} not set (its default)`, inherited: builtIn !== undefined };
    });
    // Said when a value came from elsewhere: `defaults`, or a built-in default with nothing to point at.
    const suffix = origins.some((o) => o.inherited && (o.text.includes(" from defaults ") || at.length === 0))
        ? ` (environment '${name}': ${origins
              .filter((o) => o.text)
              .map((o) => o.text)
              .join(", ")})`
        : "";
    return { path: ["environments", name, ...at], message: `${issue.message}${suffix}` };
}

export function parseManifest(file: string, text: string): Fleet {
    const source = new YamlSource(file, text);
    if (source.problems.length > 0) {
        throw new UserInputError(source.problems);
    }
    const located: Located[] = [];
    const raw = source.toJS();
    const top = topLevelSchema.safeParse(raw ?? {});
    if (!top.success) {
        located.push(...toSpecIssues(top.error.issues, topLevelSchema).map((i) => ({ path: [...i.path], message: i.message })));
        throw new UserInputError(render(source, located));
    }
    const defaults = top.data.defaults ?? {};
    const defaultsCheck = environmentSchema.partial().safeParse(defaults);
    const defaultsProblems = new Set<string>();
    if (!defaultsCheck.success) {
        const issues = toSpecIssues(defaultsCheck.error.issues, environmentSchema);
        located.push(...issues.map((i) => ({ path: ["defaults", ...i.path], message: i.message })));
        issues.forEach((i) => defaultsProblems.add(formatPath(i.path)));
    }
    const environments: FleetEnvironment[] = [];
    const names = Object.keys(top.data.environments);
    for (const name of names) {
        const value = top.data.environments[name];
        const problemsBefore = located.length;
        let inheritsReportedProblem = false;
        const at: Path = ["environments", name];
        const nameProblem = environmentNameProblem(name);
        if (nameProblem) {
            located.push({ path: at, message: nameProblem });
        }
        if (!isMapping(value)) {
            located.push({ path: at, message: "must be a mapping of EnvironmentSpec fields (region, accountId, ...)" });
            continue;
        }
        const specPart = Object.fromEntries(Object.entries(value).filter(([key]) => !(EXTRA_KEYS as string[]).includes(key)));
        const extras = manifestExtrasSchema.safeParse(
            Object.fromEntries(EXTRA_KEYS.filter((k) => Object.hasOwn(value, k)).map((k) => [k, value[k]])),
        );
        if (!extras.success) {
            located.push(
                ...toSpecIssues(extras.error.issues, manifestExtrasSchema).map((i) => ({ path: [...at, ...i.path], message: i.message })),
            );
        }
        const result = parseEnvironment(name, mergeDefaults(defaults, specPart));
        if (!result.ok) {
            for (const issue of result.issues) {
                if (issue.keys) {
                    located.push(crossFieldProblem(source, name, { ...issue, keys: issue.keys }, specPart, defaults));
                    continue;
                }
                if (issue.path.length === 0 && nameProblem) {
                    continue; // the name problem, reported above
                }
                const path = locate(name, [...issue.path], specPart, defaults);
                if (path[0] === "defaults" && defaultsProblems.has(formatPath(path.slice(1)))) {
                    // A bad default is reported once, at `defaults`, not again for every environment.
                    inheritsReportedProblem = true;
                } else if (path[0] === "defaults") {
                    located.push({
                        path: at,
                        message: `${formatPath(issue.path)} from defaults (${source.where(path)}): ${issue.message}`,
                    });
                } else {
                    located.push({ path, message: issue.message });
                }
            }
        } else if (extras.success && !nameProblem) {
            environments.push({
                spec: result.spec,
                instances: extras.data.instances,
                scopeTags: extras.data.scope?.tags ?? {},
                exemptions: extras.data.exemptions,
            });
            continue;
        }
        if (located.length === problemsBefore && !inheritsReportedProblem) {
            throw new InternalError(`${file}: environment '${name}' was neither accepted nor refused with a problem`);
        }
    }
    located.push(...overlappingTargets(environments, (path) => source.where(path)));
    located.push(...prefixCollisions(environments));
    located.push(...sharedOutputPlaces(environments), ...sharedCopyKeys(environments));
    if (located.length > 0) {
        throw new UserInputError(render(source, located));
    }
    accountFor(
        `${file}: environments`,
        names,
        environments.map((e) => e.spec.name),
    );
    return { file, environments };
}

/** One line per problem, in the order a reader meets them in the file. */
function render(source: YamlSource, located: readonly Located[]): string[] {
    const lines = located.map((l) => {
        const { line, col } = source.locate(l.path);
        const key = l.path.length > 0 ? `${formatPath(l.path)}: ` : "";
        return { line, col, text: `${source.file}:${line}:${col}: ${key}${l.message}` };
    });
    lines.sort((a, b) => a.line - b.line || a.col - b.col);
    return [...new Set(lines.map((l) => l.text))];
}

export function loadManifest(file: string): Fleet {
    // Bytes counted as they are read (a FIFO or /dev/zero reports no size), UTF-16 and a BOM decoded.
    return parseManifest(file, readLimitedText(file, { maxBytes: MANIFEST_LIMITS.maxBytes, what: "the manifest" }));
}
