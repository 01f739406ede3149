/**
 * The failures AWS reports by itself (EventBridge rules, components/lifecycle/eventPatterns.ts) come
 * here and leave as alerts from the function's role. Two reasons not to let EventBridge publish to
 * the topic itself: an SNS topic encrypted with the AWS managed key accepts no publish from
 * EventBridge, and the EBS "Multi-Volume Snapshots Completion Status" event names only snapshots and
 * volumes, no tag, so no event pattern can confine it to the fleet. The function does: it alerts
 * when a failed snapshot carries this environment's tag or its volume is attached to an instance
 * the environment targets, and drops other teams' failures.
 */
import { EC2Client, paginateDescribeSnapshots } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import { z } from "zod";
import { describeVolumesById } from "../../core/lifecycle/awsShapes";
import { ENVIRONMENT_TAG_KEY } from "../../core/environment/tags";
import { FAILED_INVOCATION_STATUSES, lifecycleAlarmPrefix, type LifecycleConfig } from "../../core/lifecycle/functionConfig";
import { targetedInstances } from "./fleetInstances";
import { alertOnFailures, type Failure } from "./report";

export const awsEventSchema = z.looseObject({
    source: z.string(),
    "detail-type": z.string(),
    resources: z.array(z.string()).default([]),
    detail: z.looseObject({}).default({}),
});
export type AwsEvent = z.infer<typeof awsEventSchema>;

export interface RelaySummary {
    readonly action: "relay";
    readonly detailType: string;
    /** False when the event was another team's (an EBS failure outside the fleet). */
    readonly relayed: boolean;
}

const ids = (texts: readonly unknown[], prefix: "snap" | "vol") =>
    [...new Set(texts.flatMap((t) => (typeof t === "string" ? (t.match(new RegExp(`${prefix}-[0-9a-f]+`, "g")) ?? []) : [])))].sort();

/** The snapshot and volume ids a createSnapshots event names (resources and detail.snapshots[]). */
export function snapshotsEventIds(event: AwsEvent): { snapshotIds: string[]; volumeIds: string[] } {
    const entries = Array.isArray(event.detail.snapshots) ? (event.detail.snapshots as Record<string, unknown>[]) : [];
    return {
        snapshotIds: ids([...event.resources, ...entries.map((e) => e.snapshot_id)], "snap"),
        volumeIds: ids(
            entries.map((e) => e.source),
            "vol",
        ),
    };
}

/** Whether a failed createSnapshots concerns this environment. */
async function concernsFleet(ec2: EC2Client, config: LifecycleConfig, event: AwsEvent): Promise<boolean> {
    const { snapshotIds, volumeIds } = snapshotsEventIds(event);
    if (snapshotIds.length > 0) {
        const filters = [
            { Name: "snapshot-id", Values: snapshotIds },
            { Name: `tag:${ENVIRONMENT_TAG_KEY}`, Values: [config.environment] },
        ];
        for await (const page of paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ["self"], Filters: filters })) {
            if ((page.Snapshots ?? []).length > 0) {
                return true;
            }
        }
    }
    if (volumeIds.length > 0) {
        const fleet = new Set((await targetedInstances(ec2, config.targetTags)).map((i) => i.instanceId));
        const { attachments } = await describeVolumesById(ec2, volumeIds);
        return attachments.some((a) => fleet.has(a.instanceId));
    }
    return false;
}

/**
 * Anyone allowed to invoke the function (the window's task role, a rule) can hand it any JSON, and
 * what it relays reaches every subscriber, other teams' included when the topic is shared. So it
 * relays only the four kinds of event its rules send, each only when it names this environment's
 * own window, alarms, instances or snapshots, and it copies no free text but AWS's one-line cause
 * or reason, cut short (test/functions/relay.test.ts, "forged").
 */
const RELAYED = {
    "aws.ec2/EBS Multi-Volume Snapshots Completion Status": "snapshots",
    "aws.ssm/Maintenance Window Execution State-change Notification": "window",
    "aws.ssm/EC2 Command Invocation Status-change Notification": "command",
    "aws.cloudwatch/CloudWatch Alarm State Change": "alarm",
} as const;
type RelayedKind = (typeof RELAYED)[keyof typeof RELAYED];

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
/** AWS's cause or reason, on one line and short: enough to act on, too little to phish with. */
export const FREE_TEXT_MAX = 300;
const oneLine = (value: string) => {
    const flat = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
    return flat.length > FREE_TEXT_MAX ? `${flat.slice(0, FREE_TEXT_MAX)}...` : flat;
};
const ID = {
    window: /^mw-[0-9a-f]{17}$/,
    execution: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    instance: /^i-[0-9a-f]{8,17}$/,
} as const;

/** The alarm names an event names, when every resource is an alarm of this environment's lifecycle. */
function ownAlarms(config: LifecycleConfig, event: AwsEvent): string[] | undefined {
    const names = event.resources.map((r) => /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:(.+)$/.exec(r)?.[1]);
    const prefix = lifecycleAlarmPrefix(config.environment);
    return names.length > 0 && names.every((n) => n !== undefined && n.startsWith(prefix)) ? (names as string[]) : undefined;
}

/** Whether an event of a relayed kind concerns this environment, from what it names and, for EBS, what EC2 says. */
async function concerns(ec2: EC2Client, config: LifecycleConfig, kind: RelayedKind, event: AwsEvent): Promise<boolean> {
    const d = event.detail;
    switch (kind) {
        case "snapshots":
            return d.result === "failed" && (await concernsFleet(ec2, config, event));
        case "window":
            return d["window-id"] === config.windowId && ["FAILED", "TIMED_OUT"].includes(String(d.status));
        case "command": {
            const instance = text(d["instance-id"]);
            if (!instance || !ID.instance.test(instance) || !(FAILED_INVOCATION_STATUSES as readonly string[]).includes(String(d.status))) {
                return false;
            }
            return (await targetedInstances(ec2, config.targetTags)).some((i) => i.instanceId === instance);
        }
        case "alarm":
            return ownAlarms(config, event) !== undefined && (d.state as { value?: unknown } | undefined)?.value === "ALARM";
    }
}

function describe(kind: RelayedKind, event: AwsEvent, config: LifecycleConfig): Failure {
    const d = event.detail;
    const matching = (key: string, pattern: RegExp) => {
        const value = text(d[key]);
        return value !== undefined && pattern.test(value) ? value : undefined;
    };
    const cause = text(d.cause);
    const reason = text((d.state as { reason?: unknown } | undefined)?.reason);
    const reasons = [
        kind === "alarm" && `alarm: ${(ownAlarms(config, event) ?? []).join(", ")}`,
        kind === "alarm" && reason && `reason: ${oneLine(reason)}`,
        kind === "snapshots" && cause && `cause: ${oneLine(cause)}`,
        kind !== "alarm" && kind !== "snapshots" && `status: ${String(d.status)}`,
        kind === "command" && `instance: ${matching("instance-id", ID.instance)}`,
        kind === "command" && matching("command-id", ID.execution) && `command: ${matching("command-id", ID.execution)}`,
        kind === "window" &&
            matching("window-execution-id", ID.execution) &&
            `window execution: ${matching("window-execution-id", ID.execution)}`,
        ...(kind === "snapshots" ? snapshotsEventIds(event).snapshotIds.map((id) => `snapshot: ${id}`) : []),
    ].filter((r): r is string => typeof r === "string" && r.length > 0);
    return { subject: event["detail-type"], reasons };
}

export async function relayEvent(
    clients: { readonly ec2: EC2Client; readonly sns: SNSClient },
    config: LifecycleConfig,
    event: AwsEvent,
): Promise<RelaySummary> {
    const detailType = event["detail-type"];
    const kind: RelayedKind | undefined = RELAYED[`${event.source}/${detailType}` as keyof typeof RELAYED];
    if (kind === undefined || !(await concerns(clients.ec2, config, kind, event))) {
        // Not one of the environment's: said in the function's log only, never on the topic.
        return { action: "relay", detailType: kind === undefined ? "unknown" : detailType, relayed: false };
    }
    await alertOnFailures(clients.sns, config.alertTopicArn, config.environment, detailType, [describe(kind, event, config)]);
    return { action: "relay", detailType, relayed: true };
}
