/**
 * An environment in the shapes the AWS SDK returns (DescribeInstances, DescribeVolumes,
 * DescribeSnapshots, the maintenance-window and Run Command reads), wired into aws-sdk-client-mock.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    EC2Client,
    type Instance,
    type Snapshot,
    type Volume,
} from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import {
    DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
    DescribeMaintenanceWindowExecutionTasksCommand,
    GetMaintenanceWindowExecutionCommand,
    ListCommandInvocationsCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import type { Clients } from "../../functions/lifecycle/actions";
import type { LifecycleConfig } from "../../core/lifecycle/functionConfig";

export const NOW = new Date("2026-11-28T08:00:00Z");
export const RUN_START = new Date("2026-11-28T07:30:00Z");
export const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
export const WINDOW_EXECUTION = "14bea65d-5ccc-462d-a2f3-e99c8e0a0001";
export const COMMAND_ID = "e8d3c0e4-71f7-4491-898f-c9b35bee5f3b";

export const config: LifecycleConfig = {
    environment: "prod",
    fleet: "acme",
    targetTags: { Backup: "prod" },
    rpoHours: 26,
    excludeBootVolume: false,
    alertTopicArn: "arn:aws:sns:us-east-1:111111111111:prod-alerts",
};

export function instance(id: string, name: string, zone: string, extra: Partial<Instance> = {}): Instance {
    return {
        InstanceId: id,
        Placement: { AvailabilityZone: zone },
        // Real responses say "windows"; the SDK's enum type says "Windows".
        Platform: "windows" as Instance["Platform"],
        State: { Code: 16, Name: "running" },
        RootDeviceName: "/dev/sda1",
        LaunchTime: new Date("2026-09-14T07:15:00Z"),
        Tags: [
            { Key: "Name", Value: name },
            { Key: "Backup", Value: "prod" },
        ],
        ...extra,
    };
}

export function volume(id: string, instanceId: string, device: string, zone = "us-east-1a"): Volume {
    return {
        VolumeId: id,
        AvailabilityZone: zone,
        State: "in-use",
        Size: 100,
        VolumeType: "gp3",
        Attachments: [
            { InstanceId: instanceId, Device: device, State: "attached", AttachTime: new Date("2026-09-14T07:15:32Z"), VolumeId: id },
        ],
    };
}

let counter = 0;
/** One aws-vss snapshot of `volumeId` in the set `setId`, taken `startTime`. */
export function snapshot(
    volumeId: string,
    setId: string,
    startTime: Date,
    extra: Partial<Snapshot> & { tags?: Record<string, string> } = {},
): Snapshot {
    const { tags = {}, ...rest } = extra;
    counter += 1;
    return {
        SnapshotId: `snap-0${String(counter).padStart(16, "0")}`,
        VolumeId: volumeId,
        StartTime: startTime,
        State: "completed",
        OwnerId: "111111111111",
        Progress: "100%",
        Tags: Object.entries({
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": "acme",
            "vss-fleet:engine": "aws-vss",
            AwsVssConfig: `AwsVssComponents=2.4.1;SnapshotSetId={${setId}}`,
            AppConsistent: "true",
            ...tags,
        }).map(([Key, Value]) => ({ Key, Value })),
        ...rest,
    };
}

export interface World {
    readonly instances: Instance[];
    readonly volumes: Volume[];
    readonly snapshots: Snapshot[];
    /** instance id -> [Status, StatusDetails] of its command invocation in the run */
    readonly invocations?: Record<string, [string, string]>;
}

/** Fresh SDK clients; the mocks (made on the client classes) answer for them. */
export function clients(): Clients {
    return { ec2: new EC2Client({}), ssm: new SSMClient({}), cloudWatch: new CloudWatchClient({}), sns: new SNSClient({}) };
}

/** Call in before(): a mock made at load time is undone by another file's restore(). */
export function createMocks() {
    return { ec2: mockClient(EC2Client), ssm: mockClient(SSMClient), cloudWatch: mockClient(CloudWatchClient), sns: mockClient(SNSClient) };
}
export type Mocks = ReturnType<typeof createMocks>;

export function resetMocks(mocks: Mocks): void {
    Object.values(mocks).forEach((m) => m.reset());
}

export function restoreMocks(mocks: Mocks): void {
    Object.values(mocks).forEach((m) => m.restore());
}

/** Answers the reads the function makes, as AWS would for `world`. */
export function serve(mocks: Mocks, world: World): void {
    mocks.ec2
        .on(DescribeInstancesCommand)
        .resolves({ Reservations: [{ OwnerId: "111111111111", ReservationId: "r-0123456789abcdef0", Instances: world.instances }] });
    mocks.ec2.on(DescribeVolumesCommand).callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
        const attached = input.Filters?.find((f) => f.Name === "attachment.instance-id")?.Values ?? [];
        return { Volumes: world.volumes.filter((v) => v.Attachments?.some((a) => attached.includes(a.InstanceId ?? ""))) };
    });
    mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: world.snapshots });
    mocks.ssm
        .on(GetMaintenanceWindowExecutionCommand)
        .resolves({ WindowExecutionId: WINDOW_EXECUTION, StartTime: RUN_START, Status: "IN_PROGRESS" });
    mocks.ssm.on(DescribeMaintenanceWindowExecutionTasksCommand).resolves({
        WindowExecutionTaskIdentities: [
            {
                WindowExecutionId: WINDOW_EXECUTION,
                TaskExecutionId: "c9b05aba-197f-4d8d-be34-e73fb0000001",
                TaskType: "RUN_COMMAND",
                Status: "SUCCESS",
                TaskArn: "prod-snapshot",
            },
            {
                WindowExecutionId: WINDOW_EXECUTION,
                TaskExecutionId: "c9b05aba-197f-4d8d-be34-e73fb0000002",
                TaskType: "LAMBDA",
                Status: "IN_PROGRESS",
                TaskArn: "arn:aws:lambda:us-east-1:111111111111:function:prod-lifecycle",
            },
        ],
    });
    mocks.ssm.on(DescribeMaintenanceWindowExecutionTaskInvocationsCommand).resolves({
        WindowExecutionTaskIdentities: [],
        WindowExecutionTaskInvocationIdentities: [{ ExecutionId: COMMAND_ID, TaskType: "RUN_COMMAND", Status: "SUCCESS" }],
    } as never);
    mocks.ssm.on(ListCommandInvocationsCommand).resolves({
        CommandInvocations: Object.entries(world.invocations ?? {}).map(([InstanceId, [Status, StatusDetails]]) => ({
            CommandId: COMMAND_ID,
            InstanceId,
            DocumentName: "prod-snapshot",
            Status: Status as never,
            StatusDetails,
        })),
    });
}
