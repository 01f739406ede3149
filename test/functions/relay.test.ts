/** AWS-reported failures through the function: the account-wide EBS event is narrowed to the fleet. */
import * as assert from "assert";
import { DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { handler } from "../../functions/lifecycle/handler";
import { functionEnvironment } from "../../core/lifecycle/functionConfig";
import { relayEvent } from "../../functions/lifecycle/relay";
import { clients, config, createMocks, instance, resetMocks, restoreMocks, serve, snapshot, volume, type Mocks } from "./fixtures";

const SQL = "i-0a1b2c3d4e5f60001";

/** The event EBS sends after a failed CreateSnapshots (AWS's documented shape). */
function snapshotsFailed(snapshotId: string, volumeId: string) {
    return {
        version: "0",
        id: "01234567-0123-0123-0123-012345678901",
        "detail-type": "EBS Multi-Volume Snapshots Completion Status",
        source: "aws.ec2",
        account: "111111111111",
        time: "2026-11-28T07:31:00Z",
        region: "us-east-1",
        resources: [`arn:aws:ec2::us-east-1:snapshot/${snapshotId}`],
        detail: {
            event: "createSnapshots",
            result: "failed",
            cause: `Snapshot ${snapshotId} is in status error`,
            "request-id": "",
            startTime: "2026-11-28T07:30:00Z",
            endTime: "2026-11-28T07:31:00Z",
            snapshots: [
                {
                    snapshot_id: `arn:aws:ec2::us-east-1:snapshot/${snapshotId}`,
                    source: `arn:aws:ec2::us-east-1:volume/${volumeId}`,
                    status: "error",
                },
            ],
        },
    };
}

describe("lifecycle function: AWS-reported failures", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    const world = () => ({
        instances: [instance(SQL, "SQL01", "us-east-1a")],
        volumes: [volume("vol-0a00000000000a001", SQL, "/dev/sda1"), volume("vol-0d00000000000d001", "i-0d0d0d0d0d0d0d0d1", "xvdf")],
        snapshots: [],
    });

    it("alerts on a failed snapshot of a fleet volume, through the handler", async () => {
        serve(mocks, world());
        mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        const saved = { ...process.env };
        Object.assign(process.env, functionEnvironment(config));
        try {
            const summary = await handler(snapshotsFailed("snap-0aaaaaaaaaaaaaaa1", "vol-0a00000000000a001"));
            assert.deepStrictEqual(summary, { action: "relay", detailType: "EBS Multi-Volume Snapshots Completion Status", relayed: true });
        } finally {
            process.env = saved;
        }
        const { Subject, Message } = mocks.sns.commandCalls(PublishCommand)[0].args[0].input;
        assert.strictEqual(Subject, "vss-fleet prod: EBS Multi-Volume Snapshots Completion Status failed for 1");
        assert.ok(Message?.includes("  - cause: Snapshot snap-0aaaaaaaaaaaaaaa1 is in status error"), Message);
    });

    it("alerts when the failed snapshot carries the environment's tag, whatever its volume", async () => {
        serve(mocks, world());
        const tagged = snapshot("vol-0e00000000000e001", "x", new Date("2026-11-28T07:30:00Z"), { SnapshotId: "snap-0aaaaaaaaaaaaaaa2" });
        mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [tagged] });
        const summary = await relayEvent(clients(), config, snapshotsFailed("snap-0aaaaaaaaaaaaaaa2", "vol-0e00000000000e001") as never);
        assert.strictEqual(summary.relayed, true);
        const filters = mocks.ec2.commandCalls(DescribeSnapshotsCommand)[0].args[0].input.Filters;
        assert.deepStrictEqual(filters, [
            { Name: "snapshot-id", Values: ["snap-0aaaaaaaaaaaaaaa2"] },
            { Name: "tag:vss-fleet:environment", Values: ["prod"] },
        ]);
    });

    it("drops another team's failed snapshot: the rule covers the account, the alert covers the fleet", async () => {
        serve(mocks, world());
        mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        const summary = await relayEvent(clients(), config, snapshotsFailed("snap-0aaaaaaaaaaaaaaa3", "vol-0d00000000000d001") as never);
        assert.strictEqual(summary.relayed, false);
        assert.strictEqual(mocks.sns.commandCalls(PublishCommand).length, 0);
    });

    it("relays a failed window run as it comes (its rule already names the window)", async () => {
        serve(mocks, world());
        const summary = await relayEvent(clients(), config, {
            source: "aws.ssm",
            "detail-type": "Maintenance Window Execution State-change Notification",
            resources: [],
            detail: { "window-id": config.windowId, "window-execution-id": "14bea65d-5ccc-462d-a2f3-e99c8e0a0009", status: "TIMED_OUT" },
        });
        assert.strictEqual(summary.relayed, true);
        const message = mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
        assert.ok(message.includes("  - status: TIMED_OUT\n  - window execution: 14bea65d-5ccc-462d-a2f3-e99c8e0a0009"), message);
    });

    it("relays one of the stack's alarms going into ALARM, through the handler, with the alarm's name and reason", async () => {
        serve(mocks, world());
        const alarm = "prod-lifecycle-alarm-no-verified-run-1a2b3c4";
        // The shape CloudWatch sends EventBridge (components/lifecycle/alarms.ts matches it by ARN).
        const event = {
            version: "0",
            id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
            "detail-type": "CloudWatch Alarm State Change",
            source: "aws.cloudwatch",
            account: "111111111111",
            time: "2026-11-29T07:00:00Z",
            region: "us-east-1",
            resources: [`arn:aws:cloudwatch:us-east-1:111111111111:alarm:${alarm}`],
            detail: {
                alarmName: alarm,
                state: {
                    value: "ALARM",
                    reason: "Threshold Crossed: no datapoints were received for 27 periods",
                    timestamp: "2026-11-29T07:00:00.000+0000",
                },
                previousState: { value: "OK" },
            },
        };
        const saved = { ...process.env };
        Object.assign(process.env, functionEnvironment(config));
        try {
            assert.deepStrictEqual(await handler(event), { action: "relay", detailType: "CloudWatch Alarm State Change", relayed: true });
        } finally {
            process.env = saved;
        }
        const { Subject, Message } = mocks.sns.commandCalls(PublishCommand)[0].args[0].input;
        assert.strictEqual(Subject, "vss-fleet prod: CloudWatch Alarm State Change failed for 1");
        assert.ok(Message?.includes(alarm) && Message.includes("no datapoints were received for 27 periods"), Message);
    });
});
