/**
 * What a restore needs to know, read from the same JSON as `verify` (describe-instances,
 * describe-volumes, describe-snapshots) or live: the instance (zone, state, type, root device, devices
 * in use), the original volumes' settings, and the chosen set's snapshots with their devices and tiers.
 */
import { z } from "zod";
import type { Attachment, SnapshotRecord, SnapshotSet } from "../../core/lifecycle/sets";
import { UserInputError } from "../errors";
import { regionOfZone } from "../inventory/describeInstances";
import type { OriginalVolume, RestoreInstance, SetSnapshot } from "./plan";

const tags = z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional();

export const instancesDetail = z.looseObject({
    Reservations: z.array(
        z.looseObject({
            Instances: z.array(
                z.looseObject({
                    InstanceId: z.string(),
                    InstanceType: z.string().optional(),
                    State: z.looseObject({ Name: z.string() }).optional(),
                    Placement: z.looseObject({ AvailabilityZone: z.string().optional() }).optional(),
                    RootDeviceName: z.string().optional(),
                    SubnetId: z.string().optional(),
                    Tags: tags,
                    BlockDeviceMappings: z.array(z.looseObject({ DeviceName: z.string() })).optional(),
                }),
            ),
        }),
    ),
});

export const volumesDetail = z.looseObject({
    Volumes: z.array(
        z.looseObject({
            VolumeId: z.string(),
            VolumeType: z.string().optional(),
            Size: z.number().optional(),
            Iops: z.number().optional(),
            Throughput: z.number().optional(),
            KmsKeyId: z.string().optional(),
            Encrypted: z.boolean().optional(),
            Attachments: z.array(z.looseObject({ InstanceId: z.string(), Device: z.string() })).optional(),
        }),
    ),
});

export const snapshotsDetail = z.looseObject({
    Snapshots: z.array(
        z.looseObject({
            SnapshotId: z.string(),
            VolumeId: z.string(),
            VolumeSize: z.number().optional(),
            StorageTier: z.string().optional(),
            Tags: tags,
        }),
    ),
});

export function toRestoreInstances(output: z.infer<typeof instancesDetail>): RestoreInstance[] {
    return output.Reservations.flatMap((r) =>
        r.Instances.map((i) => {
            const name = i.Tags?.find((t) => t.Key === "Name")?.Value;
            return {
                instanceId: i.InstanceId,
                ...(name ? { name } : {}),
                ...(i.State ? { state: i.State.Name } : {}),
                ...(i.Placement?.AvailabilityZone ? { availabilityZone: i.Placement.AvailabilityZone } : {}),
                ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
                ...(i.RootDeviceName ? { rootDeviceName: i.RootDeviceName } : {}),
                ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
                devicesInUse: (i.BlockDeviceMappings ?? []).map((m) => m.DeviceName),
            };
        }),
    );
}

export function toOriginalVolumes(output: z.infer<typeof volumesDetail>, instanceId: string): OriginalVolume[] {
    return output.Volumes.map((v) => {
        const device = v.Attachments?.find((a) => a.InstanceId === instanceId)?.Device;
        return {
            volumeId: v.VolumeId,
            ...(v.VolumeType ? { volumeType: v.VolumeType } : {}),
            ...(v.Size !== undefined ? { size: v.Size } : {}),
            ...(v.Iops !== undefined ? { iops: v.Iops } : {}),
            ...(v.Throughput !== undefined ? { throughput: v.Throughput } : {}),
            ...(v.KmsKeyId ? { kmsKeyId: v.KmsKeyId } : {}),
            ...(v.Encrypted !== undefined ? { encrypted: v.Encrypted } : {}),
            ...(device ? { device } : {}),
        };
    });
}

export function snapshotDetails(
    output: z.infer<typeof snapshotsDetail>,
): Map<string, { size?: number; storageTier?: string; device?: string }> {
    return new Map(
        output.Snapshots.map((s) => [
            s.SnapshotId,
            {
                ...(s.VolumeSize !== undefined ? { size: s.VolumeSize } : {}),
                ...(s.StorageTier ? { storageTier: s.StorageTier } : {}),
                ...(s.Tags?.find((t) => t.Key === "Device") ? { device: s.Tags.find((t) => t.Key === "Device")?.Value } : {}),
            },
        ]),
    );
}

/**
 * The set to restore: the one named by --set, else the newest GOOD set at or before --at (default now).
 * Only good sets are restored; a named set that is not good is refused with its problems.
 */
/**
 * The set to restore, among the sets as verify judged them (verdicts.ts judgedSets): a named set, or
 * the newest good one at or before `at`. A set verify does not count as good is refused with verify's
 * reasons, except an UNPROVEN one (its instance or volumes are gone, as after a disaster) that the
 * operator accepts after checking it; a CONTRADICTED one (its tags, description or volumes disagree
 * with this environment's backup having made it) never.
 */
export function chooseSet(
    sets: readonly SnapshotSet[],
    instanceId: string,
    key: string | undefined,
    at: Date,
    options: { readonly acceptUnproven?: boolean } = {},
): SnapshotSet {
    const usable = (s: SnapshotSet) => s.good || (options.acceptUnproven === true && acceptable(s));
    if (key !== undefined) {
        const named = sets.find((s) => s.key === key);
        if (!named) {
            throw new UserInputError([
                `--set ${key}: ${instanceId} has no snapshot set of this environment and fleet with that key (run 'vss-fleet verify --json' to list them)`,
            ]);
        }
        if (!usable(named)) {
            throw new UserInputError([`--set ${key}: ${notGood(named)}`]);
        }
        return named;
    }
    const candidates = sets.filter((s) => s.startTime.getTime() <= at.getTime());
    const chosen = candidates.find(usable);
    if (!chosen) {
        const newest = candidates[0];
        throw new UserInputError([
            `${instanceId} has no good snapshot set at or before ${at.toISOString()}${newest ? `; the newest, ${newest.key}: ${notGood(newest)}` : ""}`,
        ]);
    }
    return chosen;
}

/** Whole, and only unproven (evidence missing), never contradicted. */
function acceptable(set: SnapshotSet): boolean {
    const untrusted = set.problems.filter((p) => p.startsWith("not trusted: "));
    return set.provenance?.verdict === "unproven" && set.problems.length === untrusted.length;
}

/** Why verify does not count `set` as good, and what to do. */
function notGood(set: SnapshotSet): string {
    const reasons = set.problems.join("; ");
    switch (set.provenance?.verdict) {
        case "contradicted":
            return `verify does not trust this set (${reasons}): its evidence contradicts that this environment's backup made it, so it is never restored; restore a set that 'vss-fleet verify' counts as good, and find out who wrote these snapshots or tags (docs/deletion-safety.md)`;
        case "unproven":
            return acceptable(set)
                ? `verify cannot prove this set is this environment's (${reasons}); check its snapshots, then run again with --accept-unproven to restore it`
                : `the set is not whole (${reasons}); restore a good set`;
        default:
            return `that set is not good (${reasons}); restore a good set`;
    }
}

/**
 * Why `zone` cannot receive volumes from the environment's snapshots, or undefined: EBS creates a
 * volume from a snapshot only in the snapshot's region (CreateVolume's AvailabilityZone is a zone of
 * the region called; a snapshot of another region must be copied there first).
 */
export function zoneRegionProblem(zone: string, region: string, environment: string): string | undefined {
    return regionOfZone(zone) === region && zone !== region
        ? undefined
        : `--availability-zone ${zone} is not a zone of ${region}, where the sets of ${environment} are: EBS creates a volume from a snapshot only in the snapshot's region; name a zone of ${region}, such as ${region}a`;
}

/** The set's snapshots with the device each came from: the Device tag (aws-vss), else the volume's attachment then. */
export function setSnapshots(
    set: SnapshotSet,
    details: ReadonlyMap<string, { size?: number; storageTier?: string; device?: string }>,
    attachments: readonly Attachment[],
): SetSnapshot[] {
    return set.snapshots.map((s: SnapshotRecord) => {
        const detail = details.get(s.snapshotId);
        const device = detail?.device ?? attachments.find((a) => a.volumeId === s.volumeId && a.instanceId === set.instanceId)?.device;
        return {
            snapshotId: s.snapshotId,
            volumeId: s.volumeId,
            ...(device ? { device } : {}),
            ...(detail?.size !== undefined ? { size: detail.size } : {}),
            ...(detail?.storageTier ? { storageTier: detail.storageTier } : {}),
        };
    });
}
