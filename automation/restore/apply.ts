/**
 * Executes a restore plan step by step with the EC2 SDK (`vss-fleet restore --apply`). Only the calls a
 * plan can contain are known here, and none of them deletes anything. A step that refers to an earlier
 * step's result ("<VolumeId of step 3>") gets that value. An archived snapshot stops the run after its
 * restore-from-archive call: the rest can only run once EC2 has brought it back (up to 72 hours).
 */
import {
    AttachVolumeCommand,
    CreateReplaceRootVolumeTaskCommand,
    CreateVolumeCommand,
    DescribeReplaceRootVolumeTasksCommand,
    DetachVolumeCommand,
    EC2Client,
    RegisterImageCommand,
    RestoreSnapshotTierCommand,
    RunInstancesCommand,
    StartInstancesCommand,
    StopInstancesCommand,
    waitUntilInstanceRunning,
    waitUntilInstanceStopped,
    waitUntilVolumeAvailable,
} from "@aws-sdk/client-ec2";
import type { RestorePlan, RestoreStep } from "./plan";

export interface ApplyOptions {
    /** Seconds each wait may take. */
    readonly maxWaitSeconds: number;
    /** Between polls of the root-volume replacement task. */
    readonly sleep: (ms: number) => Promise<void>;
    readonly log: (line: string) => void;
}

export interface ApplyOutcome {
    /** What each executed step returned (VolumeId, ImageId, InstanceId, ReplaceRootVolumeTaskId). */
    readonly results: Record<string, string>[];
    /** False when it stopped early: archived snapshots must come back first. */
    readonly complete: boolean;
}

const REFERENCE = /^<(\w+) of step (\d+)>$/;

/** A step that could not finish (a task that failed, a wait that ran out): reported in one line, not as a bug. */
export class RestoreStepFailed extends Error {
    override readonly name = "RestoreStepFailed";
}

function resolve(value: unknown, results: readonly Record<string, string>[]): unknown {
    if (typeof value === "string") {
        const match = REFERENCE.exec(value);
        if (!match) {
            return value;
        }
        const found = results[Number(match[2]) - 1]?.[match[1]];
        if (found === undefined) {
            throw new RestoreStepFailed(`step ${match[2]} returned no ${match[1]}`);
        }
        return found;
    }
    if (Array.isArray(value)) {
        return value.map((v) => resolve(v, results));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, results)]));
    }
    return value;
}

async function execute(
    ec2: EC2Client,
    step: RestoreStep,
    input: Record<string, unknown>,
    options: ApplyOptions,
): Promise<Record<string, string>> {
    const waiter = { client: ec2, maxWaitTime: options.maxWaitSeconds };
    // The inputs come from the plan, which uses the API's own field names.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const i = input as any;
    switch (step.call) {
        case "ec2 restore-snapshot-tier":
            await ec2.send(new RestoreSnapshotTierCommand(i));
            return {};
        case "ec2 create-volume": {
            const out = await ec2.send(new CreateVolumeCommand(i));
            return out.VolumeId ? { VolumeId: out.VolumeId } : {};
        }
        case "ec2 wait volume-available":
            await waitUntilVolumeAvailable(waiter, i);
            return {};
        case "ec2 attach-volume":
            await ec2.send(new AttachVolumeCommand(i));
            return {};
        case "ec2 detach-volume":
            await ec2.send(new DetachVolumeCommand(i));
            return {};
        case "ec2 start-instances":
            await ec2.send(new StartInstancesCommand(i));
            return {};
        case "ec2 stop-instances":
            await ec2.send(new StopInstancesCommand(i));
            return {};
        case "ec2 wait instance-running":
            await waitUntilInstanceRunning(waiter, i);
            return {};
        case "ec2 wait instance-stopped":
            await waitUntilInstanceStopped(waiter, i);
            return {};
        case "ec2 create-replace-root-volume-task": {
            const out = await ec2.send(new CreateReplaceRootVolumeTaskCommand(i));
            const id = out.ReplaceRootVolumeTask?.ReplaceRootVolumeTaskId;
            return id ? { ReplaceRootVolumeTaskId: id } : {};
        }
        case "ec2 describe-replace-root-volume-tasks":
            await waitForRootReplacement(ec2, String(i.Filters[0].Values[0]), options);
            return {};
        case "ec2 register-image": {
            const out = await ec2.send(new RegisterImageCommand(i));
            return out.ImageId ? { ImageId: out.ImageId } : {};
        }
        case "ec2 run-instances": {
            const out = await ec2.send(new RunInstancesCommand(i));
            const id = out.Instances?.[0]?.InstanceId;
            return id ? { InstanceId: id } : {};
        }
        default:
            throw new Error(`restore: no executor for '${step.call}'`);
    }
}

/** EC2 has no waiter for root-volume replacement: poll the instance's newest task. */
async function waitForRootReplacement(ec2: EC2Client, instanceId: string, options: ApplyOptions): Promise<void> {
    const deadline = Date.now() + options.maxWaitSeconds * 1000;
    for (;;) {
        const out = await ec2.send(new DescribeReplaceRootVolumeTasksCommand({ Filters: [{ Name: "instance-id", Values: [instanceId] }] }));
        const newest = [...(out.ReplaceRootVolumeTasks ?? [])].sort((a, b) => String(b.StartTime).localeCompare(String(a.StartTime)))[0];
        const state = newest?.TaskState;
        if (state === "succeeded") {
            return;
        }
        if (state === "failed" || state === "failed-detached") {
            throw new RestoreStepFailed(
                `the root-volume replacement of ${instanceId} ended ${state}; the original root volume is ${state === "failed" ? "still attached" : "detached: attach it back"}`,
            );
        }
        if (Date.now() > deadline) {
            throw new RestoreStepFailed(
                `the root-volume replacement of ${instanceId} is still ${state ?? "unknown"} after ${options.maxWaitSeconds} s`,
            );
        }
        await options.sleep(10_000);
    }
}

export async function applyRestore(ec2: EC2Client, plan: RestorePlan, options: ApplyOptions): Promise<ApplyOutcome> {
    const results: Record<string, string>[] = [];
    for (const [index, step] of plan.steps.entries()) {
        const input = resolve(step.input, results) as Record<string, unknown>;
        options.log(`step ${index + 1}: aws ${step.call}`);
        try {
            results.push(await execute(ec2, step, input, options));
        } catch (error) {
            // The SDK's waiters give up with a TimeoutError; that is the restore's outcome, not a bug.
            if (error instanceof Error && error.name === "TimeoutError") {
                throw new RestoreStepFailed(`step ${index + 1} (aws ${step.call}) did not finish within ${options.maxWaitSeconds} s`);
            }
            throw error;
        }
        const next = plan.steps[index + 1];
        if (step.call === "ec2 restore-snapshot-tier" && next?.call !== "ec2 restore-snapshot-tier") {
            return { results, complete: false };
        }
    }
    return { results, complete: true };
}
