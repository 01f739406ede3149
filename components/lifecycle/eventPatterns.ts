/**
 * EventBridge patterns for the failures AWS itself reports. They invoke the lifecycle function, which
 * alerts on the environment's topic (functions/lifecycle/relay.ts); they fire even when no backup run
 * calls the function, and if the function itself fails, its on-failure destination alerts instead.
 */

import { FAILED_INVOCATION_STATUSES } from "../../core/lifecycle/functionConfig";

export type EventPattern = Record<string, unknown>;

export interface FailureEventInput {
    readonly windowId: string;
    readonly documentName: string;
}

/** One rule each: failed snapshot completion, failed or timed-out window runs, failed invocations of our document. */
export const FAILURE_KINDS = ["snapshots", "window", "command"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export function failureEventPatterns(input: FailureEventInput): Record<FailureKind, EventPattern> {
    return {
        // CreateSnapshots (both engines take their snapshots with it) completes asynchronously; EBS reports
        // the outcome per call. The event carries only snapshot and volume ARNs, no tag, so no pattern can
        // confine it to the fleet: the rule matches the account's failures and the function keeps the fleet's.
        snapshots: {
            source: ["aws.ec2"],
            "detail-type": ["EBS Multi-Volume Snapshots Completion Status"],
            detail: { result: ["failed"] },
        },
        window: {
            source: ["aws.ssm"],
            "detail-type": ["Maintenance Window Execution State-change Notification"],
            detail: { "window-id": [input.windowId], status: ["FAILED", "TIMED_OUT"] },
        },
        command: {
            source: ["aws.ssm"],
            "detail-type": ["EC2 Command Invocation Status-change Notification"],
            detail: { "document-name": [input.documentName], status: [...FAILED_INVOCATION_STATUSES] },
        },
    };
}

/** What the window's second task sends the function: SSM fills in {{WINDOW_EXECUTION_ID}} at run time. */
export function verifyRunPayload(): string {
    return JSON.stringify({ action: "verify-run", windowExecutionId: "{{WINDOW_EXECUTION_ID}}" });
}

export function drillPayload(): string {
    return JSON.stringify({ action: "drill" });
}
