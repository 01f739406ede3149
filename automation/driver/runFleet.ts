/**
 * The GitOps driver: every chosen environment of a manifest through the Automation API, up to
 * `parallel` at once. One environment failing never stops or corrupts the others (unless
 * failFast); Ctrl-C (the signal) cancels running updates cleanly and skips the rest.
 */
import { awsFailureLine, traced } from "../awsFailure";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import pLimit from "p-limit";
import type { InventoryInstance } from "../../policies/policyConfig";
import { UserInputError } from "../errors";
import { writeFileAtomic } from "../io/atomicWrite";
import { accountFor } from "../manifest/accounting";
import { loadInventoryFiles } from "../inventory/describeInstances";
import { liveInventory } from "../discover/live";
import type { Fleet, FleetEnvironment } from "../manifest/load";
import { generatedPolicyConfig } from "../manifest/packConfig";
import { accountProblem, credentialsFor, defaultSts, type StsFactory } from "./identity";
import { policyPackDir } from "./policyPack";
import { sizeRateControls } from "./rateControl";
import { renderStacks } from "./stackFiles";
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
    /**
     * Each environment's own time limit (undefined: none). When it passes, the environment's update
     * is cancelled (SIGINT to its pulumi) and it fails with "timed out", so a hung pulumi does not hold
     * the run, or the stack's lock, until someone presses Ctrl-C.
     */
    readonly timeoutMs?: number;
    /** How long a timed-out pulumi gets to stop after SIGINT before the driver stops waiting for it. */
    readonly timeoutGraceMs?: number;
    readonly sts?: StsFactory;
    readonly ec2?: (env: FleetEnvironment) => EC2Client;
    /** SSM for the inventory's agent facts (DescribeInstanceInformation); default one per environment's region and role. */
    readonly ssm?: (env: FleetEnvironment) => SSMClient;
    /** Called as each environment finishes, in the order they finish (the CLI's progress on a terminal). */
    readonly onEnvironment?: (run: EnvironmentRun, done: number, total: number) => void;
    /** apply: asked per environment after its preview passed the policies (see RunContext.confirm). */
    readonly confirm?: (environment: string, changes: Readonly<Record<string, number>>) => Promise<boolean>;
}

export interface FleetRun {
    readonly operation: Operation;
    /** Environments in the manifest, run or not (--env). */
    readonly environmentsInManifest: number;
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
    const credentials = credentialsFor(env.spec);
    const ec2 = options.ec2?.(env) ?? traced(new EC2Client({ region: env.spec.region, credentials }));
    const ssm = options.ssm?.(env) ?? traced(new SSMClient({ region: env.spec.region, credentials }));
    // discover's readers: the instances with their instance profiles and SSM registration, so the
    // preflight policy judges the live path as it judges discover's files.
    return liveInventory({ environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region }, ec2, ssm, env.scopeTags);
}

export async function runFleet(fleet: Fleet, chosen: readonly FleetEnvironment[], options: DriverOptions): Promise<FleetRun> {
    const pulumiCommand = options.pulumiCommand ?? (await findPulumi());
    const stacksDir = path.join(options.workDir, "stacks");
    renderStacks(chosen, stacksDir, path.relative(options.workDir, options.manifestPath) || options.manifestPath);
    const fromFiles = options.inventoryFiles.length > 0 ? loadInventoryFiles(options.inventoryFiles) : undefined;
    const limit = pLimit(Math.max(1, options.parallel));
    // Each environment's inventory is read once: first to size every default rate control (which
    // needs the environments that share a burst together), then for its own policy config.
    const inventories = new Map<string, Promise<readonly InventoryInstance[]>>();
    const inventoryOf = (env: FleetEnvironment) => {
        const known = inventories.get(env.spec.name) ?? limit(() => inventoryFor(env, fromFiles, options));
        inventories.set(env.spec.name, known);
        return known;
    };
    if (options.operation !== "destroy") {
        await sizeRateControls(chosen, inventoryOf, stacksDir, options.log);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-"));
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
                const config = generatedPolicyConfig(fleet, env, await inventoryOf(env), { resolveAmis: true });
                writeFileAtomic(policyConfigFile, JSON.stringify(config, null, 2));
            }
            const stackName = options.organization ? `${options.organization}/${name}` : name;
            const run = await withTimeout(name, started, stop.signal, options, (signal) =>
                runEnvironment(name, options.operation, {
                    pulumiCommand,
                    workDir: options.workDir,
                    stackName,
                    policyPackDir: policyConfigFile ? policyPackDir(options.workDir) : undefined,
                    policyConfigFile,
                    onOutput: prefixed(name, options.log),
                    signal,
                    retry: options.retry ?? { attempts: 4, baseDelayMs: 2000 },
                    ...(confirm ? { confirm: (changes: Readonly<Record<string, number>>) => confirm(name, changes) } : {}),
                }),
            );
            if (options.failFast && !["succeeded", "drift"].includes(run.status)) {
                stop.abort();
            }
            return run;
        } catch (error) {
            if (options.failFast) {
                stop.abort();
            }
            // An AWS call (the STS guard, the live inventory) is one line: which call, where, what to check.
            const message = error instanceof UserInputError ? error.message : (awsFailureLine(error) ?? (error as Error).message);
            return { name, status: "failed", changes: {}, violations: [], durationMs: Date.now() - started, attempts: 0, error: message };
        }
    };
    // The generated policy configs go even when a second Ctrl-C exits the process at once: 'exit'
    // handlers run on process.exit(), and rmSync is synchronous, as they must be.
    const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
    process.on("exit", cleanup);
    let done = 0;
    const reported = async (env: FleetEnvironment) => {
        const run = await one(env);
        options.onEnvironment?.(run, ++done, chosen.length);
        return run;
    };
    try {
        const environments = await Promise.all(chosen.map((env) => limit(() => reported(env))));
        accountFor(
            options.operation,
            chosen.map((e) => e.spec.name),
            environments.map((e) => e.name),
        );
        return { operation: options.operation, environmentsInManifest: fleet.environments.length, environments };
    } finally {
        process.off("exit", cleanup);
        cleanup();
    }
}

const minutes = (ms: number) => (ms < 60_000 ? `${ms / 1000} s` : `${Math.round(ms / 6000) / 10} min`);

/**
 * Runs one environment under its own time limit: on timeout its update is cancelled like on Ctrl-C,
 * and it fails "timed out"; a pulumi that ignores the cancel is waited for only `timeoutGraceMs` more.
 */
async function withTimeout(
    name: string,
    started: number,
    stopAll: AbortSignal,
    options: DriverOptions,
    run: (signal: AbortSignal) => Promise<EnvironmentRun>,
): Promise<EnvironmentRun> {
    if (options.timeoutMs === undefined) {
        return run(stopAll);
    }
    const own = new AbortController();
    const forward = () => own.abort();
    stopAll.addEventListener("abort", forward, { once: true });
    let timedOut = false;
    let giveUp: NodeJS.Timeout | undefined;
    const grace = options.timeoutGraceMs ?? 30_000;
    const abandoned = new Promise<undefined>((resolve) => {
        own.signal.addEventListener("abort", () => timedOut && (giveUp = setTimeout(() => resolve(undefined), grace)), { once: true });
    });
    const timer = setTimeout(() => {
        if (!own.signal.aborted) {
            timedOut = true;
            own.abort();
        }
    }, options.timeoutMs);
    try {
        const result = await Promise.race([run(own.signal), abandoned]);
        if (!timedOut) {
            return result as EnvironmentRun;
        }
        const limit = `timed out after ${minutes(options.timeoutMs)} (--timeout); the update was cancelled`;
        return result
            ? { ...result, status: "failed", error: `${limit}${result.error ? `: ${result.error}` : ""}` }
            : {
                  name,
                  status: "failed",
                  changes: {},
                  violations: [],
                  durationMs: Date.now() - started,
                  attempts: 1,
                  error: `${limit}, but pulumi did not stop within ${minutes(grace)}; once it ends, release its lock with 'pulumi cancel'`,
              };
    } finally {
        clearTimeout(timer);
        clearTimeout(giveUp);
        stopAll.removeEventListener("abort", forward);
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
