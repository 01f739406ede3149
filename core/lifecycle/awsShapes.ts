/**
 * The unmodified JSON of `aws ec2 describe-volumes` and `aws ec2 describe-snapshots` (or the same
 * shapes from the SDK, paginated and filtered), as attachments and snapshot records.
 */
import { DescribeSnapshotsCommand, EC2Client, paginateDescribeSnapshots, paginateDescribeVolumes } from "@aws-sdk/client-ec2";
import { z } from "zod";
import { ENVIRONMENT_TAG_KEY } from "../environment/tags";
import { ISO_EXAMPLE, parseIsoTime } from "./isoTime";
import type { Attachment, SnapshotRecord } from "./sets";

const tags = z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional();
/** A time as the AWS CLI prints it (ISO 8601) or the SDK returns it (a Date); one that names no instant is refused, not read as Invalid Date. */
const time = z
    .custom<string | Date>((v) => typeof v === "string" || v instanceof Date, "expected a time (ISO 8601 text)")
    .transform((t, ctx) => {
        const parsed = t instanceof Date ? (Number.isNaN(t.getTime()) ? { problem: "not a valid time" } : { date: t }) : parseIsoTime(t);
        if ("problem" in parsed) {
            ctx.addIssue({
                code: "custom",
                message: `${JSON.stringify(String(t))} is ${parsed.problem}; expected a time such as ${ISO_EXAMPLE}`,
            });
            return z.NEVER;
        }
        return parsed.date;
    });

export const describeVolumesSchema = z.looseObject({
    Volumes: z.array(
        z.looseObject({
            VolumeId: z.string(),
            Attachments: z
                .array(z.looseObject({ InstanceId: z.string(), Device: z.string(), AttachTime: time, State: z.string() }))
                .default([]),
        }),
    ),
});

export const describeSnapshotsSchema = z.looseObject({
    Snapshots: z.array(
        z.looseObject({
            SnapshotId: z.string(),
            VolumeId: z.string(),
            StartTime: time,
            State: z.string(),
            Description: z.string().optional(),
            StorageTier: z.string().optional(),
            Tags: tags,
        }),
    ),
});

export function toAttachments(output: z.infer<typeof describeVolumesSchema>): Attachment[] {
    return output.Volumes.flatMap((v) =>
        v.Attachments.filter((a) => a.State === "attached" || a.State === "attaching").map((a) => ({
            volumeId: v.VolumeId,
            instanceId: a.InstanceId,
            device: a.Device,
            attachTime: a.AttachTime,
        })),
    );
}

export function toSnapshots(output: z.infer<typeof describeSnapshotsSchema>): SnapshotRecord[] {
    return output.Snapshots.map((s) => ({
        snapshotId: s.SnapshotId,
        volumeId: s.VolumeId,
        startTime: s.StartTime,
        state: s.State,
        ...(s.Description !== undefined ? { description: s.Description } : {}),
        ...(s.StorageTier !== undefined ? { storageTier: s.StorageTier } : {}),
        tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key, t.Value])),
    }));
}

/** Live: the volumes attached to these instances (filtered on the server, 200 ids a call). */
export async function describeAttachments(client: EC2Client, instanceIds: readonly string[]): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (let i = 0; i < instanceIds.length; i += 200) {
        const filter = { Name: "attachment.instance-id", Values: instanceIds.slice(i, i + 200) };
        for await (const page of paginateDescribeVolumes({ client, pageSize: 500 }, { Filters: [filter] })) {
            out.push(...toAttachments(describeVolumesSchema.parse({ Volumes: page.Volumes ?? [] })));
        }
    }
    return out;
}

/** Every volume in the output, attached or not: a snapshot's volume missing here no longer exists. */
export function toVolumeIds(output: z.infer<typeof describeVolumesSchema>): string[] {
    return output.Volumes.map((v) => v.VolumeId);
}

export interface VolumeEvidence {
    readonly attachments: Attachment[];
    readonly knownVolumeIds: Set<string>;
}

/**
 * Live: these volumes and wherever they are attached, whatever the instance (the provenance check
 * must see a snapshot's volume attached elsewhere). The volume-id filter, not VolumeIds: a filter
 * returns the volumes that exist, where VolumeIds fails the whole call on one deleted volume.
 */
export async function describeVolumesById(client: EC2Client, volumeIds: readonly string[]): Promise<VolumeEvidence> {
    const evidence: VolumeEvidence = { attachments: [], knownVolumeIds: new Set() };
    for (let i = 0; i < volumeIds.length; i += 200) {
        const filter = { Name: "volume-id", Values: volumeIds.slice(i, i + 200) };
        for await (const page of paginateDescribeVolumes({ client, pageSize: 500 }, { Filters: [filter] })) {
            const parsed = describeVolumesSchema.parse({ Volumes: page.Volumes ?? [] });
            evidence.attachments.push(...toAttachments(parsed));
            toVolumeIds(parsed).forEach((id) => evidence.knownVolumeIds.add(id));
        }
    }
    return evidence;
}

/** Live: this account's snapshots tagged for the environment (never an unfiltered DescribeSnapshots). */
export async function describeEnvironmentSnapshots(client: EC2Client, environment: string): Promise<SnapshotRecord[]> {
    const out: SnapshotRecord[] = [];
    const input: ConstructorParameters<typeof DescribeSnapshotsCommand>[0] = {
        OwnerIds: ["self"],
        Filters: [{ Name: `tag:${ENVIRONMENT_TAG_KEY}`, Values: [environment] }],
    };
    for await (const page of paginateDescribeSnapshots({ client, pageSize: 1000 }, input)) {
        out.push(...toSnapshots(describeSnapshotsSchema.parse({ Snapshots: page.Snapshots ?? [] })));
    }
    return out;
}
