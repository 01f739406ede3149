/**
 * The GitOps driver: every chosen environment of a manifest through the Automation API, up to
 * `parallel` at once. One environment failing never stops or corrupts the others (unless
 * failFast); Ctrl-C (the signal) cancels running updates cleanly and skips the rest.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import pLimit from "p-limit";
import type { InventoryInstance } from "../../policies/config";
import { UserInputError } from "../errors";
import { loadInventoryFiles } from "../inventory/describeInstances";
import { describeWindowsInstances } from "../inventory/live";
import type { Fleet, FleetEnvironment } from "../manifest/load";
import { generatedPolicyConfig } from "../offline/engine";
import { accountProblem, credentialsFor, defaultSts, type StsFactory } from "./identity";
import { renderStacks } from "./render";
import { runEnvironment, type EnvironmentRun, type Operation } from "./run";

export interface DriverOptions {
    readonly operation: Operation;
    /** The project folder: Pulumi.yaml, stacks/ and policies/. */
    readonly workDir: string;
    readonly manifestPath: string;
    readonly parallel: number;
    readonly failFast: boolean;
    readonly accountCheck: boolean;
    readonly inventoryFiles: readonly string[];
    readonly organization?: string;
    readonly signal: AbortSignal;
    /** Streamed engine output, one prefixed line at a time. */
    readonly log: (line: string) => void;
    readonly pulumiCommand?: PulumiCommand;
    readonly retry?: { readonly attempts: number; readonly baseDelayMs: number };
    readonly sts?: StsFactory;
    readonly ec2?: (env: FleetEnvironment) => EC2Client;
    /** apply: asked per environment after its preview passed the policies (see RunContext.confirm). */
    readonly confirm?: (environment: string, changes: Readonly<Record<string, number>>) => Promise<boolean>;
}

export interface FleetRun {
    readonly operation: Operation;
    readonly environments: EnvironmentRun[];
}

/** The Pulumi CLI from PATH; its absence is one line that says what to do. */
export async function findPulumi(): Promise<PulumiCommand> {
    try {
        return await PulumiCommand.get();
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT" || /ENOENT|not found/i.test(String(error))) {
            throw new UserInputError([
                "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/); 'vss-fleet plan --offline' works without it",
            ]);
        }
        throw error;
    }
}

/** Streams text as lines with the environment's name in front. */
function prefixed(name: string, log: (line: string) => void): (text: string) => void {
    let pending = "";
    return (text) => {
        const lines = (pending + text).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
            log(`[${name}] ${line}`);
        }
    };
}

async function inventoryFor(env: FleetEnvironment, files: readonly InventoryInstance[] | undefined, options: DriverOptions) {
    if (files) {
        return files;
    }
    const client = options.ec2?.(env) ?? new EC2Client({ region: env.spec.region, credentials: credentialsFor(env.spec) });
    return describeWindowsInstances(
        { environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region, scopeTags: env.scopeTags },
        client,
    );
}

export async function runFleet(fleet: Fleet, chosen: readonly FleetEnvironment[], options: DriverOptions): Promise<FleetRun> {
    const pulumiCommand = options.pulumiCommand ?? (await findPulumi());
    renderStacks(
        chosen,
        path.join(options.workDir, "stacks"),
        path.relative(options.workDir, options.manifestPath) || options.manifestPath,
    );
    const fromFiles = options.inventoryFiles.length > 0 ? loadInventoryFiles(options.inventoryFiles) : undefined;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-"));
    const limit = pLimit(Math.max(1, options.parallel));
    const stop = new AbortController();
    const confirm = options.confirm;
    options.signal.addEventListener("abort", () => stop.abort(), { once: true });

    const one = async (env: FleetEnvironment): Promise<EnvironmentRun> => {
        const name = env.spec.name;
        const skipped = (error: string): EnvironmentRun => ({
            name,
            status: "skipped",
            changes: {},
            violations: [],
            durationMs: 0,
            attempts: 0,
            error,
        });
        if (stop.signal.aborted) {
            return skipped(
                options.signal.aborted ? "cancelled before it started" : "not started: an earlier environment failed (--fail-fast)",
            );
        }
        const started = Date.now();
        try {
            if (options.accountCheck) {
                const problem = await accountProblem(env.spec, options.sts ?? defaultSts);
                if (problem) {
                    return {
                        name,
                        status: "refused",
                        changes: {},
                        violations: [],
                        durationMs: Date.now() - started,
                        attempts: 0,
                        error: problem,
                    };
                }
            }
            let policyConfigFile: string | undefined;
            if (options.operation !== "destroy") {
                policyConfigFile = path.join(tmp, `policy-config.${name}.json`);
                // Live runs resolve AMIs through DescribeImages.
                const config = generatedPolicyConfig(fleet, env, await inventoryFor(env, fromFiles, options), { resolveAmis: true });
                fs.writeFileSync(policyConfigFile, JSON.stringify(config, null, 2));
            }
            const stackName = options.organization ? `${options.organization}/${name}` : name;
            const run = await runEnvironment(name, options.operation, {
                pulumiCommand,
                workDir: options.workDir,
                stackName,
                policyPackDir: policyConfigFile ? path.join(options.workDir, "policies") : undefined,
                policyConfigFile,
                onOutput: prefixed(name, options.log),
                signal: stop.signal,
                retry: options.retry ?? { attempts: 4, baseDelayMs: 2000 },
                ...(confirm ? { confirm: (changes: Readonly<Record<string, number>>) => confirm(name, changes) } : {}),
            });
            if (options.failFast && !["succeeded", "drift"].includes(run.status)) {
                stop.abort();
            }
            return run;
        } catch (error) {
            if (options.failFast) {
                stop.abort();
            }
            const message = error instanceof UserInputError ? error.message : (error as Error).message;
            return { name, status: "failed", changes: {}, violations: [], durationMs: Date.now() - started, attempts: 0, error: message };
        }
    };
    try {
        const environments = await Promise.all(chosen.map((env) => limit(() => one(env))));
        return { operation: options.operation, environments };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** 0 ok; 1 an environment failed, was refused, blocked or cancelled; 3 drift found (and nothing worse). */
export function exitCodeOf(run: FleetRun): number {
    const bad = run.environments.some((e) => !["succeeded", "drift"].includes(e.status));
    if (bad) {
        return 1;
    }
    return run.environments.some((e) => e.status === "drift") ? 3 : 0;
}
