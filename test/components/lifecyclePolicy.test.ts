/** The lifecycle function's IAM, decided by simulation: every write is pinned by tags. */
import * as assert from "assert";
import { alertTopicPolicy, invokeLifecyclePolicy, lifecyclePolicy, type LifecyclePolicyInput } from "../../components/iam";
import { decide } from "../iamSimulation";

const ACCOUNT = "111111111111";
const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/prod-lifecycle-role/fn`;
const SNAPSHOT = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
const VOLUME = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:prod-alerts`;
const input: LifecyclePolicyInput = {
    partition: "aws",
    region: "us-east-1",
    accountId: ACCOUNT,
    environment: "prod",
    fleet: "acme",
    alertTopicArn: TOPIC,
    logGroupName: "/vss-fleet/prod/lifecycle",
    retention: true,
    restoreDrill: true,
};
const owned = (environment = "prod", fleet = "acme") => ({
    "ec2:ResourceTag/vss-fleet:environment": environment,
    "ec2:ResourceTag/vss-fleet:fleet": fleet,
});

describe("lifecycle function policy (IAM simulation)", () => {
    const policy = lifecyclePolicy(input);

    describe("retention", () => {
        it("deletes a snapshot tagged with this environment and fleet", async () => {
            assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, owned()), "Allowed");
        });

        it("cannot delete an untagged snapshot, another environment's or another fleet's", async () => {
            assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT), "ImplicitlyDenied");
            assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, owned("dev")), "ImplicitlyDenied");
            assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, owned("prod", "other")), "ImplicitlyDenied");
        });

        it("without retention, deletes no snapshot at all", async () => {
            const noRetention = lifecyclePolicy({ ...input, retention: false });
            assert.strictEqual(await decide(principal, noRetention, "ec2:DeleteSnapshot", SNAPSHOT, owned()), "ImplicitlyDenied");
        });
    });

    describe("what verify-run and drills need on every call (provenance, records)", () => {
        it("reads the window's execution history", async () => {
            const window = `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0123456789abcdef0`;
            assert.strictEqual(await decide(principal, policy, "ssm:DescribeMaintenanceWindowExecutions", window), "Allowed");
        });

        it("records the proven window execution on its own snapshots, and nothing else with it", async () => {
            const tag = (keys: string[], context = owned()) =>
                decide(principal, policy, "ec2:CreateTags", SNAPSHOT, { ...context, "aws:TagKeys": keys });
            assert.strictEqual(await tag(["vss-fleet:window-execution"]), "Allowed");
            assert.strictEqual(await tag(["vss-fleet:window-execution"], owned("dev")), "ImplicitlyDenied");
            assert.strictEqual(await tag(["vss-fleet:window-execution", "AppConsistent"]), "ImplicitlyDenied");
        });

        it("writes the drill's record (run and created volume) on its own snapshots", async () => {
            const tag = (keys: string[]) => decide(principal, policy, "ec2:CreateTags", SNAPSHOT, { ...owned(), "aws:TagKeys": keys });
            assert.strictEqual(await tag(["vss-fleet:drill-run", "vss-fleet:drill-volume"]), "Allowed");
            assert.strictEqual(await tag(["vss-fleet:drill-run", "vss-fleet:instance-id"]), "ImplicitlyDenied");
        });
    });

    describe("restore drills", () => {
        const drillVolume = {
            "aws:RequestTag/vss-fleet:drill": "prod",
            "aws:TagKeys": ["vss-fleet:drill"],
            "ec2:VolumeType": "gp3",
            "ec2:VolumeSize": "500",
        };

        it("creates only gp3 drill volumes at baseline IOPS and throughput, up to the size limit", async () => {
            const create = (extra: Record<string, string>) =>
                decide(principal, policy, "ec2:CreateVolume", VOLUME, { ...drillVolume, ...extra });
            assert.strictEqual(await create({ "ec2:VolumeIops": "3000", "ec2:VolumeThroughput": "125" }), "Allowed");
            assert.strictEqual(await create({ "ec2:VolumeIops": "3001" }), "ImplicitlyDenied");
            assert.strictEqual(await create({ "ec2:VolumeThroughput": "126" }), "ImplicitlyDenied");
            assert.strictEqual(await create({ "ec2:VolumeType": "io2", "ec2:VolumeIops": "64000" }), "ImplicitlyDenied");
            assert.strictEqual(await create({ "ec2:VolumeType": "gp2" }), "ImplicitlyDenied");
            assert.strictEqual(await create({ "ec2:VolumeSize": "16384" }), "Allowed");
            assert.strictEqual(await create({ "ec2:VolumeSize": "16385" }), "ImplicitlyDenied");
            const small = lifecyclePolicy({ ...input, maxDrillVolumeGiB: 1024 });
            const createSmall = (size: string) =>
                decide(principal, small, "ec2:CreateVolume", VOLUME, { ...drillVolume, "ec2:VolumeSize": size });
            assert.strictEqual(await createSmall("1024"), "Allowed");
            assert.strictEqual(await createSmall("1025"), "ImplicitlyDenied");
        });

        it("creates a volume only when it is tagged as this environment's drill volume", async () => {
            assert.strictEqual(await decide(principal, policy, "ec2:CreateVolume", VOLUME, drillVolume), "Allowed");
            assert.strictEqual(await decide(principal, policy, "ec2:CreateVolume", VOLUME), "ImplicitlyDenied");
            assert.strictEqual(
                await decide(principal, policy, "ec2:CreateVolume", VOLUME, { "aws:RequestTag/vss-fleet:drill": "dev" }),
                "ImplicitlyDenied",
            );
        });

        it("restores only from this fleet's environment snapshots", async () => {
            assert.strictEqual(await decide(principal, policy, "ec2:CreateVolume", SNAPSHOT, owned()), "Allowed");
            assert.strictEqual(await decide(principal, policy, "ec2:CreateVolume", SNAPSHOT, owned("dev")), "ImplicitlyDenied");
        });

        it("tags volumes only inside CreateVolume", async () => {
            assert.strictEqual(
                await decide(principal, policy, "ec2:CreateTags", VOLUME, { "ec2:CreateAction": "CreateVolume" }),
                "Allowed",
            );
            assert.strictEqual(await decide(principal, policy, "ec2:CreateTags", VOLUME), "ImplicitlyDenied");
        });

        it("deletes only drill volumes", async () => {
            assert.strictEqual(
                await decide(principal, policy, "ec2:DeleteVolume", VOLUME, { "ec2:ResourceTag/vss-fleet:drill": "prod" }),
                "Allowed",
            );
            assert.strictEqual(await decide(principal, policy, "ec2:DeleteVolume", VOLUME, owned()), "ImplicitlyDenied");
            assert.strictEqual(
                await decide(principal, policy, "ec2:DeleteVolume", VOLUME, { "ec2:ResourceTag/vss-fleet:drill": "dev" }),
                "ImplicitlyDenied",
            );
        });

        it("stamps only the drill tags, and only on its own snapshots", async () => {
            const stamp = { ...owned(), "aws:TagKeys": ["vss-fleet:drilled-at", "vss-fleet:drill-result"] };
            assert.strictEqual(await decide(principal, policy, "ec2:CreateTags", SNAPSHOT, stamp), "Allowed");
            assert.strictEqual(
                await decide(principal, policy, "ec2:CreateTags", SNAPSHOT, { ...stamp, "aws:TagKeys": ["vss-fleet:environment"] }),
                "ImplicitlyDenied",
            );
            assert.strictEqual(
                await decide(principal, policy, "ec2:CreateTags", SNAPSHOT, { ...owned("dev"), "aws:TagKeys": ["vss-fleet:drilled-at"] }),
                "ImplicitlyDenied",
            );
        });

        it("without drills, creates and deletes no volume", async () => {
            const noDrill = lifecyclePolicy({ ...input, restoreDrill: false });
            assert.strictEqual(await decide(principal, noDrill, "ec2:CreateVolume", VOLUME, drillVolume), "ImplicitlyDenied");
            assert.strictEqual(
                await decide(principal, noDrill, "ec2:DeleteVolume", VOLUME, { "ec2:ResourceTag/vss-fleet:drill": "prod" }),
                "ImplicitlyDenied",
            );
        });
    });

    describe("reporting", () => {
        it("publishes metrics only in its environment's namespace, VssFleet/prod", async () => {
            assert.strictEqual(
                await decide(principal, policy, "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "VssFleet/prod" }),
                "Allowed",
            );
            for (const other of ["VssFleet", "VssFleet/prod-eu", "VssFleet/prod/x"]) {
                assert.strictEqual(
                    await decide(principal, policy, "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": other }),
                    "ImplicitlyDenied",
                    other,
                );
            }
            assert.strictEqual(
                await decide(principal, policy, "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/EC2" }),
                "ImplicitlyDenied",
            );
        });

        it("publishes alerts only to the environment's topic", async () => {
            assert.strictEqual(await decide(principal, policy, "sns:Publish", TOPIC), "Allowed");
            assert.strictEqual(
                await decide(principal, policy, "sns:Publish", `arn:aws:sns:us-east-1:${ACCOUNT}:other`),
                "ImplicitlyDenied",
            );
        });

        it("publishes only to the existing topic the manifest names, and may use that topic's customer managed key", async () => {
            const team = `arn:aws:sns:us-east-1:${ACCOUNT}:team-alerts`;
            const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
            const existing = lifecyclePolicy({ ...input, alertTopicArn: team, alertTopicKmsKeyArn: key });
            assert.strictEqual(await decide(principal, existing, "sns:Publish", team), "Allowed");
            assert.strictEqual(
                await decide(principal, existing, "sns:Publish", TOPIC),
                "ImplicitlyDenied",
                "not a topic of its own as well",
            );
            // KMS also needs the key policy's consent, which the simulator (like AWS) requires; the grant itself:
            const grant = existing.Statement.find((st) => st.Sid === "EncryptAlertsWithTheTopicsKey");
            assert.deepStrictEqual([grant?.Action, grant?.Resource], [["kms:GenerateDataKey", "kms:Decrypt"], key]);
        });

        it("reads the window execution and its command invocations", async () => {
            for (const action of [
                "ssm:GetMaintenanceWindowExecution",
                "ssm:DescribeMaintenanceWindowExecutionTaskInvocations",
                "ssm:ListCommandInvocations",
            ]) {
                assert.strictEqual(await decide(principal, policy, action, "*"), "Allowed", action);
            }
        });
    });

    it("never terminates instances, sends commands or touches IAM", async () => {
        const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
        assert.strictEqual(await decide(principal, policy, "ec2:TerminateInstances", instance), "ImplicitlyDenied");
        assert.strictEqual(await decide(principal, policy, "ssm:SendCommand", instance), "ImplicitlyDenied");
        assert.strictEqual(await decide(principal, policy, "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/any`), "ImplicitlyDenied");
    });
});

describe("who may call the function and publish alerts", () => {
    const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:prod-lifecycle`;

    it("the window's task role invokes this function and no other", async () => {
        const taskRole = `arn:aws:sts::${ACCOUNT}:assumed-role/prod-task-role/ssm`;
        const policy = invokeLifecyclePolicy(FUNCTION);
        assert.strictEqual(await decide(taskRole, policy, "lambda:InvokeFunction", FUNCTION), "Allowed");
        assert.strictEqual(await decide(taskRole, policy, "lambda:InvokeFunction", `${FUNCTION}-other`), "ImplicitlyDenied");
    });

    it("the alert topic's policy names exactly the environment's rules", () => {
        const rules = [`arn:aws:events:us-east-1:${ACCOUNT}:rule/prod-window-failed`];
        const statement = alertTopicPolicy(TOPIC, ACCOUNT, rules).Statement[0];
        assert.deepStrictEqual(statement.Principal, { Service: "events.amazonaws.com" });
        assert.deepStrictEqual(statement.Condition, {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnEquals: { "aws:SourceArn": rules },
        });
    });
});
