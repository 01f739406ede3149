/**
 * Offline preview of the shipped stacks: for each stacks/Pulumi.<env>.yaml, the real program runs
 * under Pulumi's mock runtime (no credentials, no Pulumi CLI) and what it would create is listed.
 * The command is automation/commands/previewStacks.ts (`vss-fleet preview-stacks`).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { DEFAULT_FLEET, MANIFEST_LIMITS } from "../../core/environment";
import { readLimitedText } from "../io/readText";
import { CONFIG_NAMESPACE, loadStackEnvironment, STACK_CONFIG_DIR } from "../../stacks/stackConfig";
import { defineStackFromConfig } from "../../stacks/program";
import { runUnderMocks, type RecordedResource } from "./mockRuntime";

/** The stacks that have a Pulumi.<stack>.yaml in `dir`. */
export function stackNames(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

/** A stack file's config as the Pulumi engine hands it to the program: structured values as JSON. */
export function stackConfig(file: string): Record<string, string> {
    const text = readLimitedText(file, { maxBytes: MANIFEST_LIMITS.maxBytes, what: "the stack file" });
    const doc = (parse(text) ?? {}) as { config?: Record<string, unknown> };
    return Object.fromEntries(
        Object.entries(doc.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

export interface StackPlan {
    readonly stack: string;
    readonly summary: string;
    readonly resources: RecordedResource[];
}

export async function planStack(stack: string, dir: string = STACK_CONFIG_DIR): Promise<StackPlan> {
    let summary = "";
    const { resources } = await runUnderMocks(
        () => {
            const spec = loadStackEnvironment(stack, new pulumi.Config(CONFIG_NAMESPACE), dir);
            const tags = Object.entries(spec.targetTags).map(([k, v]) => `${k}=${v}`);
            summary =
                `${spec.region} / ${spec.accountId}: ${spec.schedule} ${spec.scheduleTimezone}, ` +
                `${spec.durationHours} h window (cutoff ${spec.cutoffHours} h), engine ${spec.engine}, targets ${tags.join(" ")}`;
            return defineStackFromConfig(stack, dir);
        },
        { project: DEFAULT_FLEET, stack, config: stackConfig(path.join(dir, `Pulumi.${stack}.yaml`)) },
    );
    return { stack, summary, resources };
}

export function formatPlan(plan: StackPlan): string {
    const counts = new Map<string, number>();
    for (const resource of plan.resources.filter((r) => r.custom)) {
        counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    }
    const lines = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `  + ${type}${n > 1 ? ` x${n}` : ""}`);
    return [`${plan.stack}  ${plan.summary}`, ...lines].join("\n");
}
