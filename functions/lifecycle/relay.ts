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
import type { LifecycleConfig } from "../../core/lifecycle/functionConfig";
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

function describe(event: AwsEvent): Failure {
    const d = event.detail;
    const text = (key: string) => (typeof d[key] === "string" ? (d[key] as string) : undefined);
    const reasons = [
        text("cause") && `cause: ${text("cause")}`,
        text("status") && `status: ${text("status")}`,
        text("instance-id") && `instance: ${text("instance-id")}`,
        text("command-id") && `command: ${text("command-id")}`,
        text("window-execution-id") && `window execution: ${text("window-execution-id")}`,
        ...snapshotsEventIds(event).snapshotIds.map((id) => `snapshot: ${id}`),
    ].filter((r): r is string => typeof r === "string" && r.length > 0);
    return { subject: event["detail-type"], reasons: reasons.length > 0 ? reasons : [JSON.stringify(d).slice(0, 2000)] };
}

export async function relayEvent(
    clients: { readonly ec2: EC2Client; readonly sns: SNSClient },
    config: LifecycleConfig,
    event: AwsEvent,
): Promise<RelaySummary> {
    const detailType = event["detail-type"];
    const ours = event.source !== "aws.ec2" || (await concernsFleet(clients.ec2, config, event));
    if (!ours) {
        return { action: "relay", detailType, relayed: false };
    }
    await alertOnFailures(clients.sns, config.alertTopicArn, config.environment, detailType, [describe(event)]);
    return { action: "relay", detailType, relayed: true };
}
