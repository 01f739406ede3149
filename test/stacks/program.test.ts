import * as assert from "assert";
import { runUnderMocks, type RecordedResource } from "../../automation/offline/mockRuntime";
import { defineEnvironment } from "../../stacks/program";
import { only, ofType, specOf } from "../helpers";

const T = {
    provider: "pulumi:providers:aws",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    document: "aws:ssm/document:Document",
    window: "aws:ssm/maintenanceWindow:MaintenanceWindow",
    target: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
    task: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
};

/** The snapshot machinery alone: the lifecycle (on by default) has its own tests in test/components. */
async function graphOf(overrides: Record<string, unknown> = {}): Promise<RecordedResource[]> {
    const spec = specOf({ lifecycle: false, ...overrides });
    const { resources } = await runUnderMocks(() => defineEnvironment(spec, "acme"), { project: "vss-fleet", stack: spec.name });
    return resources;
}

describe("the environment program under mocks", () => {
    let resources: RecordedResource[];
    before(async () => {
        resources = await graphOf({
            schedule: "cron(30 2 ? * * *)",
            scheduleTimezone: "Europe/Berlin",
            scheduleOffset: 2,
            durationHours: 3,
            cutoffHours: 1,
            maxConcurrency: "25%",
            maxErrors: 3,
            targetTags: { Backup: "prod", Tier: "db" },
        });
    });

    it("registers the components with vss-fleet type tokens, each once", () => {
        for (const type of [
            "vss-fleet:backup:BackupEnvironment",
            "vss-fleet:iam:SnapshotInstanceRole",
            "vss-fleet:iam:MaintenanceWindowTaskRole",
            "vss-fleet:ssm:VssSnapshotDocument",
            "vss-fleet:ssm:BackupWindow",
        ]) {
            const found = resources.filter((r) => r.type === type);
            assert.strictEqual(found.length, 1, type);
            assert.strictEqual(found[0].custom, false, `${type} is a component`);
        }
    });

    it("creates exactly the AWS resources an environment needs", () => {
        const counts = Object.fromEntries(Object.values(T).map((type) => [type, ofType(resources, type).length]));
        assert.deepStrictEqual(counts, {
            [T.provider]: 1,
            [T.role]: 2,
            [T.policy]: 1,
            [T.rolePolicy]: 1,
            [T.attachment]: 2,
            [T.profile]: 1,
            [T.document]: 1,
            [T.window]: 1,
            [T.target]: 1,
            [T.task]: 1,
        });
    });

    it("pins the provider to the spec's region and account", () => {
        const provider = only(resources, T.provider);
        assert.strictEqual(provider.inputs.region, "us-east-1");
        assert.deepStrictEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), ["111111111111"]);
    });

    it("assumes the environment's deploy role when one is set", async () => {
        const withRole = await graphOf({ deployRoleArn: "arn:aws:iam::111111111111:role/vss-deploy" });
        const provider = only(withRole, T.provider);
        assert.deepStrictEqual(JSON.parse(String(provider.inputs.assumeRoles)), [
            { roleArn: "arn:aws:iam::111111111111:role/vss-deploy", sessionName: "vss-fleet-prod" },
        ]);
        assert.strictEqual(only(resources, T.provider).inputs.assumeRoles, undefined);
    });

    it("schedules the window from the spec", () => {
        const window = only(resources, T.window);
        assert.strictEqual(window.inputs.schedule, "cron(30 2 ? * * *)");
        assert.strictEqual(window.inputs.scheduleTimezone, "Europe/Berlin");
        assert.strictEqual(window.inputs.scheduleOffset, 2);
        assert.strictEqual(window.inputs.duration, 3);
        assert.strictEqual(window.inputs.cutoff, 1);
        assert.strictEqual(window.inputs.allowUnassociatedTargets, false);
        assert.strictEqual(window.inputs.enabled, true);
    });

    it("targets instances by every target tag", () => {
        const target = only(resources, T.target);
        assert.strictEqual(target.inputs.resourceType, "INSTANCE");
        assert.strictEqual(target.inputs.windowId, only(resources, T.window).id);
        assert.deepStrictEqual(target.inputs.targets, [
            { key: "tag:Backup", values: ["prod"] },
            { key: "tag:Tier", values: ["db"] },
        ]);
    });

    it("wires the task to the document, its pinned version, the task role and the target", () => {
        const task = only(resources, T.task);
        const document = only(resources, T.document);
        const taskRole = only(resources, T.role, "task-role");
        assert.strictEqual(task.inputs.taskType, "RUN_COMMAND");
        assert.strictEqual(task.inputs.taskArn, document.name);
        assert.strictEqual(task.inputs.serviceRoleArn, `arn:aws:iam::111111111111:role/vss-fleet/prod/${taskRole.name}`);
        assert.deepStrictEqual(task.inputs.targets, [{ key: "WindowTargetIds", values: [only(resources, T.target).id] }]);
        assert.strictEqual(task.inputs.maxConcurrency, "25%");
        assert.strictEqual(task.inputs.maxErrors, "3");
        assert.strictEqual(task.inputs.priority, 1);
        assert.strictEqual(task.inputs.cutoffBehavior, "CONTINUE_TASK");
        const run = (task.inputs.taskInvocationParameters as { runCommandParameters: Record<string, unknown> }).runCommandParameters;
        assert.strictEqual(run.documentVersion, "1");
        assert.strictEqual(run.timeoutSeconds, 600);
        assert.strictEqual(run.notificationConfig, undefined);
        assert.strictEqual(run.outputS3Bucket, undefined);
        // Every aws-vss snapshot names the window execution that took it; SSM fills in the id.
        assert.deepStrictEqual(run.parameters, [
            {
                name: "tags",
                values: [
                    "Key=vss-fleet:environment,Value=prod;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss;" +
                        "Key=vss-fleet:window-execution,Value={{WINDOW_EXECUTION_ID}}",
                ],
            },
        ]);
    });

    it("gives the instances a profile whose role carries SSM core and the snapshot policy", () => {
        const role = only(resources, T.role, "instance-role");
        assert.strictEqual(only(resources, T.profile).inputs.role, role.name);
        const attached = ofType(resources, T.attachment).map((a) => a.inputs.policyArn);
        const snapshotPolicy = only(resources, T.policy);
        assert.deepStrictEqual(
            attached.sort(),
            [
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                `arn:aws:iam::111111111111:policy/vss-fleet/prod/${snapshotPolicy.name}`,
            ].sort(),
        );
        assert.ok(ofType(resources, T.attachment).every((a) => a.inputs.role === role.name));
    });

    it("lets the task role send only this environment's document", () => {
        const policy = JSON.parse(String(only(resources, T.rolePolicy).inputs.policy));
        const send = policy.Statement.find((s: { Sid: string }) => s.Sid === "SendOnlyTheSnapshotDocument");
        assert.strictEqual(send.Resource, `arn:aws:ssm:us-east-1:111111111111:document/${only(resources, T.document).name}`);
    });

    it("tags every AWS resource with the environment and fleet", () => {
        for (const type of [T.role, T.policy, T.profile, T.document, T.window]) {
            for (const r of ofType(resources, type)) {
                assert.deepStrictEqual(
                    r.inputs.tags,
                    { "vss-fleet:environment": "prod", "vss-fleet:fleet": "acme", "managed-by": "vss-fleet" },
                    `${type} ${r.name}`,
                );
            }
        }
    });
});

describe("the environment program with notifications and logging", () => {
    let resources: RecordedResource[];
    before(async () => {
        resources = await graphOf({
            notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts" },
            logging: { s3BucketName: "ssm-output", s3KeyPrefix: "vss/prod", cloudWatchLogGroupName: "/vss/prod" },
        });
    });

    it("adds a notification role the task passes to SNS", () => {
        const notify = only(resources, T.role, "notify");
        const task = only(resources, T.task);
        const run = (task.inputs.taskInvocationParameters as { runCommandParameters: Record<string, unknown> }).runCommandParameters;
        assert.deepStrictEqual(run.notificationConfig, {
            notificationArn: "arn:aws:sns:us-east-1:111111111111:alerts",
            notificationEvents: ["Failed", "TimedOut", "Cancelled"],
            notificationType: "Invocation",
        });
        assert.strictEqual(run.serviceRoleArn, `arn:aws:iam::111111111111:role/vss-fleet/prod/${notify.name}`);
        const taskPolicy = ofType(resources, T.rolePolicy).find((p) => p.name.endsWith("send-snapshot-command"));
        const passRole = JSON.parse(String(taskPolicy?.inputs.policy)).Statement.find((s: { Sid: string }) => s.Sid.startsWith("PassOnly"));
        assert.strictEqual(passRole.Resource, `arn:aws:iam::111111111111:role/vss-fleet/prod/${notify.name}`);
    });

    it("sends command output to S3 and CloudWatch", () => {
        const run = (only(resources, T.task).inputs.taskInvocationParameters as { runCommandParameters: Record<string, unknown> })
            .runCommandParameters;
        assert.strictEqual(run.outputS3Bucket, "ssm-output");
        assert.strictEqual(run.outputS3KeyPrefix, "vss/prod");
        assert.deepStrictEqual(run.cloudwatchConfig, { cloudwatchLogGroupName: "/vss/prod", cloudwatchOutputEnabled: true });
    });
});
