/** The plan for people (terminal), for pull requests (markdown) and for pipelines (one JSON object). */
import type { EnvironmentPlan, FleetPlan } from "../offline/engine";
import { GITHUB_COMMENT_LIMIT } from "./markdownDetails";

type Violation = EnvironmentPlan["violations"][number];

/** How many findings of one policy each environment lists before "... and N more" (plan --all: every one). */
export const FIRST_FINDINGS = 10;

/** The AWS ids a finding names (instances, volumes, snapshots, images), as data for --json. */
const idsIn = (message: string) => [...new Set(message.match(/\b(?:i|vol|snap|ami)-[0-9a-f]{8,17}\b/g) ?? [])];

/** An environment's findings grouped by level and policy, in the order they first appear. */
function groups(violations: readonly Violation[]): Violation[][] {
    const byKey = new Map<string, Violation[]>();
    for (const v of violations) {
        const key = `${v.enforcementLevel}\u0000${v.policy}`;
        byKey.set(key, [...(byKey.get(key) ?? []), v]);
    }
    return [...byKey.values()];
}

function countByType(plan: EnvironmentPlan): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of plan.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

const mandatory = (plan: EnvironmentPlan) => plan.violations.filter((v) => v.enforcementLevel === "mandatory");

/** The JSON contract: exactly these keys, `urn` null when a violation names no resource. */
export function toJson(plan: FleetPlan): string {
    return JSON.stringify({
        ok: plan.ok,
        environmentsInManifest: plan.environmentsInManifest,
        environments: plan.environments.map((env) => ({
            name: env.name,
            region: env.region,
            accountId: env.accountId,
            resources: env.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
            violations: env.violations.map((v) => ({
                policy: v.policy,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                urn: v.urn ?? null,
                ids: idsIn(v.message),
            })),
            windows: env.windows,
            rateControl: env.rateControl,
            notChecked: env.notChecked,
        })),
    });
}

/** The last line: never a plain OK when environments were left out or enrollment went unchecked. */
function verdict(plan: FleetPlan): string {
    const blocked = plan.environments.filter((e) => mandatory(e).length > 0);
    const count = blocked.reduce((n, e) => n + mandatory(e).length, 0);
    const unchecked = plan.environments.filter((e) => e.notChecked.length > 0).map((e) => e.name);
    const caveat = unchecked.length > 0 ? `; fleet enrollment not checked in ${unchecked.join(", ")}` : "";
    return plan.ok
        ? `OK: ${plan.environments.length} of ${plan.environmentsInManifest} environment(s) planned, no mandatory policy violations${caveat}.`
        : `BLOCKED: ${count} mandatory policy violation(s) in ${blocked.map((e) => e.name).join(", ")}${caveat}.`;
}

export function toText(plan: FleetPlan, manifest: string, first = FIRST_FINDINGS): string {
    const lines = [
        `vss-fleet plan of ${manifest} (offline: the real program under Pulumi's mock runtime; no credentials, no Pulumi CLI)`,
        "",
    ];
    for (const env of plan.environments) {
        lines.push(`${env.name}  ${env.region} / ${env.accountId}`);
        lines.push(`  ${env.resources.length} resources to create:`);
        lines.push(...countByType(env).map(([type, n]) => `    + ${type}${n > 1 ? ` x${n}` : ""}`));
        lines.push(
            `  Windows instances: ${env.windows.enrolled} enrolled, ${env.windows.exempt} exempt, ${env.windows.unenrolled} unenrolled`,
        );
        lines.push(...env.notChecked.map((n) => `  ${n}`));
        lines.push(`  Rate control: ${env.rateControl.why}`);
        if (env.existingRoles) {
            lines.push(
                `  Existing roles: ${env.existingRoles.roles.join(", ")} get the snapshot policy ${env.existingRoles.policyArn} ` +
                    "(an administrator creates it once: vss-fleet deploy-policy --bootstrap)",
            );
        }
        lines.push(`  Lifecycle: ${env.lifecycle}`);
        lines.push(...env.warnings.map((w) => `  warning: ${w}`));
        for (const group of groups(env.violations)) {
            const label = `${group[0].enforcementLevel === "mandatory" ? "BLOCK" : "advise"} ${group[0].policy}`;
            for (const v of group.slice(0, first)) {
                const [description, ...detail] = v.message.split("\n");
                lines.push(`  ${label}: ${detail.join(" ") || description}`);
            }
            if (group.length > first) {
                lines.push(`  ... and ${group.length - first} more ${label} (plan --all lists them; --json has every one)`);
            }
        }
        lines.push("");
    }
    lines.push(verdict(plan));
    return lines.join("\n");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Markdown for one pull-request comment: each policy's findings listed up to a number per
 * environment, that number lowered until the comment fits GitHub's limit (the table and the counts
 * are never cut); --json has every finding.
 */
export function toMarkdown(plan: FleetPlan, manifest: string, limit = GITHUB_COMMENT_LIMIT): string {
    for (const first of [FIRST_FINDINGS, 3, 1]) {
        const text = markdownListing(plan, manifest, first);
        if (text.length <= limit) {
            return text;
        }
    }
    return markdownListing(plan, manifest, 0).slice(0, limit);
}

function markdownListing(plan: FleetPlan, manifest: string, first: number): string {
    const lines = [
        `### vss-fleet plan: ${plan.ok ? "OK" : "BLOCKED"}`,
        "",
        `Offline plan of \`${manifest}\`: the real program under Pulumi's mock runtime, with the vss-fleet policy pack.`,
        "",
        "| environment | account / region | resources | Windows enrolled | exempt | unenrolled | mandatory | advisory |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...plan.environments.map(
            (e) =>
                `| ${e.name} | ${e.accountId} / ${e.region} | ${e.resources.length} | ${e.windows.enrolled} | ${e.windows.exempt} | ` +
                `${e.windows.unenrolled} | ${mandatory(e).length} | ${e.violations.length - mandatory(e).length} |`,
        ),
    ];
    for (const env of plan.environments.filter((e) => e.violations.length > 0 || e.warnings.length > 0 || e.notChecked.length > 0)) {
        lines.push("", `#### ${env.name}`, "");
        lines.push(...env.notChecked.map((n) => `- :grey_question: ${cell(n)}`));
        lines.push(...env.warnings.map((w) => `- :warning: ${cell(w)}`));
        for (const group of groups(env.violations)) {
            const { enforcementLevel, policy } = group[0];
            const head = `- ${enforcementLevel === "mandatory" ? ":no_entry:" : ":information_source:"} **${policy}** (${enforcementLevel})`;
            for (const v of group.slice(0, first)) {
                lines.push(`${head}: ${cell(v.message.split("\n").slice(1).join(" ") || v.message)}`);
            }
            if (group.length > first) {
                lines.push(
                    `${head}: ${first > 0 ? `... and ${group.length - first} more` : `${group.length} finding(s)`} (\`plan --json\` has every one)`,
                );
            }
        }
    }
    lines.push("", verdict(plan));
    return lines.join("\n");
}
