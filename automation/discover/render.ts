/**
 * discover's three outputs. Text and markdown group repeated findings (400 servers are a handful
 * of lines, not 400), list the first few of each group, and point at the rest; JSON carries every
 * id and every count as data. Markdown stays under GitHub's comment limit whatever the fleet size.
 */
import { formatTags } from "../../policies/lib/tagIndex";
import { escapeMarkdown as escape, fitDetails, GITHUB_COMMENT_LIMIT } from "../output/markdownDetails";
import type { Discovery, EnvironmentDiscovery, Found } from "./classify";

export { GITHUB_COMMENT_LIMIT };

export interface Group {
    readonly label: string;
    readonly instances: readonly Found[];
}

/** Instances sharing a label, biggest group first (then by label, so output is stable). */
export function groupBy<T extends Found>(items: readonly T[], label: (item: T) => string): Group[] {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        groups.set(label(item), [...(groups.get(label(item)) ?? []), item]);
    }
    return [...groups.entries()]
        .map(([l, instances]) => ({ label: l, instances }))
        .sort((a, b) => b.instances.length - a.instances.length || a.label.localeCompare(b.label));
}

/** Enrolled instances that cannot be snapshotted, grouped by what is missing (an instance may be in several). */
export function notReadyGroups(env: EnvironmentDiscovery): Group[] {
    const pairs = env.enrolled.flatMap((f) => f.gaps.map((gap) => ({ ...f, summary: gap.summary })));
    return groupBy(pairs, (p) => p.summary);
}

export const notReady = (env: EnvironmentDiscovery) => env.enrolled.filter((f) => f.gaps.length > 0);

const label = (f: Found) => (f.instance.name ? `${f.instance.instanceId} (${f.instance.name})` : f.instance.instanceId);
const summary = (groups: readonly Group[]) => groups.map((g) => `${g.instances.length} ${g.label}`).join(", ");

function heading(env: EnvironmentDiscovery): string {
    return (
        `${env.name} (${env.accountId}/${env.region}, ${formatTags(env.targetTags)}): ` +
        `${env.enrolled.length} enrolled (${notReady(env).length} not ready), ${env.exempt.length} exempt, ${env.unenrolled.length} unenrolled`
    );
}

export interface TextOptions {
    /** Instances listed per group before "... and N more"; Infinity with --all. */
    readonly first: number;
}

function listed(instances: readonly Found[], first: number, indent: string): string[] {
    const shown = instances.slice(0, first).map((f) => `${indent}${label(f)}`);
    const rest = instances.length - shown.length;
    return rest > 0 ? [...shown, `${indent}... and ${rest} more (--all lists them, --json has every id)`] : shown;
}

export function toText(discovery: Discovery, manifest: string, options: TextOptions): string {
    const lines = [`vss-fleet discover ${manifest}: nothing was changed`];
    for (const env of discovery.environments) {
        lines.push("", heading(env));
        const unenrolled = groupBy(env.unenrolled, (u) => u.group);
        if (unenrolled.length > 0) {
            lines.push(`  ${env.unenrolled.length} unenrolled: ${summary(unenrolled)}`);
            for (const group of unenrolled) {
                lines.push(`    ${group.instances.length} ${group.label}:`, ...listed(group.instances, options.first, "      "));
            }
        }
        const gaps = notReadyGroups(env);
        if (gaps.length > 0) {
            lines.push(`  ${notReady(env).length} enrolled but not ready: ${summary(gaps)}`);
            for (const group of gaps) {
                lines.push(`    ${group.instances.length} ${group.label}:`, ...listed(group.instances, options.first, "      "));
            }
        }
        if (env.exempt.length > 0) {
            lines.push(`  ${env.exempt.length} exempt:`, ...listed(env.exempt, options.first, "    "));
        }
    }
    if (discovery.outOfScope.length > 0) {
        lines.push("", `${discovery.outOfScope.length} Windows instance(s) in no environment's account, region and scope`);
    }
    return lines.join("\n");
}

/** JSON: per environment the lists and the counts, as data. */
export function toJson(discovery: Discovery): string {
    const instance = (f: Found) => ({
        instanceId: f.instance.instanceId,
        ...(f.instance.name ? { name: f.instance.name } : {}),
        accountId: f.instance.accountId,
        region: f.instance.region,
        ...(f.instance.instanceType ? { instanceType: f.instance.instanceType } : {}),
        missing: f.gaps.map((g) => g.code),
    });
    return JSON.stringify({
        environments: discovery.environments.map((env) => ({
            name: env.name,
            accountId: env.accountId,
            region: env.region,
            targetTags: env.targetTags,
            counts: {
                enrolled: env.enrolled.length,
                notReady: notReady(env).length,
                exempt: env.exempt.length,
                unenrolled: env.unenrolled.length,
            },
            enrolled: env.enrolled.map(instance),
            exempt: env.exempt.map((f) => ({ ...instance(f), reason: f.reason, expires: f.expires })),
            unenrolled: env.unenrolled.map((f) => ({ ...instance(f), group: f.group, nearMisses: f.nearMisses })),
            groups: {
                unenrolled: groupBy(env.unenrolled, (u) => u.group).map((g) => ({ label: g.label, count: g.instances.length })),
                notReady: notReadyGroups(env).map((g) => ({ label: g.label, count: g.instances.length })),
            },
        })),
        outOfScope: { count: discovery.outOfScope.length, instanceIds: discovery.outOfScope.map((i) => i.instanceId) },
    });
}

/**
 * Markdown for a pull-request comment: a count table, then one <details> block per group. Lists are
 * cut to fit `limit` (with room for the note that says so), never the table.
 */
export function toMarkdown(discovery: Discovery, manifest: string, limit = GITHUB_COMMENT_LIMIT): string {
    const head = [
        `### vss-fleet discover \`${manifest}\``,
        "",
        "| environment | account/region | enrolled | not ready | exempt | unenrolled |",
        "|---|---|---:|---:|---:|---:|",
        ...discovery.environments.map(
            (e) =>
                `| ${e.name} | ${e.accountId}/${e.region} | ${e.enrolled.length} | ${notReady(e).length} | ${e.exempt.length} | ${e.unenrolled.length} |`,
        ),
    ];
    const blocks: { title: string; items: string[] }[] = [];
    for (const env of discovery.environments) {
        for (const group of groupBy(env.unenrolled, (u) => u.group)) {
            blocks.push({ title: `${env.name}: ${group.instances.length} unenrolled ${group.label}`, items: group.instances.map(label) });
        }
        for (const group of notReadyGroups(env)) {
            blocks.push({ title: `${env.name}: ${group.instances.length} enrolled, ${group.label}`, items: group.instances.map(label) });
        }
        if (env.exempt.length > 0) {
            blocks.push({
                title: `${env.name}: ${env.exempt.length} exempt`,
                items: env.exempt.map((f) => `${label(f)}: ${f.reason} (until ${f.expires})`),
            });
        }
    }
    const titled = blocks.map((b) => ({ title: escape(b.title), items: b.items.map(escape) }));
    return fitDetails(
        head.join("\n"),
        titled,
        "_Lists were cut to fit a GitHub comment; `vss-fleet discover --json` has every instance._",
        limit,
    );
}
