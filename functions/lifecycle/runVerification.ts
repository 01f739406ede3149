/**
 * After each backup run: did every instance the window targeted get a good snapshot set from THIS
 * run? Run Command hides some failures from the window's maxErrors (Undeliverable, DeliveryTimedOut,
 * InvalidPlatform, AccessDenied), so each instance's command invocation is read individually.
 */
import {
    paginateDescribeMaintenanceWindowExecutionTaskInvocations,
    paginateDescribeMaintenanceWindowExecutionTasks,
    paginateListCommandInvocations,
    GetMaintenanceWindowExecutionCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { judgeRpo, roundHours } from "../../core/lifecycle/rpo";
import type { SnapshotSet } from "../../core/lifecycle/sets";
import type { FleetInstance } from "./fleetInstances";

export interface CommandOutcome {
    readonly instanceId: string;
    /** Pending | InProgress | Delayed | Success | Cancelled | TimedOut | Failed | Cancelling */
    readonly status: string;
    /** Finer detail, e.g. Undeliverable, DeliveryTimedOut, InvalidPlatform, AccessDenied, ExecutionTimedOut. */
    readonly statusDetails?: string;
}

export interface RunRecord {
    readonly windowExecutionId: string;
    readonly startTime: Date;
    readonly outcomes: ReadonlyMap<string, CommandOutcome>;
}

/** The run's start and each instance's command outcome, from the window execution's Run Command tasks. */
export async function readRun(ssm: SSMClient, windowExecutionId: string): Promise<RunRecord> {
    const execution = await ssm.send(new GetMaintenanceWindowExecutionCommand({ WindowExecutionId: windowExecutionId }));
    if (!execution.StartTime) {
        throw new Error(`window execution ${windowExecutionId} has no start time yet`);
    }
    const outcomes = new Map<string, CommandOutcome>();
    const tasks = paginateDescribeMaintenanceWindowExecutionTasks({ client: ssm }, { WindowExecutionId: windowExecutionId });
    for await (const taskPage of tasks) {
        for (const task of taskPage.WindowExecutionTaskIdentities ?? []) {
            if (task.TaskType !== "RUN_COMMAND" || !task.TaskExecutionId) {
                continue; // our own LAMBDA task, still running as we read this
            }
            const invocations = paginateDescribeMaintenanceWindowExecutionTaskInvocations(
                { client: ssm },
                { WindowExecutionId: windowExecutionId, TaskId: task.TaskExecutionId },
            );
            for await (const invocationPage of invocations) {
                for (const invocation of invocationPage.WindowExecutionTaskInvocationIdentities ?? []) {
                    // For RUN_COMMAND the invocation's ExecutionId is the Run Command command id.
                    if (invocation.ExecutionId) {
                        await readCommand(ssm, invocation.ExecutionId, outcomes);
                    }
                }
            }
        }
    }
    return { windowExecutionId, startTime: new Date(execution.StartTime), outcomes };
}

async function readCommand(ssm: SSMClient, commandId: string, into: Map<string, CommandOutcome>): Promise<void> {
    for await (const page of paginateListCommandInvocations({ client: ssm, pageSize: 50 }, { CommandId: commandId })) {
        for (const invocation of page.CommandInvocations ?? []) {
            if (invocation.InstanceId && invocation.Status) {
                into.set(invocation.InstanceId, {
                    instanceId: invocation.InstanceId,
                    status: invocation.Status,
                    ...(invocation.StatusDetails ? { statusDetails: invocation.StatusDetails } : {}),
                });
            }
        }
    }
}

export interface RunVerdict {
    readonly instanceId: string;
    readonly name?: string;
    /** True when the instance has a good set from this run and is within its RPO. */
    readonly ok: boolean;
    /** Why not, in words an operator can act on. */
    readonly reasons: string[];
    /** Age of the newest good set (any run), for the per-instance metric. */
    readonly newestGoodSetAgeHours?: number;
}

/** Failures that Run Command does not count toward maxErrors, and what they usually mean. */
const HIDDEN_FAILURES: Readonly<Record<string, string>> = {
    Undeliverable: "the command was undeliverable (SSM Agent not running or the instance not managed)",
    DeliveryTimedOut: "the command was never delivered before its delivery timeout",
    InvalidPlatform: "the instance is not Windows (the document is a Windows document)",
    AccessDenied: "Systems Manager was denied access to the instance",
};

function commandProblem(outcome: CommandOutcome | undefined): string | undefined {
    if (!outcome) {
        return "the run sent it no command (was it managed by Systems Manager and tagged when the run began?)";
    }
    if (outcome.status === "Success") {
        return undefined;
    }
    if (["Pending", "InProgress", "Delayed"].includes(outcome.status)) {
        return `the snapshot command was still ${outcome.status} when the run was verified`;
    }
    const hidden = outcome.statusDetails ? HIDDEN_FAILURES[outcome.statusDetails] : undefined;
    const detail = outcome.statusDetails && outcome.statusDetails !== outcome.status ? ` (${outcome.statusDetails})` : "";
    return hidden ? `${hidden}; Run Command does not count this toward maxErrors` : `the snapshot command ended ${outcome.status}${detail}`;
}

/**
 * One verdict per instance that was running when the run began. Instances launched since, and
 * stopped instances (a stopped disk does not change), are not judged by this run.
 */
export function runVerdicts(
    instances: readonly FleetInstance[],
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    run: RunRecord,
    rpoHours: number,
    now: Date,
): RunVerdict[] {
    return instances
        .filter((i) => i.state === "running" && !(i.launchTime && i.launchTime > run.startTime))
        .map((instance) => {
            const sets = setsByInstance.get(instance.instanceId) ?? [];
            const { ageHours, breached } = judgeRpo(sets, rpoHours, now);
            const thisRun = sets.filter((s) => s.startTime >= run.startTime);
            const reasons: string[] = [];
            const command = commandProblem(run.outcomes.get(instance.instanceId));
            if (command) {
                reasons.push(command);
            }
            // A set still completing is not a failure: EBS copies in the background for minutes to hours,
            // and the EventBridge rule on "EBS Multi-Volume Snapshots Completion Status" reports a later failure.
            if (!thisRun.some((s) => s.good || s.completing)) {
                reasons.push(
                    thisRun.length === 0
                        ? "no snapshot set from this run"
                        : `this run's snapshot set is not good: ${thisRun[0].problems.join("; ")}`,
                );
            }
            if (ageHours === undefined) {
                reasons.push("it has no good snapshot set at all");
            } else if (breached) {
                reasons.push(`its newest good set is ${ageHours.toFixed(1)} h old, beyond the RPO of ${rpoHours} h`);
            }
            return {
                instanceId: instance.instanceId,
                ...(instance.name ? { name: instance.name } : {}),
                ok: reasons.length === 0,
                reasons,
                ...(ageHours !== undefined ? { newestGoodSetAgeHours: roundHours(ageHours, 2) } : {}),
            };
        });
}
