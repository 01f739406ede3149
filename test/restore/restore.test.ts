import * as assert from "assert";
import {
    AttachVolumeCommand,
    CreateReplaceRootVolumeTaskCommand,
    CreateVolumeCommand,
    DeleteSnapshotCommand,
    DeleteVolumeCommand,
    DescribeReplaceRootVolumeTasksCommand,
    DescribeVolumesCommand,
    EC2Client,
    RestoreSnapshotTierCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { applyRestore, RestoreStepFailed } from "../../automation/restore/apply";
import { planRestore, type OriginalVolume, type RestoreInputs } from "../../automation/restore/plan";
import { runCli } from "../helpers";

const instance = {
    instanceId: "i-0a1b2c3d4e5f60001",
    name: "sql-prod-01",
    state: "running",
    availabilityZone: "us-east-1a",
    instanceType: "m6i.xlarge",
    rootDeviceName: "/dev/sda1",
    devicesInUse: ["/dev/sda1", "xvdf", "xvdg"],
};
const volumes = new Map<string, OriginalVolume>([
    ["vol-root", { volumeId: "vol-root", volumeType: "gp3", size: 100, iops: 3000, throughput: 125, encrypted: true, device: "/dev/sda1" }],
    [
        "vol-data",
        {
            volumeId: "vol-data",
            volumeType: "io2",
            size: 500,
            iops: 16000,
            kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/k",
            device: "xvdf",
        },
    ],
]);
const set = {
    key: "set-1",
    startTime: new Date("2026-11-27T07:30:04Z"),
    snapshots: [
        { snapshotId: "snap-root", volumeId: "vol-root", device: "/dev/sda1", size: 100 },
        { snapshotId: "snap-data", volumeId: "vol-data", device: "xvdf", size: 500 },
    ],
};
const inputs = (over: Partial<RestoreInputs> = {}): RestoreInputs => ({ instance, set, volumes, ...over });

describe("restore of one whole good set", () => {
    it("beside a running instance: data volumes only, the original's type, size, IOPS and key, at a free device", () => {
        const plan = planRestore(inputs());
        assert.strictEqual(plan.mode, "beside");
        assert.deepStrictEqual(
            plan.steps.map((s) => s.call),
            ["ec2 create-volume", "ec2 wait volume-available", "ec2 attach-volume"],
        );
        assert.deepStrictEqual(plan.steps[0].input, {
            SnapshotId: "snap-data",
            AvailabilityZone: "us-east-1a",
            VolumeType: "io2",
            Size: 500,
            Iops: 16000,
            Encrypted: true,
            KmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/k",
            TagSpecifications: [
                {
                    ResourceType: "volume",
                    Tags: [
                        { Key: "vss-fleet:restored-from", Value: "snap-data" },
                        { Key: "vss-fleet:restored-set", Value: "set-1" },
                    ],
                },
            ],
        });
        assert.deepStrictEqual(plan.steps[2].input, {
            VolumeId: "<VolumeId of step 1>",
            InstanceId: "i-0a1b2c3d4e5f60001",
            Device: "xvdh",
        });
        assert.strictEqual(plan.warnings.length, 2);
    });

    it("replace: the root task while RUNNING, then stop, detach (keep) and attach at the same device, then start", () => {
        const plan = planRestore(inputs({ mode: "replace" }));
        assert.deepStrictEqual(
            plan.steps.map((s) => s.call),
            [
                "ec2 create-replace-root-volume-task",
                "ec2 describe-replace-root-volume-tasks",
                "ec2 create-volume",
                "ec2 wait volume-available",
                "ec2 stop-instances",
                "ec2 wait instance-stopped",
                "ec2 detach-volume",
                "ec2 wait volume-available",
                "ec2 attach-volume",
                "ec2 start-instances",
            ],
        );
        assert.deepStrictEqual(plan.steps[0].input, {
            InstanceId: "i-0a1b2c3d4e5f60001",
            SnapshotId: "snap-root",
            DeleteReplacedRootVolume: false,
        });
        assert.deepStrictEqual(plan.steps[8].input, {
            VolumeId: "<VolumeId of step 3>",
            InstanceId: "i-0a1b2c3d4e5f60001",
            Device: "xvdf",
        });
        assert.ok(!plan.steps.some((s) => /delete/.test(s.call)));
    });

    it("replace on a stopped instance starts it first: root replacement needs a running instance", () => {
        const plan = planRestore(inputs({ mode: "replace", instance: { ...instance, state: "stopped" } }));
        assert.deepStrictEqual(
            plan.steps.slice(0, 3).map((s) => s.call),
            ["ec2 start-instances", "ec2 wait instance-running", "ec2 create-replace-root-volume-task"],
        );
    });

    it("a terminated instance gets a new instance from an image of the whole set, by default", () => {
        const plan = planRestore(inputs({ instance: { ...instance, state: "terminated" } }));
        assert.strictEqual(plan.mode, "new-instance");
        const image = plan.steps[0].input as { BlockDeviceMappings: { DeviceName: string; Ebs: Record<string, unknown> }[] };
        assert.deepStrictEqual(
            image.BlockDeviceMappings.map((m) => [m.DeviceName, m.Ebs.SnapshotId, m.Ebs.VolumeType, m.Ebs.DeleteOnTermination]),
            [
                ["/dev/sda1", "snap-root", "gp3", false],
                ["xvdf", "snap-data", "io2", false],
            ],
        );
        assert.deepStrictEqual(plan.steps[1].input.ImageId, "<ImageId of step 1>");
        assert.throws(
            () => planRestore(inputs({ mode: "beside", instance: { ...instance, state: "terminated" } })),
            /only --mode new-instance/,
        );
    });

    it("restores archived snapshots from the archive tier first, and says it takes up to 72 hours", () => {
        const archived = { ...set, snapshots: set.snapshots.map((s) => ({ ...s, storageTier: "archive" })) };
        const plan = planRestore(inputs({ set: archived }));
        assert.deepStrictEqual(plan.steps[0], {
            call: "ec2 restore-snapshot-tier",
            input: { SnapshotId: "snap-root", TemporaryRestoreDays: 7 },
            why: "snap-root is in the archive tier; it must be restored to the standard tier first",
        });
        assert.match(plan.warnings[0], /takes up to 72 hours/);
    });

    it("applies a plan in order, passing the new volume's id on, and deletes nothing", async () => {
        const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        const ec2 = mockClient(client);
        ec2.on(CreateVolumeCommand).resolves({ VolumeId: "vol-new" });
        ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: "vol-new", State: "available" }] });
        ec2.on(AttachVolumeCommand).resolves({});
        const outcome = await applyRestore(client, planRestore(inputs()), { maxWaitSeconds: 60, sleep: async () => {}, log: () => {} });
        assert.strictEqual(outcome.complete, true);
        assert.deepStrictEqual(ec2.commandCalls(AttachVolumeCommand)[0].args[0].input, {
            VolumeId: "vol-new",
            InstanceId: "i-0a1b2c3d4e5f60001",
            Device: "xvdh",
        });
        assert.strictEqual(ec2.commandCalls(DeleteVolumeCommand).length + ec2.commandCalls(DeleteSnapshotCommand).length, 0);
    });

    it("a failed root replacement is the restore's outcome, reported as RestoreStepFailed, not a crash", async () => {
        const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        const ec2 = mockClient(client);
        ec2.on(CreateReplaceRootVolumeTaskCommand).resolves({ ReplaceRootVolumeTask: { ReplaceRootVolumeTaskId: "replacevol-1" } });
        ec2.on(DescribeReplaceRootVolumeTasksCommand).resolves({
            ReplaceRootVolumeTasks: [{ TaskState: "failed", StartTime: "2026-11-28T08:00:00Z" }],
        });
        await assert.rejects(
            applyRestore(client, planRestore(inputs({ mode: "replace" })), { maxWaitSeconds: 60, sleep: async () => {}, log: () => {} }),
            (error: unknown) =>
                error instanceof RestoreStepFailed &&
                error.message ===
                    "the root-volume replacement of i-0a1b2c3d4e5f60001 ended failed; the original root volume is still attached",
        );
    });

    it("stops after asking EC2 to bring archived snapshots back", async () => {
        const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        const ec2 = mockClient(client);
        ec2.on(RestoreSnapshotTierCommand).resolves({});
        const archived = { ...set, snapshots: set.snapshots.map((s) => ({ ...s, storageTier: "archive" })) };
        const outcome = await applyRestore(client, planRestore(inputs({ set: archived })), {
            maxWaitSeconds: 5,
            sleep: async () => {},
            log: () => {},
        });
        assert.strictEqual(outcome.complete, false);
        assert.strictEqual(ec2.commandCalls(RestoreSnapshotTierCommand).length, 2);
        assert.strictEqual(ec2.commandCalls(CreateVolumeCommand).length, 0);
    });

    it("the CLI plans offline from exports, refuses a set that is not good, and --apply with --offline", async () => {
        const offline = [
            "--offline",
            "--inventory",
            "examples/inventory.json",
            "--volumes",
            "test/fixtures/lifecycle/volumes.json",
            "--snapshots",
            "test/fixtures/lifecycle/snapshots.json",
        ];
        const ok = await runCli(
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60001",
            ...offline,
            "--at",
            "2026-11-28T08:00:00Z",
            "--json",
        );
        assert.strictEqual(ok.code, 0);
        const plan = JSON.parse(ok.out) as { dryRun: boolean; setKey: string; mode: string };
        assert.deepStrictEqual(
            [plan.dryRun, plan.mode, plan.setKey],
            [true, "beside", "AwsVssComponents=2.4.1;SnapshotSetId={11111111-1111-1111-1111-111111111111}"],
        );
        const bad = await runCli(
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60003",
            ...offline,
            "--at",
            "2026-11-28T08:00:00Z",
        );
        assert.strictEqual(bad.code, 2);
        assert.match(bad.err, /i-0a1b2c3d4e5f60003 has no good snapshot set at or before 2026-11-28T08:00:00.000Z/);
        const both = await runCli(
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60001",
            ...offline,
            "--apply",
        );
        assert.strictEqual(both.code, 2);
    });
});
