/**
 * What an enrolled instance may do: snapshot ITSELF and nothing else. Modelled on AWS's
 * AWSEC2VssSnapshotPolicy, pinned to one partition/account/region, and narrowed to snapshots that
 * carry this environment's tag so a compromised instance cannot tag or snapshot on anyone's behalf.
 */
import type { Engine } from "../../core/environment";
import { ENVIRONMENT_TAG_KEY } from "../../core/environment";
import { DRILL_RESULT_TAG_KEY, DRILL_TAG_KEY, DRILLED_AT_TAG_KEY } from "../../core/lifecycle/functionConfig";
import {
    arn,
    instanceArns,
    type ConditionBlock,
    policyDocument,
    snapshotArns,
    type ArnScope,
    type PolicyDocument,
    type Statement,
} from "./policyDocument";

/** The tag the diskshadow engine writes with the instance's own id (VssFleetSnapshot.ps1). */
export const INSTANCE_ID_TAG_KEY = "vss-fleet:instance-id";

export interface InstancePolicyInput extends ArnScope {
    readonly environment: string;
    readonly engine: Engine;
    readonly logging?: {
        readonly s3BucketName?: string;
        readonly s3KeyPrefix?: string;
        readonly cloudWatchLogGroupName?: string;
    };
}

/**
 * ec2:SourceInstanceARN is the instance whose role credentials signed the request; ${ec2:InstanceId}
 * is the instance the request acts on. They match only when an instance acts on itself.
 */
function selfOnly(scope: ArnScope): Statement["Condition"] {
    return { ArnEquals: { "ec2:SourceInstanceARN": arn(scope, "ec2", "instance/${ec2:InstanceId}") } };
}

export function instanceSnapshotPolicy(input: InstancePolicyInput): PolicyDocument {
    const ownTag = { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: input.environment };
    // The AWS VSS provider always sends AwsVssConfig in the CreateSnapshots call; requiring it keeps
    // that engine's snapshots distinguishable from anything else the role could create.
    const snapshotCondition: ConditionBlock =
        input.engine === "aws-vss"
            ? { StringEquals: ownTag, StringLike: { "aws:RequestTag/AwsVssConfig": "*" } }
            : { StringEquals: ownTag };
    const statements: Statement[] = [
        {
            Sid: "DescribeOwnInstanceAttribute",
            Effect: "Allow",
            Action: "ec2:DescribeInstanceAttribute",
            Resource: instanceArns(input),
            Condition: selfOnly(input),
        },
        {
            Sid: "CreateSnapshotsOfOwnInstance",
            Effect: "Allow",
            Action: "ec2:CreateSnapshots",
            Resource: instanceArns(input),
            Condition: selfOnly(input),
        },
        {
            // CreateSnapshots authorises each attached volume too; volumes carry no link to the
            // caller, so the instance statement above is what confines the call to its own disks.
            Sid: "CreateSnapshotsOfAttachedVolumes",
            Effect: "Allow",
            Action: "ec2:CreateSnapshots",
            Resource: arn(input, "ec2", "volume/*"),
        },
        {
            Sid: "CreateEnvironmentTaggedSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateSnapshots",
            Resource: snapshotArns(input),
            Condition: snapshotCondition,
        },
        {
            Sid: "TagSnapshotsOnlyWhileCreatingThem",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(input),
            Condition: { StringEquals: { "ec2:CreateAction": "CreateSnapshots" } },
        },
        ...forgeryDenials(input),
    ];
    if (input.engine === "aws-vss") {
        statements.push({
            // The provider marks success (AppConsistent) and the device name after the freeze ends.
            // IAM cannot tie a snapshot to the instance whose volume it copies (no condition key links
            // them), so "its own snapshots" is the environment's VSS snapshots, each mark written once:
            // a mark already on a snapshot cannot be overwritten (AWSEC2VssSnapshotPolicy allows both,
            // on every AwsVssConfig snapshot of the account). verify distrusts marks that contradict
            // the volume's attachment.
            Sid: "MarkOwnVssSnapshotsOnceAfterCreation",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(input),
            Condition: {
                StringLike: { "ec2:ResourceTag/AwsVssConfig": "*" },
                StringEquals: { [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: input.environment },
                "ForAllValues:StringEquals": { "aws:TagKeys": ["AppConsistent", "Device"] },
                Null: { "aws:TagKeys": "false", "ec2:ResourceTag/AppConsistent": "true", "ec2:ResourceTag/Device": "true" },
            },
        });
    }
    statements.push({
        // Describe calls do not support resource-level permissions; they are read-only.
        Sid: "ReadOnlyDescribe",
        Effect: "Allow",
        Action:
            input.engine === "aws-vss"
                ? ["ec2:DescribeImages", "ec2:DescribeSnapshots"]
                : ["ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
        Resource: "*",
    });
    statements.push(...outputLoggingStatements(input));
    return policyDocument(statements);
}

/** Tags no instance may write on a snapshot, at creation or after (Deny wins over every Allow). */
export const DRILL_TAG_KEYS: readonly string[] = [DRILL_TAG_KEY, DRILLED_AT_TAG_KEY, DRILL_RESULT_TAG_KEY];

/**
 * An instance creates its snapshots with tags the lifecycle and verify trust, so it may not forge
 * them: no drill tags (only the lifecycle function stamps drills), no AppConsistent=true inside the
 * create call (the provider marks success after the freeze), and a vss-fleet:instance-id tag only
 * with its OWN id (the ARN the request is signed from must end in that id).
 */
function forgeryDenials(scope: ArnScope): Statement[] {
    const snapshotsAndTags = ["ec2:CreateSnapshots", "ec2:CreateTags"];
    return [
        {
            Sid: "NeverWriteDrillTags",
            Effect: "Deny",
            Action: snapshotsAndTags,
            Resource: snapshotArns(scope),
            Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [...DRILL_TAG_KEYS] } },
        },
        {
            Sid: "NeverCreateSnapshotsMarkedConsistent",
            Effect: "Deny",
            Action: "ec2:CreateSnapshots",
            Resource: snapshotArns(scope),
            Condition: { StringEqualsIgnoreCase: { "aws:RequestTag/AppConsistent": "true" } },
        },
        {
            // The same inside the create call's tagging (ec2:CreateAction is present only there).
            Sid: "NeverTagNewSnapshotsConsistent",
            Effect: "Deny",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(scope),
            Condition: { StringEqualsIgnoreCase: { "aws:RequestTag/AppConsistent": "true" }, Null: { "ec2:CreateAction": "false" } },
        },
        {
            Sid: "InstanceIdTagOnlyWithOwnId",
            Effect: "Deny",
            Action: snapshotsAndTags,
            Resource: snapshotArns(scope),
            Condition: {
                Null: { [`aws:RequestTag/${INSTANCE_ID_TAG_KEY}`]: "false" },
                ArnNotEquals: { "ec2:SourceInstanceARN": arn(scope, "ec2", `instance/\${aws:RequestTag/${INSTANCE_ID_TAG_KEY}}`) },
            },
        },
        {
            // After creation too: a snapshot that names its instance is tagged only by that instance.
            Sid: "TagOnlySnapshotsThatNameThisInstance",
            Effect: "Deny",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(scope),
            Condition: {
                Null: { [`ec2:ResourceTag/${INSTANCE_ID_TAG_KEY}`]: "false" },
                ArnNotEquals: { "ec2:SourceInstanceARN": arn(scope, "ec2", `instance/\${ec2:ResourceTag/${INSTANCE_ID_TAG_KEY}}`) },
            },
        },
    ];
}

/** Run Command writes command output with the INSTANCE's credentials, so the grant lives here. */
function outputLoggingStatements(input: InstancePolicyInput): Statement[] {
    const out: Statement[] = [];
    const { s3BucketName, s3KeyPrefix, cloudWatchLogGroupName } = input.logging ?? {};
    if (s3BucketName) {
        const prefix = s3KeyPrefix ? `${s3KeyPrefix.replace(/\/+$/, "")}/` : "";
        out.push(
            {
                Sid: "WriteCommandOutputToS3",
                Effect: "Allow",
                Action: "s3:PutObject",
                Resource: `arn:${input.partition}:s3:::${s3BucketName}/${prefix}*`,
                // Bucket names are global: if the bucket is ever deleted, a bucket of the same name in
                // another account must not receive the output.
                Condition: { StringEquals: { "s3:ResourceAccount": input.accountId } },
            },
            {
                // The agent checks the bucket's encryption before it uploads.
                Sid: "ReadOutputBucketEncryption",
                Effect: "Allow",
                Action: "s3:GetEncryptionConfiguration",
                Resource: `arn:${input.partition}:s3:::${s3BucketName}`,
                Condition: { StringEquals: { "s3:ResourceAccount": input.accountId } },
            },
        );
    }
    if (cloudWatchLogGroupName) {
        out.push({
            Sid: "WriteCommandOutputToCloudWatch",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            Resource: [
                arn(input, "logs", `log-group:${cloudWatchLogGroupName}`),
                arn(input, "logs", `log-group:${cloudWatchLogGroupName}:log-stream:*`),
            ],
        });
    }
    return out;
}
