/**
 * The restore of one whole good set, as the list of AWS calls that carry it out (docs/restore.md is
 * the same procedure for people). Pure: `vss-fleet restore` prints these steps (a dry run) and, with
 * --apply, executes them in order. Rules that every plan keeps:
 * - the whole set, never a mix of sets;
 * - each restored volume gets the original volume's type, size, IOPS, throughput and KMS key (the
 *   snapshot's size and gp3 when the original is gone, with a warning);
 * - nothing is ever deleted: replaced volumes stay, detached, until a person has checked the application;
 * - the order AWS requires: a root-volume replacement task works on a RUNNING instance only, while data
 *   volumes are swapped on a STOPPED one; an archived snapshot is restored from the archive tier first.
 */
import { shellQuote } from "../display";
import { UserInputError } from "../errors";

export type RestoreMode = "beside" | "replace" | "new-instance";

export interface RestoreInstance {
    readonly instanceId: string;
    readonly name?: string;
    /** running | stopped | terminated | ...; absent when EC2 no longer shows the instance. */
    readonly state?: string;
    readonly availabilityZone?: string;
    readonly instanceType?: string;
    readonly rootDeviceName?: string;
    readonly subnetId?: string;
    /** Devices in use now, so volumes restored beside the originals get free device names. */
    readonly devicesInUse: readonly string[];
}

export interface OriginalVolume {
    readonly volumeId: string;
    readonly volumeType?: string;
    readonly size?: number;
    readonly iops?: number;
    readonly throughput?: number;
    readonly kmsKeyId?: string;
    readonly encrypted?: boolean;
    /** Where the volume is attached to the instance now (or was, per the snapshot's Device tag). */
    readonly device?: string;
}

export interface SetSnapshot {
    readonly snapshotId: string;
    readonly volumeId: string;
    /** The device the snapshot's volume was attached at: aws-vss writes a Device tag; otherwise the volume's attachment. */
    readonly device?: string;
    readonly size?: number;
    /** standard | archive */
    readonly storageTier?: string;
}

export interface RestoreStep {
    /** The AWS CLI spelling of the call, e.g. "ec2 create-volume". */
    readonly call: string;
    /** The call's input in the API's own field names; "<VolumeId of step N>" refers to an earlier step's result. */
    readonly input: Readonly<Record<string, unknown>>;
    readonly why: string;
}

export interface RestorePlan {
    readonly instanceId: string;
    readonly setKey: string;
    readonly setStart: string;
    readonly mode: RestoreMode;
    readonly steps: RestoreStep[];
    readonly warnings: string[];
}

export interface RestoreInputs {
    readonly instance: RestoreInstance;
    readonly set: { readonly key: string; readonly startTime: Date; readonly snapshots: readonly SetSnapshot[] };
    readonly volumes: ReadonlyMap<string, OriginalVolume>;
    readonly mode?: RestoreMode;
    /** Where the restore runs: the instance's zone, or this one when the instance is gone. */
    readonly availabilityZone?: string;
}

/** Days an archived snapshot stays restored to the standard tier: long enough to finish the restore. */
export const TEMPORARY_RESTORE_DAYS = 7;

const gone = (state: string | undefined) => state === undefined || state === "terminated" || state === "shutting-down";

/** A volume's settings for CreateVolume: the original's, else the snapshot's size and gp3. */
function volumeSettings(snapshot: SetSnapshot, original: OriginalVolume | undefined): Record<string, unknown> {
    if (!original) {
        return { VolumeType: "gp3", ...(snapshot.size !== undefined ? { Size: snapshot.size } : {}) };
    }
    const takesIops = ["io1", "io2", "gp3"].includes(original.volumeType ?? "");
    return {
        VolumeType: original.volumeType ?? "gp3",
        ...(original.size !== undefined ? { Size: original.size } : snapshot.size !== undefined ? { Size: snapshot.size } : {}),
        ...(takesIops && original.iops !== undefined ? { Iops: original.iops } : {}),
        ...(original.volumeType === "gp3" && original.throughput !== undefined ? { Throughput: original.throughput } : {}),
        ...(original.kmsKeyId ? { Encrypted: true, KmsKeyId: original.kmsKeyId } : original.encrypted ? { Encrypted: true } : {}),
    };
}

function tags(snapshot: SetSnapshot, setKey: string): { ResourceType: string; Tags: { Key: string; Value: string }[] }[] {
    return [
        {
            ResourceType: "volume",
            Tags: [
                { Key: "vss-fleet:restored-from", Value: snapshot.snapshotId },
                { Key: "vss-fleet:restored-set", Value: setKey.slice(0, 256) },
            ],
        },
    ];
}

/** Free device names for volumes attached beside the originals: xvdf..xvdz, skipping those in use. */
function freeDevices(inUse: readonly string[], count: number): string[] {
    const used = new Set(inUse.map((d) => d.replace(/^\/dev\//, "")));
    const free: string[] = [];
    for (let c = "f".charCodeAt(0); c <= "z".charCodeAt(0) && free.length < count; c++) {
        const name = `xvd${String.fromCharCode(c)}`;
        if (!used.has(name) && !used.has(`sd${String.fromCharCode(c)}`)) {
            free.push(name);
        }
    }
    return free;
}

export function planRestore(inputs: RestoreInputs): RestorePlan {
    const { instance, set } = inputs;
    const warnings: string[] = [];
    const steps: RestoreStep[] = [];
    const mode: RestoreMode = inputs.mode ?? (gone(instance.state) ? "new-instance" : "beside");
    const zone = inputs.availabilityZone ?? instance.availabilityZone;
    if (!zone) {
        throw new UserInputError([`no Availability Zone for ${instance.instanceId}: name one with --availability-zone`]);
    }
    if (mode !== "new-instance" && gone(instance.state)) {
        throw new UserInputError([`${instance.instanceId} is ${instance.state ?? "gone"}: only --mode new-instance can restore it`]);
    }
    const archived = set.snapshots.filter((s) => s.storageTier === "archive");
    for (const s of archived) {
        steps.push({
            call: "ec2 restore-snapshot-tier",
            input: { SnapshotId: s.snapshotId, TemporaryRestoreDays: TEMPORARY_RESTORE_DAYS },
            why: `${s.snapshotId} is in the archive tier; it must be restored to the standard tier first`,
        });
    }
    if (archived.length > 0) {
        warnings.push(
            `${archived.length} snapshot(s) of the set are archived: restoring them from the archive tier takes up to 72 hours. Run the restore again once 'aws ec2 describe-snapshot-tier-status' shows them restored.`,
        );
    }
    const isRoot = (s: SetSnapshot) => s.device !== undefined && s.device === instance.rootDeviceName;
    const root = set.snapshots.find(isRoot);
    const data = set.snapshots.filter((s) => !isRoot(s));
    for (const s of set.snapshots) {
        if (!inputs.volumes.has(s.volumeId)) {
            warnings.push(
                `the original of ${s.snapshotId} (${s.volumeId}) is gone: its volume is restored as gp3 at the snapshot's size; check type, IOPS and KMS key`,
            );
        }
    }
    const createVolume = (s: SetSnapshot, why: string) => {
        steps.push({
            call: "ec2 create-volume",
            input: {
                SnapshotId: s.snapshotId,
                AvailabilityZone: zone,
                ...volumeSettings(s, inputs.volumes.get(s.volumeId)),
                TagSpecifications: tags(s, set.key),
            },
            why,
        });
        const index = steps.length;
        steps.push({
            call: "ec2 wait volume-available",
            input: { VolumeIds: [`<VolumeId of step ${index}>`] },
            why: "attach only an available volume",
        });
        return index;
    };

    if (mode === "beside") {
        if (root) {
            warnings.push(
                `the boot volume's snapshot ${root.snapshotId} is not restored beside the running instance (a second boot disk confuses Windows); use --mode replace, or restore it on a helper instance`,
            );
        }
        warnings.push(
            "Windows sees each restored disk with the same signature as its original and keeps it offline (signature collision); bringing it online writes a new signature. Copy what you need, then detach it.",
        );
        const devices = freeDevices(instance.devicesInUse, data.length);
        if (devices.length < data.length) {
            throw new UserInputError([`${instance.instanceId} has no free device names left for ${data.length} restored volume(s)`]);
        }
        data.forEach((s, i) => {
            const created = createVolume(s, `a copy of ${s.volumeId}${s.device ? ` (${s.device})` : ""} from the set`);
            steps.push({
                call: "ec2 attach-volume",
                input: { VolumeId: `<VolumeId of step ${created}>`, InstanceId: instance.instanceId, Device: devices[i] },
                why: "beside the original, at a free device name; the original stays attached",
            });
        });
    } else if (mode === "replace") {
        if (root) {
            if (instance.state !== "running") {
                steps.push({
                    call: "ec2 start-instances",
                    input: { InstanceIds: [instance.instanceId] },
                    why: "a root-volume replacement task needs a running instance",
                });
                steps.push({ call: "ec2 wait instance-running", input: { InstanceIds: [instance.instanceId] }, why: "" });
            }
            steps.push({
                call: "ec2 create-replace-root-volume-task",
                input: { InstanceId: instance.instanceId, SnapshotId: root.snapshotId, DeleteReplacedRootVolume: false },
                why: "replaces the boot volume from the set while the instance runs; EC2 restarts it and keeps the original root volume",
            });
            // EC2 has no waiter for this task: poll it until its TaskState is succeeded.
            steps.push({
                call: "ec2 describe-replace-root-volume-tasks",
                input: { Filters: [{ Name: "instance-id", Values: [instance.instanceId] }] },
                why: "repeat until the newest task's TaskState is succeeded (failed or failed-detached: stop; the original root volume is kept)",
            });
        }
        const created = data.map((s) => createVolume(s, `the restored ${s.device ?? s.volumeId}`));
        if (data.length > 0) {
            steps.push({
                call: "ec2 stop-instances",
                input: { InstanceIds: [instance.instanceId] },
                why: "data volumes are swapped on a stopped instance",
            });
            steps.push({ call: "ec2 wait instance-stopped", input: { InstanceIds: [instance.instanceId] }, why: "" });
            data.forEach((s, i) => {
                const device = s.device ?? inputs.volumes.get(s.volumeId)?.device;
                if (!device) {
                    throw new UserInputError([
                        `no device name for ${s.snapshotId}: neither a Device tag nor an attachment of ${s.volumeId}`,
                    ]);
                }
                if (inputs.volumes.get(s.volumeId)?.device === device) {
                    steps.push({
                        call: "ec2 detach-volume",
                        input: { VolumeId: s.volumeId },
                        why: `the original stays, detached, until the application is checked`,
                    });
                    steps.push({ call: "ec2 wait volume-available", input: { VolumeIds: [s.volumeId] }, why: "" });
                }
                steps.push({
                    call: "ec2 attach-volume",
                    input: { VolumeId: `<VolumeId of step ${created[i]}>`, InstanceId: instance.instanceId, Device: device },
                    why: "at the original's device name",
                });
            });
            steps.push({ call: "ec2 start-instances", input: { InstanceIds: [instance.instanceId] }, why: "" });
        }
        if (root && data.length > 0) {
            warnings.push(
                "between the root replacement and the data-volume swap the instance runs the restored boot volume with the CURRENT data volumes: set the application's services to manual start before you begin",
            );
        }
        warnings.push(
            "the replaced volumes are kept (detached, and the root volume by the task): delete them only after the application is checked",
        );
    } else {
        if (!root) {
            throw new UserInputError([
                `the set has no snapshot of ${instance.rootDeviceName ?? "the boot volume"} (excludeBootVolume?): a new instance cannot be launched from it; restore its data volumes with --mode beside on another instance`,
            ]);
        }
        const mappings = set.snapshots.map((s) => {
            const settings = volumeSettings(s, inputs.volumes.get(s.volumeId));
            const { Encrypted: _encrypted, ...ebs } = settings;
            return {
                DeviceName: s.device ?? inputs.volumes.get(s.volumeId)?.device,
                Ebs: { SnapshotId: s.snapshotId, DeleteOnTermination: false, ...ebs },
            };
        });
        steps.push({
            call: "ec2 register-image",
            input: {
                Name: `${instance.name ?? instance.instanceId}-restore-${set.startTime.toISOString().slice(0, 10)}`.replace(
                    /[^A-Za-z0-9()[\]./'@_ -]/g,
                    "-",
                ),
                Architecture: "x86_64",
                RootDeviceName: instance.rootDeviceName ?? "/dev/sda1",
                VirtualizationType: "hvm",
                EnaSupport: true,
                BlockDeviceMappings: mappings,
            },
            why: "an image of the whole set, root and data volumes together",
        });
        const image = steps.length;
        steps.push({
            call: "ec2 run-instances",
            input: {
                ImageId: `<ImageId of step ${image}>`,
                InstanceType: instance.instanceType ?? "m6i.large",
                MinCount: 1,
                MaxCount: 1,
                ...(instance.subnetId ? { SubnetId: instance.subnetId } : { Placement: { AvailabilityZone: zone } }),
                TagSpecifications: [
                    { ResourceType: "instance", Tags: [{ Key: "Name", Value: `${instance.name ?? instance.instanceId}-restored` }] },
                ],
            },
            why: "the replacement server",
        });
        warnings.push(
            "the restored server keeps the original's computer name and domain membership: make sure the original is off the network before it starts",
        );
        if (!instance.instanceType) {
            warnings.push("the original's instance type is unknown: m6i.large is a placeholder; set the type you need");
        }
    }
    return { instanceId: instance.instanceId, setKey: set.key, setStart: set.startTime.toISOString(), mode, steps, warnings };
}

/** The plan as AWS CLI commands a person can read (and run by hand). */
export function restoreText(plan: RestorePlan): string {
    const lines = [
        `Restore of ${plan.instanceId} from the set of ${plan.setStart} (${plan.mode}), ${plan.steps.length} step(s); nothing is deleted:`,
        ...plan.steps.map(
            (s, i) => `  ${i + 1}. aws ${s.call} --cli-input-json ${shellQuote(JSON.stringify(s.input))}${s.why ? `   # ${s.why}` : ""}`,
        ),
        ...plan.warnings.map((w) => `WARNING: ${w}`),
    ];
    return lines.join("\n");
}
