/**
 * Fleets for the benchmark, written as a user's files: a manifest and the unmodified-looking JSON of
 * `aws ec2 describe-instances` (one file per account, pretty-printed as the AWS CLI prints it), and for
 * verify the JSON of describe-volumes and describe-snapshots. Deterministic: the same sizes always
 * give the same bytes, so runs on different days compare.
 */
import * as fs from "fs";
import * as path from "path";

export const ACCOUNTS = 5;
const account = (a: number) => String(100000000000 + a);
const instanceId = (i: number) => `i-${(i + 0x10000).toString(16).padStart(17, "0")}`;

export interface FleetShape {
    readonly environments: number;
    readonly instances: number;
    /** Retention and restore drills in every environment. */
    readonly lifecycle?: boolean;
}

export interface FleetFiles {
    readonly manifest: string;
    readonly inventory: string[];
    readonly bytes: number;
}

function manifestText(environments: number, lifecycle: boolean, accounts: number): string {
    const lines = ["version: 1", "defaults:", "  durationHours: 4", "  cutoffHours: 1", '  maxConcurrency: "10"', "environments:"];
    for (let e = 0; e < environments; e++) {
        lines.push(
            `  env-${e}:`,
            "    region: us-east-1",
            `    accountId: "${account(e % accounts)}"`,
            `    targetTags: { Backup: env-${e} }`,
            `    scope: { tags: { Env: env-${e} } }`,
        );
        // The lifecycle function (verify, alarms) is on by default, as a user's manifest has it; this adds its deleting and restoring parts.
        if (lifecycle) {
            lines.push("    retention: { days: 35 }", "    restoreDrill: { schedule: cron(0 6 ? * SUN *) }");
        }
    }
    return lines.join("\n") + "\n";
}

/** The fields describe-instances prints that matter here, plus the common ones a real export carries. */
function instanceJson(i: number, environments: number): Record<string, unknown> {
    const e = i % environments;
    // 1 % are Windows servers nobody enrolled (the plan reports them); 5 % are Linux (never in scope).
    const linux = i % 20 === 7;
    const tags = [
        { Key: "Name", Value: `srv-${i}` },
        { Key: "Env", Value: `env-${e}` },
        { Key: "CostCenter", Value: `cc-${i % 7}` },
        ...(i % 100 === 99 ? [] : [{ Key: "Backup", Value: `env-${e}` }]),
    ];
    return {
        AmiLaunchIndex: 0,
        ImageId: linux ? "ami-0linux00000000001" : "ami-0windows0000000001",
        InstanceId: instanceId(i),
        InstanceType: "m6i.large",
        LaunchTime: "2026-01-15T08:00:00+00:00",
        Placement: { AvailabilityZone: `us-east-1${"abc"[i % 3]}`, GroupName: "", Tenancy: "default" },
        ...(linux ? { PlatformDetails: "Linux/UNIX" } : { Platform: "windows", PlatformDetails: "Windows" }),
        PrivateIpAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        State: { Code: 16, Name: "running" },
        SubnetId: "subnet-0123456789abcdef0",
        VpcId: "vpc-0123456789abcdef0",
        RootDeviceName: "/dev/sda1",
        RootDeviceType: "ebs",
        Tags: tags,
    };
}

/** One describe-instances file per account; reservations of up to 4 instances, as RunInstances makes them. */
function inventoryFiles(dir: string, prefix: string, instances: number, environments: number): { files: string[]; bytes: number } {
    const perAccount: Record<string, unknown>[][] = Array.from({ length: ACCOUNTS }, () => []);
    for (let i = 0; i < instances; i++) {
        perAccount[(i % environments) % ACCOUNTS].push(instanceJson(i, environments));
    }
    const files: string[] = [];
    let bytes = 0;
    perAccount.forEach((list, a) => {
        const reservations = [];
        for (let r = 0; r < list.length; r += 4) {
            reservations.push({ Groups: [], Instances: list.slice(r, r + 4), OwnerId: account(a), ReservationId: `r-${a}${r}` });
        }
        const file = path.join(dir, `${prefix}-instances-${account(a)}.json`);
        const text = JSON.stringify({ Reservations: reservations }, null, 4) + "\n";
        fs.writeFileSync(file, text);
        files.push(file);
        bytes += text.length;
    });
    return { files, bytes };
}

export function writeFleet(dir: string, name: string, shape: FleetShape): FleetFiles {
    const manifest = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(manifest, manifestText(shape.environments, shape.lifecycle ?? false, ACCOUNTS));
    const { files, bytes } = inventoryFiles(dir, name, shape.instances, shape.environments);
    return { manifest, inventory: files, bytes };
}

export interface VerifyFiles extends FleetFiles {
    readonly volumes: string;
    readonly snapshots: string;
    readonly snapshotCount: number;
    readonly at: string;
}

const VERIFY_AT = "2026-11-28T12:00:00Z";

/**
 * `instances` Windows servers in 10 environments of one account, each with `volumes` attached volumes
 * (the first the boot volume) and one aws-vss run a day for `days` days, every run good except every
 * 13th, whose last snapshot is not application-consistent.
 */
export function writeVerify(dir: string, instances: number, volumes: number, days: number): VerifyFiles {
    const environments = 10;
    const manifest = path.join(dir, "verify.yaml");
    fs.writeFileSync(manifest, manifestText(environments, true, 1));
    const reservations = [];
    for (let i = 0; i < instances; i++) {
        reservations.push({ Instances: [instanceJson(i, environments)], OwnerId: account(0), ReservationId: `r-${i}` });
    }
    const inventory = path.join(dir, "verify-instances.json");
    fs.writeFileSync(inventory, JSON.stringify({ Reservations: reservations }, null, 4) + "\n");
    const volumeId = (i: number, v: number) => `vol-${(i * volumes + v).toString(16).padStart(17, "0")}`;
    const volumeList = [];
    for (let i = 0; i < instances; i++) {
        for (let v = 0; v < volumes; v++) {
            volumeList.push({
                AvailabilityZone: "us-east-1a",
                Size: 100,
                VolumeId: volumeId(i, v),
                VolumeType: "gp3",
                Attachments: [
                    {
                        AttachTime: "2026-01-15T08:00:05+00:00",
                        Device: v === 0 ? "/dev/sda1" : `xvd${"bcdefgh"[v - 1]}`,
                        InstanceId: instanceId(i),
                        State: "attached",
                        VolumeId: volumeId(i, v),
                        DeleteOnTermination: v === 0,
                    },
                ],
            });
        }
    }
    const volumesFile = path.join(dir, "verify-volumes.json");
    fs.writeFileSync(volumesFile, JSON.stringify({ Volumes: volumeList }, null, 4) + "\n");
    // Streamed out: 180k snapshots pretty-printed are ~150 MB, more than one string should hold here.
    const snapshotsFile = path.join(dir, "verify-snapshots.json");
    const fd = fs.openSync(snapshotsFile, "w");
    fs.writeSync(fd, '{\n    "Snapshots": [');
    const at = Date.parse(VERIFY_AT);
    let count = 0;
    for (let d = 0; d < days; d++) {
        const start = new Date(at - (d + 1) * 86_400_000 + 3_600_000).toISOString().replace(".000Z", "+00:00");
        const chunk: string[] = [];
        for (let i = 0; i < instances; i++) {
            const env = `env-${i % environments}`;
            const vss = `{"version":"1.3.1.0","SnapshotSetId":"${d}-${i}"}`;
            const bad = (d + i) % 13 === 0;
            for (let v = 0; v < volumes; v++) {
                const snapshot = {
                    Description: `AWS-VSS-${env}`,
                    Encrypted: false,
                    OwnerId: account(0),
                    Progress: "100%",
                    SnapshotId: `snap-${(count++).toString(16).padStart(17, "0")}`,
                    StartTime: start,
                    State: "completed",
                    VolumeId: volumeId(i, v),
                    VolumeSize: 100,
                    Tags: [
                        { Key: "AwsVssConfig", Value: vss },
                        { Key: "AppConsistent", Value: bad && v === volumes - 1 ? "false" : "true" },
                        { Key: "Device", Value: v === 0 ? "/dev/sda1" : `xvd${"bcdefgh"[v - 1]}` },
                        { Key: "vss-fleet:environment", Value: env },
                        { Key: "vss-fleet:fleet", Value: "vss-fleet" },
                    ],
                };
                chunk.push(JSON.stringify(snapshot, null, 4).replace(/\n/g, "\n        "));
            }
        }
        fs.writeSync(fd, (d === 0 ? "\n        " : ",\n        ") + chunk.join(",\n        "));
    }
    fs.writeSync(fd, "\n    ]\n}\n");
    fs.closeSync(fd);
    const bytes = [inventory, volumesFile, snapshotsFile].reduce((n, f) => n + fs.statSync(f).size, 0);
    return { manifest, inventory: [inventory], volumes: volumesFile, snapshots: snapshotsFile, bytes, snapshotCount: count, at: VERIFY_AT };
}
