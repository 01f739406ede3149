/**
 * IAM proven by simulation (@cloud-copilot/iam-simulate evaluates policies the way IAM does,
 * conditions and policy variables included), not by matching strings in the JSON.
 */
import * as assert from "assert";
import { instanceSnapshotPolicy, taskRolePolicy, type PolicyDocument } from "../../components/iam";
import { decide as simulate } from "../iamSimulation";

const ACCOUNT = "111111111111";
const scope = { partition: "aws", region: "us-east-1", accountId: ACCOUNT };
const OWN_ID = "i-0aaaaaaaaaaaaaaaa";
const OTHER_ID = "i-0bbbbbbbbbbbbbbbb";
const instance = (id: string, region = "us-east-1") => `arn:aws:ec2:${region}:${ACCOUNT}:instance/${id}`;
const SNAPSHOT = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
const VOLUME = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;

/** Requests signed with the role credentials of instance OWN_ID. */
const decide = (policy: PolicyDocument, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-instance/${OWN_ID}`, policy, action, resource, context);

/** Context of a request signed with the role credentials of instance OWN_ID, acting on `target`. */
const fromOwnInstance = (target: string) => ({ "ec2:SourceInstanceARN": instance(OWN_ID), "ec2:InstanceId": target });

describe("instance snapshot policy (IAM simulation)", () => {
    const policy = instanceSnapshotPolicy({ ...scope, environment: "prod", engine: "aws-vss" });
    const snapshotRequestTags = {
        "aws:RequestTag/vss-fleet:environment": "prod",
        "aws:RequestTag/AwsVssConfig": "Version=2.4",
        "aws:TagKeys": ["vss-fleet:environment", "AwsVssConfig"],
    };

    it("CAN CreateSnapshots for its own instance", async () => {
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", instance(OWN_ID), fromOwnInstance(OWN_ID)), "Allowed");
    });

    it("CANNOT CreateSnapshots for another instance", async () => {
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", instance(OTHER_ID), fromOwnInstance(OTHER_ID)), "ImplicitlyDenied");
    });

    it("CANNOT CreateSnapshots for its own instance id in another region", async () => {
        const elsewhere = instance(OWN_ID, "eu-west-1");
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", elsewhere, fromOwnInstance(OWN_ID)), "ImplicitlyDenied");
    });

    it("CAN create snapshots that carry the environment tag and AwsVssConfig", async () => {
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", SNAPSHOT, snapshotRequestTags), "Allowed");
    });

    it("CANNOT create snapshots tagged for another environment", async () => {
        const context = { ...snapshotRequestTags, "aws:RequestTag/vss-fleet:environment": "dev" };
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", SNAPSHOT, context), "ImplicitlyDenied");
    });

    it("CANNOT create snapshots without the environment tag", async () => {
        const context = { "aws:RequestTag/AwsVssConfig": "Version=2.4", "aws:TagKeys": ["AwsVssConfig"] };
        assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", SNAPSHOT, context), "ImplicitlyDenied");
    });

    describe("the run's tags the aws-vss task passes (components/document/awsVss.ts)", () => {
        const runTags = {
            "aws:RequestTag/vss-fleet:environment": "prod",
            "aws:RequestTag/vss-fleet:fleet": "acme",
            "aws:RequestTag/vss-fleet:engine": "aws-vss",
            "aws:RequestTag/vss-fleet:window-execution": "1a2b3c4d-1234-1234-1234-123456789012",
            "aws:RequestTag/AwsVssConfig": "Version=2.4",
            "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet", "vss-fleet:engine", "vss-fleet:window-execution", "AwsVssConfig"],
        };

        it("CAN create snapshots carrying them, tagged inside the create call", async () => {
            assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", SNAPSHOT, runTags), "Allowed");
            assert.strictEqual(
                await decide(policy, "ec2:CreateTags", SNAPSHOT, { ...runTags, "ec2:CreateAction": "CreateSnapshots" }),
                "Allowed",
            );
        });

        it("CANNOT write the window execution on a snapshot after it exists (only the lifecycle function records it then)", async () => {
            const later = {
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "aws:RequestTag/vss-fleet:window-execution": "1a2b3c4d-1234-1234-1234-123456789012",
                "aws:TagKeys": ["vss-fleet:window-execution"],
            };
            assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, later), "ImplicitlyDenied");
        });

        it("CANNOT add an instance id naming another instance to them", async () => {
            const forged = {
                ...runTags,
                "aws:RequestTag/vss-fleet:instance-id": OTHER_ID,
                "aws:TagKeys": [...runTags["aws:TagKeys"], "vss-fleet:instance-id"],
                "ec2:SourceInstanceARN": instance(OWN_ID),
            };
            assert.strictEqual(await decide(policy, "ec2:CreateSnapshots", SNAPSHOT, forged), "ExplicitlyDenied");
        });
    });

    it("CAN tag snapshots inside the CreateSnapshots call", async () => {
        const context = { "ec2:CreateAction": "CreateSnapshots", "aws:TagKeys": ["vss-fleet:environment"] };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, context), "Allowed");
    });

    it("CAN mark its own VSS snapshot AppConsistent after creation", async () => {
        const context = {
            "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            "aws:TagKeys": ["AppConsistent"],
        };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, context), "Allowed");
    });

    it("CANNOT tag a foreign snapshot after creation", async () => {
        const foreign = {
            "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
            "ec2:ResourceTag/vss-fleet:environment": "dev",
            "aws:TagKeys": ["AppConsistent"],
        };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, foreign), "ImplicitlyDenied");
        const untagged = { "aws:TagKeys": ["AppConsistent"] };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, untagged), "ImplicitlyDenied");
    });

    it("CANNOT write other tag keys on its own snapshot after creation", async () => {
        const context = {
            "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            "aws:TagKeys": ["AppConsistent", "vss-fleet:environment"],
        };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", SNAPSHOT, context), "ImplicitlyDenied");
    });

    it("CANNOT CreateTags on a volume, even inside a create call", async () => {
        const context = { "ec2:CreateAction": "CreateSnapshots", "aws:TagKeys": ["Device"] };
        assert.strictEqual(await decide(policy, "ec2:CreateTags", VOLUME, context), "ImplicitlyDenied");
    });

    it("CANNOT DeleteSnapshot, not even its own", async () => {
        const context = { "ec2:ResourceTag/vss-fleet:environment": "prod" };
        assert.strictEqual(await decide(policy, "ec2:DeleteSnapshot", SNAPSHOT, context), "ImplicitlyDenied");
    });

    it("CAN describe only its own instance's attributes", async () => {
        assert.strictEqual(await decide(policy, "ec2:DescribeInstanceAttribute", instance(OWN_ID), fromOwnInstance(OWN_ID)), "Allowed");
        assert.strictEqual(
            await decide(policy, "ec2:DescribeInstanceAttribute", instance(OTHER_ID), fromOwnInstance(OTHER_ID)),
            "ImplicitlyDenied",
        );
    });

    it("diskshadow engine: CAN create environment-tagged snapshots without AwsVssConfig, CANNOT mark after creation", async () => {
        const diskshadow = instanceSnapshotPolicy({ ...scope, environment: "prod", engine: "diskshadow" });
        const tags = { "aws:RequestTag/vss-fleet:environment": "prod", "aws:TagKeys": ["vss-fleet:environment"] };
        assert.strictEqual(await decide(diskshadow, "ec2:CreateSnapshots", SNAPSHOT, tags), "Allowed");
        const mark = {
            "ec2:ResourceTag/AwsVssConfig": "x",
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            "aws:TagKeys": ["AppConsistent"],
        };
        assert.strictEqual(await decide(diskshadow, "ec2:CreateTags", SNAPSHOT, mark), "ImplicitlyDenied");
    });

    it("logging: CAN write output under the configured prefix only", async () => {
        const logged = instanceSnapshotPolicy({
            ...scope,
            environment: "prod",
            engine: "aws-vss",
            logging: { s3BucketName: "out", s3KeyPrefix: "vss/prod" },
        });
        const own = { "s3:ResourceAccount": ACCOUNT };
        assert.strictEqual(await decide(logged, "s3:PutObject", "arn:aws:s3:::out/vss/prod/cmd/stdout", own), "Allowed");
        assert.strictEqual(await decide(logged, "s3:PutObject", "arn:aws:s3:::out/other/stdout", own), "ImplicitlyDenied");
        assert.strictEqual(await decide(policy, "s3:PutObject", "arn:aws:s3:::out/vss/prod/cmd/stdout", own), "ImplicitlyDenied");
        // A bucket of the same name owned by another account (the name was freed and taken).
        const squatted = { "s3:ResourceAccount": "999999999999" };
        assert.strictEqual(await decide(logged, "s3:PutObject", "arn:aws:s3:::out/vss/prod/cmd/stdout", squatted), "ImplicitlyDenied");
        assert.strictEqual(await decide(logged, "s3:GetEncryptionConfiguration", "arn:aws:s3:::out", own), "Allowed");
        assert.strictEqual(await decide(logged, "s3:GetEncryptionConfiguration", "arn:aws:s3:::out", squatted), "ImplicitlyDenied");
    });
});

describe("maintenance window task role policy (IAM simulation)", () => {
    const DOCUMENT = "prod-snapshot-document-1a2b3c";
    const NOTIFY = `arn:aws:iam::${ACCOUNT}:role/prod-task-notify`;
    const policy = taskRolePolicy({
        ...scope,
        documentName: DOCUMENT,
        targetTags: { Backup: "prod", Tier: "db" },
        notificationRoleArn: NOTIFY,
    });
    const taggedContext = { "ssm:resourceTag/Backup": "prod", "ssm:resourceTag/Tier": "db" };

    it("CAN SendCommand with our document", async () => {
        assert.strictEqual(await decide(policy, "ssm:SendCommand", `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${DOCUMENT}`), "Allowed");
    });

    it("CAN SendCommand to an instance carrying all target tags", async () => {
        assert.strictEqual(await decide(policy, "ssm:SendCommand", instance(OWN_ID), taggedContext), "Allowed");
    });

    it("CANNOT SendCommand to an untagged or partly tagged instance", async () => {
        assert.strictEqual(await decide(policy, "ssm:SendCommand", instance(OWN_ID)), "ImplicitlyDenied");
        assert.strictEqual(
            await decide(policy, "ssm:SendCommand", instance(OWN_ID), { "ssm:resourceTag/Backup": "prod" }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(policy, "ssm:SendCommand", instance(OWN_ID), { ...taggedContext, "ssm:resourceTag/Backup": "dev" }),
            "ImplicitlyDenied",
        );
    });

    it("CANNOT SendCommand with AWS-RunPowerShellScript or another document", async () => {
        for (const name of ["AWS-RunPowerShellScript", "AWSEC2-CreateVssSnapshot", "prod-snapshot-document-other"]) {
            assert.strictEqual(
                await decide(policy, "ssm:SendCommand", `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${name}`),
                "ImplicitlyDenied",
                name,
            );
        }
    });

    it("CAN pass only the notification role, and only to SSM", async () => {
        assert.strictEqual(await decide(policy, "iam:PassRole", NOTIFY, { "iam:PassedToService": "ssm.amazonaws.com" }), "Allowed");
        assert.strictEqual(
            await decide(policy, "iam:PassRole", NOTIFY, { "iam:PassedToService": "ec2.amazonaws.com" }),
            "ImplicitlyDenied",
        );
        const admin = `arn:aws:iam::${ACCOUNT}:role/Admin`;
        assert.strictEqual(await decide(policy, "iam:PassRole", admin, { "iam:PassedToService": "ssm.amazonaws.com" }), "ImplicitlyDenied");
    });

    it("CANNOT pass any role without notifications", async () => {
        const quiet = taskRolePolicy({ ...scope, documentName: DOCUMENT, targetTags: { Backup: "prod" } });
        assert.strictEqual(await decide(quiet, "iam:PassRole", NOTIFY, { "iam:PassedToService": "ssm.amazonaws.com" }), "ImplicitlyDenied");
    });
});

describe("no policy grants a wildcard action or PassRole on *", () => {
    const all: [string, PolicyDocument][] = [
        [
            "instance aws-vss",
            instanceSnapshotPolicy({
                ...scope,
                environment: "prod",
                engine: "aws-vss",
                logging: { s3BucketName: "b", cloudWatchLogGroupName: "g" },
            }),
        ],
        ["instance diskshadow", instanceSnapshotPolicy({ ...scope, environment: "prod", engine: "diskshadow" })],
        [
            "task",
            taskRolePolicy({
                ...scope,
                documentName: "d",
                targetTags: { Backup: "prod" },
                notificationRoleArn: "arn:aws:iam::111111111111:role/n",
            }),
        ],
    ];
    for (const [name, policy] of all) {
        it(`${name}: every action is named, and a "*" resource only for read or follow-up actions`, () => {
            for (const statement of policy.Statement) {
                const actions = ([] as string[]).concat(statement.Action);
                assert.ok(
                    actions.every((a) => !a.includes("*")),
                    `${statement.Sid} has a wildcard action`,
                );
                if (statement.Resource === "*") {
                    assert.ok(
                        actions.every((a) => /^(ec2:Describe|ssm:(Get|List|Cancel)Command)/.test(a)),
                        `${statement.Sid} grants ${actions.join(", ")} on *`,
                    );
                }
                if (actions.includes("iam:PassRole")) {
                    assert.notStrictEqual(statement.Resource, "*");
                    assert.ok(statement.Condition?.StringEquals?.["iam:PassedToService"], "PassRole needs iam:PassedToService");
                }
            }
        });
    }
});
