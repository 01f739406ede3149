/**
 * `discover --write-enrollment`: what would enroll the unenrolled instances, printed for a person to
 * review and apply. Never applied here. Three shapes:
 * - `instances`: manifest YAML listing them under each environment's `instances` (the stack then
 *   writes the target tags on them, through the GitOps path), and the roles found without the
 *   snapshot permission under `existingInstanceRoleNames` (the stack then attaches the policy);
 * - `exemptions`: manifest YAML exemption stubs whose reason and expiry must be filled in (the
 *   placeholders fail validation on purpose until they are);
 * - `create-tags`: `aws ec2 create-tags` lines per account and region, for tagging outside the stack.
 */
import type { EnvironmentDiscovery, Unenrolled } from "./classify";

export const ENROLLMENT_FORMATS = ["instances", "exemptions", "create-tags"] as const;
export type EnrollmentFormat = (typeof ENROLLMENT_FORMATS)[number];

/** create-tags accepts many resources per call; keep lines short enough to read and to paste. */
export const CREATE_TAGS_BATCH = 50;

/** JSON strings are YAML strings: always safely quoted. */
const q = (text: string) => JSON.stringify(text);
const comment = (f: Unenrolled) => `  # ${[f.instance.name, f.group].filter(Boolean).join(": ").replace(/\n/g, " ")}`;

/** The roles of the environment's servers (enrolled or not) that lack the snapshot permission. */
function rolesLacking(env: EnvironmentDiscovery): string[] {
    const found = [...env.enrolled, ...env.unenrolled].filter((f) => f.gaps.some((g) => g.code === "role-cannot-snapshot"));
    return [...new Set(found.flatMap((f) => (f.instance.role ? [f.instance.role.name] : [])))].sort();
}

function manifestYaml(envs: readonly EnvironmentDiscovery[], manifest: string, key: "instances" | "exemptions"): string {
    const lines = [`# vss-fleet discover: merge into ${manifest} under each environment (nothing was applied)`, "environments:"];
    const roles = (env: EnvironmentDiscovery) => (key === "instances" ? rolesLacking(env) : []);
    for (const env of envs.filter((e) => e.unenrolled.length > 0 || roles(e).length > 0)) {
        lines.push(`  ${q(env.name)}:`);
        if (roles(env).length > 0) {
            lines.push(
                `    existingInstanceRoleNames: [${roles(env).map(q).join(", ")}]  # lack the snapshot permission; write /path/name for a role with a path`,
            );
        }
        if (env.unenrolled.length === 0) {
            continue;
        }
        lines.push(`    ${key}:`);
        for (const f of env.unenrolled) {
            lines.push(
                key === "instances"
                    ? `      - ${f.instance.instanceId}${comment(f)}`
                    : `      - { instanceId: ${f.instance.instanceId}, reason: "FILL IN why it needs no backup", expires: "YYYY-MM-DD" }${comment(f)}`,
            );
        }
    }
    return lines.join("\n");
}

/** A shell word: bare when it is plainly safe, else single-quoted. */
function shellWord(text: string): string {
    return /^[A-Za-z0-9_.:/=,@+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** `--tags` in the CLI's shorthand when the tags allow it, else as JSON (commas or '=' in a value break shorthand). */
function tagsArgument(tags: Readonly<Record<string, string>>): string {
    const entries = Object.entries(tags);
    if (entries.every(([k, v]) => /^[A-Za-z0-9_.:/@+-]+$/.test(k) && /^[A-Za-z0-9_.:/@+-]*$/.test(v))) {
        return entries.map(([k, v]) => `Key=${k},Value=${v}`).join(" ");
    }
    return shellWord(JSON.stringify(entries.map(([Key, Value]) => ({ Key, Value }))));
}

function createTags(envs: readonly EnvironmentDiscovery[]): string {
    const lines = ["# vss-fleet discover: review, then run with credentials for each account (nothing was applied)"];
    for (const env of envs.filter((e) => e.unenrolled.length > 0)) {
        lines.push(`# environment ${env.name}: account ${env.accountId}, ${env.unenrolled.length} instance(s)`);
        const ids = env.unenrolled.map((f) => f.instance.instanceId);
        for (let i = 0; i < ids.length; i += CREATE_TAGS_BATCH) {
            const batch = ids.slice(i, i + CREATE_TAGS_BATCH).join(" ");
            lines.push(`aws ec2 create-tags --region ${env.region} --resources ${batch} --tags ${tagsArgument(env.targetTags)}`);
        }
    }
    return lines.join("\n");
}

export function writeEnrollment(envs: readonly EnvironmentDiscovery[], manifest: string, format: EnrollmentFormat): string {
    if (envs.every((e) => e.unenrolled.length === 0 && (format !== "instances" || rolesLacking(e).length === 0))) {
        return "# vss-fleet discover: every Windows instance in scope is enrolled or exempt; nothing to write";
    }
    return format === "create-tags" ? createTags(envs) : manifestYaml(envs, manifest, format);
}
