/**
 * One environment through the Automation API: select or create its stack on the local program, run
 * the operation with the policy pack attached, and collect what the engine reports (policy events,
 * the change summary). A stack locked by another update is retried with bounded exponential backoff.
 */
import {
    CommandError,
    ConcurrentUpdateError,
    LocalWorkspace,
    type EngineEvent,
    type OpMap,
    type PulumiCommand,
    type Stack,
} from "@pulumi/pulumi/automation";
import type { EnforcementLevel } from "@pulumi/policy";
import { resourceSteps, type ResourceStep } from "./resourceDiff";

export type Operation = "preview" | "apply" | "drift" | "destroy";

export type Status = "succeeded" | "blocked" | "failed" | "drift" | "refused" | "cancelled" | "skipped";

export interface PolicyViolation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly message: string;
    readonly urn?: string;
}

export interface EnvironmentRun {
    readonly name: string;
    readonly status: Status;
    /** Resource operations by kind (create, update, delete, same, ...), from the engine's summary. */
    readonly changes: Readonly<Record<string, number>>;
    readonly violations: readonly PolicyViolation[];
    /**
     * The engine's resource diff of the last command: which resources change, and which properties.
     * Absent when the engine never ran (refused, skipped before starting).
     */
    readonly steps?: readonly ResourceStep[];
    readonly durationMs: number;
    readonly attempts: number;
    readonly error?: string;
}

export interface RunContext {
    readonly pulumiCommand: PulumiCommand;
    /** The project folder (Pulumi.yaml, the program in stacks/). */
    readonly workDir: string;
    /** Fully qualified when an organization is set: org/name. */
    readonly stackName: string;
    readonly policyPackDir?: string;
    readonly policyConfigFile?: string;
    readonly onOutput: (text: string) => void;
    readonly signal: AbortSignal;
    readonly retry: { readonly attempts: number; readonly baseDelayMs: number };
    /** Extra environment for the Pulumi CLI (for example the deploy role's region). */
    readonly envVars?: Record<string, string>;
    /**
     * Asked after an apply's preview passed the policies and before anything changes, with the
     * previewed changes; false leaves the stack untouched. Absent: apply without asking (--yes).
     */
    readonly confirm?: (changes: Readonly<OpMap>) => Promise<boolean>;
}

/** Engine events name advisory violations "warning". */
function level(value: string): EnforcementLevel {
    return value === "warning" ? "advisory" : (value as EnforcementLevel);
}

class Collector {
    readonly violations: PolicyViolation[] = [];
    changes: OpMap = {};
    /** Preludes and resource steps: what resourceSteps() needs, not every engine event. */
    readonly stepEvents: EngineEvent[] = [];
    onEvent = (event: EngineEvent) => {
        if (event.preludeEvent || event.resourcePreEvent) {
            this.stepEvents.push(event);
        }
        if (event.policyEvent) {
            const p = event.policyEvent;
            this.violations.push({
                policy: p.policyName,
                enforcementLevel: level(p.enforcementLevel),
                // The engine ends the message with a newline: "<policy description>\n<violation>\n".
                message: p.message.trimEnd(),
                ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
            });
        }
        if (event.summaryEvent) {
            this.changes = event.summaryEvent.resourceChanges ?? {};
        }
    };
}

const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });

function hasChanges(changes: Readonly<OpMap>): boolean {
    return Object.entries(changes).some(([op, n]) => op !== "same" && (n ?? 0) > 0);
}

async function operate(stack: Stack, operation: Operation, ctx: RunContext, collector: Collector): Promise<Status> {
    const common = { onOutput: ctx.onOutput, onEvent: collector.onEvent, signal: ctx.signal };
    if (ctx.signal.aborted) {
        return "cancelled";
    }
    const policy =
        ctx.policyPackDir && ctx.policyConfigFile ? { policyPacks: [ctx.policyPackDir], policyPackConfigs: [ctx.policyConfigFile] } : {};
    switch (operation) {
        case "preview":
            await stack.preview({ ...common, ...policy });
            return "succeeded";
        case "apply":
            // The Automation API's up runs `pulumi up --skip-preview`, where the engine judges stack
            // policies only after every resource has changed (test/engine shows it). A preview with
            // the same policies first lets a mandatory violation stop the apply before any change.
            await stack.preview({ ...common, ...policy });
            // A signal that fired between the two commands would not reach the next one.
            if (ctx.signal.aborted) {
                return "cancelled";
            }
            if (ctx.confirm && hasChanges(collector.changes) && !(await ctx.confirm(collector.changes))) {
                return "skipped";
            }
            await stack.up({ ...common, ...policy });
            return "succeeded";
        case "destroy":
            // On a terminal without --yes: what the destroy would remove, then the question, as for apply.
            if (ctx.confirm) {
                await stack.destroy({ ...common, previewOnly: true });
                if (ctx.signal.aborted) {
                    return "cancelled";
                }
                if (hasChanges(collector.changes) && !(await ctx.confirm(collector.changes))) {
                    return "skipped";
                }
            }
            await stack.destroy(common);
            return "succeeded";
        case "drift":
            // Refresh reads the cloud into the state; a preview that expects no changes then fails
            // exactly when the cloud and the program disagree.
            await stack.refresh(common);
            try {
                await stack.preview({ ...common, ...policy, expectNoChanges: true });
                return "succeeded";
            } catch (error) {
                if (error instanceof CommandError && hasChanges(collector.changes)) {
                    return "drift";
                }
                throw error;
            }
    }
}

export async function runEnvironment(name: string, operation: Operation, ctx: RunContext): Promise<EnvironmentRun> {
    const started = Date.now();
    let attempts = 0;
    for (;;) {
        attempts++;
        const collector = new Collector();
        const result = (status: Status, error?: string): EnvironmentRun => ({
            name,
            status,
            changes: collector.changes,
            violations: collector.violations,
            steps: resourceSteps(collector.stepEvents),
            durationMs: Date.now() - started,
            attempts,
            ...(error !== undefined ? { error } : {}),
        });
        try {
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: ctx.stackName, workDir: ctx.workDir },
                { pulumiCommand: ctx.pulumiCommand, envVars: ctx.envVars },
            );
            return result(await operate(stack, operation, ctx, collector));
        } catch (error) {
            if (error instanceof ConcurrentUpdateError && attempts < ctx.retry.attempts && !ctx.signal.aborted) {
                const delay = ctx.retry.baseDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2);
                ctx.onOutput(`stack ${ctx.stackName} is locked by another update; retrying in ${Math.round(delay)} ms\n`);
                await sleep(delay, ctx.signal);
                continue;
            }
            const blocked = collector.violations.some((v) => v.enforcementLevel === "mandatory");
            const status: Status = ctx.signal.aborted ? "cancelled" : blocked ? "blocked" : "failed";
            return result(status, error instanceof CommandError ? lastErrorLine(error.message) : (error as Error).message);
        }
    }
}

/** The CLI's own error line from a CommandError's text (which also carries the full command output). */
function lastErrorLine(text: string): string {
    const errors = text.split("\n").filter((line) => /^\s*error: /.test(line));
    return (errors.pop() ?? text.split("\n").find((l) => l.trim()) ?? "failed").trim();
}
