/**
 * Loading a fleet manifest: YAML with positions kept, defaults merged under each environment, and
 * every problem reported at once as `file:line:col: key.path: problem`. Nothing is returned unless
 * the whole manifest is valid, so nothing downstream ever acts on half a manifest.
 */
import * as fs from "fs";
import { z } from "zod";
import {
    environmentNameProblem,
    environmentSchema,
    formatPath,
    parseEnvironment,
    toSpecIssues,
    YamlSource,
    type EnvironmentSpec,
} from "../../core/environment";
import type { Exemption } from "../../policies/lib/exemptions";
import { UserInputError } from "../errors";
import { EXTRA_KEYS, manifestExtrasSchema } from "./schema";

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

type Path = (string | number)[];
interface Located {
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
        if (!isMapping(own) || !(String(segment) in own)) {
            own = undefined;
            break;
        }
        own = own[String(segment)];
    }
    const fromDefaults = own === undefined && path.length > 0 && String(path[0]) in defaults;
    return fromDefaults ? ["defaults", ...path] : ["environments", name, ...path];
}

export function parseManifest(file: string, text: string): Fleet {
    const source = new YamlSource(file, text);
    const located: Located[] = [];
    for (const error of source.document.errors) {
        const at = error.linePos?.[0];
        const message =
            error.code === "DUPLICATE_KEY" ? "duplicate key (each key may appear once in a mapping)" : error.message.split("\n")[0];
        located.push({ path: [], message: at ? `${file}:${at.line}:${at.col}: ${message}` : `${file}: ${message}` });
    }
    if (located.length > 0) {
        throw new UserInputError(located.map((l) => l.message));
    }
    const raw = source.document.toJS() as unknown;
    const top = topLevelSchema.safeParse(raw ?? {});
    if (!top.success) {
        located.push(...toSpecIssues(top.error.issues, topLevelSchema).map((i) => ({ path: [...i.path], message: i.message })));
        throw new UserInputError(render(source, located));
    }
    const defaults = top.data.defaults ?? {};
    const defaultsCheck = environmentSchema.partial().safeParse(defaults);
    if (!defaultsCheck.success) {
        const issues = toSpecIssues(defaultsCheck.error.issues, environmentSchema);
        located.push(...issues.map((i) => ({ path: ["defaults", ...i.path], message: i.message })));
    }
    const environments: FleetEnvironment[] = [];
    for (const [name, value] of Object.entries(top.data.environments)) {
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
        const extras = manifestExtrasSchema.safeParse(Object.fromEntries(EXTRA_KEYS.filter((k) => k in value).map((k) => [k, value[k]])));
        if (!extras.success) {
            located.push(
                ...toSpecIssues(extras.error.issues, manifestExtrasSchema).map((i) => ({ path: [...at, ...i.path], message: i.message })),
            );
        }
        const result = parseEnvironment(name, mergeDefaults(defaults, specPart));
        if (!result.ok) {
            for (const issue of result.issues.filter((i) => i.path.length > 0)) {
                const path = locate(name, [...issue.path], specPart, defaults);
                // A bad default is reported once, at `defaults`, not again for every environment.
                if (path[0] !== "defaults") {
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
        }
    }
    located.push(...collisions(environments));
    if (located.length > 0) {
        throw new UserInputError(render(source, located));
    }
    return { file, environments };
}

/** Two environments in one account and region must not select the same instances. */
function collisions(environments: readonly FleetEnvironment[]): Located[] {
    const seen = new Map<string, string>();
    const out: Located[] = [];
    for (const { spec } of environments) {
        const key = `${spec.accountId}/${spec.region}/${JSON.stringify(Object.entries(spec.targetTags).sort())}`;
        const other = seen.get(key);
        if (other) {
            out.push({
                path: ["environments", spec.name, "targetTags"],
                message: `selects the same instances as environment '${other}' (same account, region and targetTags); each instance would be snapshotted twice`,
            });
        } else {
            seen.set(key, spec.name);
        }
    }
    return out;
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
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UserInputError([
            `${file}: cannot read the manifest (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        ]);
    }
    return parseManifest(file, text);
}
