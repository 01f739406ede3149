/** Summaries of a driver run: per environment its status, changes by operation, violations and duration. */
import type { FleetRun } from "../driver/runFleet";
import type { EnvironmentRun } from "../driver/run";
import { diffBlock, stepTextLines } from "../driver/resourceDiff";
import { fitDetails, GITHUB_COMMENT_LIMIT, type DetailsBlock } from "./markdownDetails";

function changes(env: EnvironmentRun): string {
    const parts = Object.entries(env.changes)
        .filter(([op, n]) => op !== "same" && (n ?? 0) > 0)
        .map(([op, n]) => `${op} ${n}`);
    // A failed, refused or cancelled environment never reads as "no changes": nothing is known of them.
    return parts.length > 0
        ? parts.join(", ")
        : ["succeeded", "drift", "blocked", "skipped"].includes(env.status)
          ? "no changes"
          : "changes not known";
}

/**
 * What a violation says, as `plan` prints it: the engine's message is the policy's description, then
 * the violation (the resource or instance, and the fix); the description alone when there is nothing else.
 */
function detailOf(message: string): string {
    const [description, ...detail] = message.trimEnd().split("\n");
    return detail.join(" ").trim() || description;
}

const mandatory = (env: EnvironmentRun) => env.violations.filter((v) => v.enforcementLevel === "mandatory").length;
const seconds = (env: EnvironmentRun) => `${(env.durationMs / 1000).toFixed(1)} s`;

/** "2 of 3 environment(s) of the manifest": what was run, against what the manifest has. */
const counted = (run: FleetRun) => `${run.environments.length} of ${run.environmentsInManifest} environment(s) of the manifest`;

export function driverJson(run: FleetRun, exitCode: number): string {
    return JSON.stringify({
        ok: exitCode === 0,
        operation: run.operation,
        environmentsInManifest: run.environmentsInManifest,
        environments: run.environments.map((e) => ({
            name: e.name,
            status: e.status,
            changes: e.changes,
            violations: e.violations.map((v) => ({
                policy: v.policy,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                urn: v.urn ?? null,
            })),
            steps: e.steps ?? [],
            durationMs: e.durationMs,
            attempts: e.attempts,
            error: e.error ?? null,
        })),
    });
}

export function driverText(run: FleetRun): string {
    const lines = [`vss-fleet ${run.operation}: ${counted(run)}`];
    for (const env of run.environments) {
        lines.push(
            `  ${env.name.padEnd(16)} ${env.status.padEnd(10)} ${changes(env)}; ${mandatory(env)} mandatory, ` +
                `${env.violations.length - mandatory(env)} advisory; ${seconds(env)}${env.attempts > 1 ? ` (${env.attempts} attempts)` : ""}`,
        );
        if (env.error) {
            lines.push(`    ${env.error}`);
        }
        for (const v of env.violations) {
            lines.push(`    ${v.enforcementLevel === "mandatory" ? "BLOCK" : "advise"} ${v.policy}: ${detailOf(v.message)}`);
        }
        lines.push(...stepTextLines(env.steps ?? [], "    "));
    }
    return lines.join("\n");
}

/**
 * The pull-request comment: the status table and the policy findings always, then per environment a
 * `<details>` block with the engine's resource diff, cut to fit `limit` characters (GitHub's comment
 * limit, or the workflow's share of it per environment) with a note pointing at the JSON.
 */
export function driverMarkdown(run: FleetRun, limit = GITHUB_COMMENT_LIMIT): string {
    const lines = [
        `### vss-fleet ${run.operation}`,
        "",
        `${counted(run)}.`,
        "",
        "| environment | status | changes | mandatory | advisory | duration |",
        "| --- | --- | --- | ---: | ---: | ---: |",
        ...run.environments.map(
            (e) => `| ${e.name} | ${e.status} | ${changes(e)} | ${mandatory(e)} | ${e.violations.length - mandatory(e)} | ${seconds(e)} |`,
        ),
    ];
    for (const env of run.environments.filter((e) => e.error || e.violations.length > 0)) {
        lines.push("", `#### ${env.name}`, "");
        if (env.error) {
            lines.push(`- ${env.error.replace(/\|/g, "\\|")}`);
        }
        for (const v of env.violations) {
            lines.push(
                `- ${v.enforcementLevel === "mandatory" ? ":no_entry:" : ":information_source:"} **${v.policy}**: ${detailOf(v.message).replace(/\|/g, "\\|")}`,
            );
        }
    }
    const blocks = run.environments.map((e) => diffBlock(e.name, e.steps ?? [])).filter((b): b is DetailsBlock => b !== undefined);
    const cut = `_The resource diff was cut to fit a GitHub comment; \`vss-fleet ${run.operation} --json\` has every step (\`steps\`)._`;
    return fitDetails(lines.join("\n"), blocks, cut, limit);
}
