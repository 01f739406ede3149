/**
 * What the lifecycle function may do, and who may call it and publish its alerts. Reads are broad
 * (Describe* takes no resource-level permissions); every write is pinned by tags:
 * - it deletes ONLY snapshots carrying this environment's and this fleet's tags (retention);
 * - it creates volumes ONLY from such snapshots and ONLY tagged as this environment's drill volumes,
 *   and deletes ONLY volumes carrying that drill tag (restore drills);
 * - it writes ONLY the drill stamp tags onto such snapshots.
 */
import {
    DRILL_RESULT_TAG_KEY,
    DRILL_RUN_TAG_KEY,
    DRILL_TAG_KEY,
    DRILL_VOLUME_TAG_KEY,
    DRILLED_AT_TAG_KEY,
    metricsNamespace,
    type ProtectionConfig,
} from "../../core/lifecycle/functionConfig";
import { INSTANCE_ID_TAG_KEY, WINDOW_EXECUTION_TAG_KEY } from "../../core/lifecycle/provenance";
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import { protectionStatements } from "./protectionPolicy";
import { arn, policyDocument, snapshotArns, type ArnScope, type PolicyDocument, type Statement } from "./policyDocument";

export interface LifecyclePolicyInput extends ArnScope {
    readonly environment: string;
    readonly fleet: string;
    readonly alertTopicArn: string;
    /** The function's own log group (Lambda's loggingConfig points it there). */
    readonly logGroupName: string;
    readonly retention: boolean;
    readonly restoreDrill: boolean;
    /** The largest drill volume, GiB; default the gp3 maximum (16384). */
    readonly maxDrillVolumeGiB?: number;
    /** The alert topic's customer managed KMS key, when it has one (an AWS managed key needs no grant). */
    readonly alertTopicKmsKeyArn?: string;
    /** Copies, locks and the archive tier (protectionConfig(spec)); omitted: none of their grants. */
    readonly protection?: ProtectionConfig;
}

/** Drills restore to gp3 at its baseline (3000 IOPS, 125 MiB/s), the cheapest volume a restore can use. */
export const DRILL_VOLUME = { type: "gp3", maxIops: 3000, maxThroughput: 125, maxSizeGiB: 16384 } as const;

export function lifecycleLogGroupName(environment: string): string {
    return `/vss-fleet/${environment}/lifecycle`;
}

function ownedSnapshot(input: LifecyclePolicyInput) {
    return {
        [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: input.environment,
        [`ec2:ResourceTag/${FLEET_TAG_KEY}`]: input.fleet,
    };
}

function retentionStatements(input: LifecyclePolicyInput): Statement[] {
    return [
        {
            Sid: "DeleteOnlyThisFleetsEnvironmentSnapshots",
            Effect: "Allow",
            Action: "ec2:DeleteSnapshot",
            Resource: snapshotArns(input),
            Condition: { StringEquals: ownedSnapshot(input) },
        },
    ];
}

function drillStatements(input: LifecyclePolicyInput): Statement[] {
    const volumes = arn(input, "ec2", "volume/*");
    return [
        {
            // Only drill volumes, and only cheap ones: a role that can create any volume can run up
            // a bill of io2 at 64000 IOPS. IOPS and throughput are absent when the call leaves them
            // to gp3's baseline.
            Sid: "CreateOnlyTaggedDrillVolumes",
            Effect: "Allow",
            Action: "ec2:CreateVolume",
            Resource: volumes,
            Condition: {
                StringEquals: { [`aws:RequestTag/${DRILL_TAG_KEY}`]: input.environment, "ec2:VolumeType": DRILL_VOLUME.type },
                NumericLessThanEquals: { "ec2:VolumeSize": String(input.maxDrillVolumeGiB ?? DRILL_VOLUME.maxSizeGiB) },
                NumericLessThanEqualsIfExists: {
                    "ec2:VolumeIops": String(DRILL_VOLUME.maxIops),
                    "ec2:VolumeThroughput": String(DRILL_VOLUME.maxThroughput),
                },
            },
        },
        {
            Sid: "RestoreOnlyFromThisFleetsEnvironmentSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateVolume",
            Resource: snapshotArns(input),
            Condition: { StringEquals: ownedSnapshot(input) },
        },
        {
            Sid: "TagVolumesOnlyWhileCreatingThem",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: volumes,
            Condition: { StringEquals: { "ec2:CreateAction": "CreateVolume" } },
        },
        {
            Sid: "DeleteOnlyDrillVolumes",
            Effect: "Allow",
            Action: "ec2:DeleteVolume",
            Resource: volumes,
            Condition: { StringEquals: { [`ec2:ResourceTag/${DRILL_TAG_KEY}`]: input.environment } },
        },
        {
            Sid: "StampOnlyDrillTagsOnOwnSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(input),
            Condition: {
                StringEquals: ownedSnapshot(input),
                // The stamps, and the drill's record of what it created (which volume, by which run).
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": [DRILLED_AT_TAG_KEY, DRILL_RESULT_TAG_KEY, DRILL_RUN_TAG_KEY, DRILL_VOLUME_TAG_KEY],
                },
            },
        },
    ];
}

export function lifecyclePolicy(input: LifecyclePolicyInput): PolicyDocument {
    return policyDocument([
        {
            // Read-only, and these actions take no resource-level permissions.
            Sid: "ReadInstancesSnapshotsAndRuns",
            Effect: "Allow",
            Action: [
                "ec2:DescribeInstances",
                "ec2:DescribeSnapshots",
                "ec2:DescribeVolumes",
                "ssm:GetMaintenanceWindowExecution",
                "ssm:DescribeMaintenanceWindowExecutionTasks",
                "ssm:DescribeMaintenanceWindowExecutionTaskInvocations",
                "ssm:ListCommandInvocations",
                // Provenance: a set is deleted only if its start falls inside one of the window's executions.
                "ssm:DescribeMaintenanceWindowExecutions",
            ],
            Resource: "*",
        },
        {
            // verify-run records the proven window execution on each set it judged, because SSM keeps the
            // execution history for only about 30 days (core/lifecycle/provenance.ts).
            Sid: "RecordProvenanceOnOwnSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(input),
            Condition: {
                StringEquals: ownedSnapshot(input),
                "ForAllValues:StringEquals": { "aws:TagKeys": [WINDOW_EXECUTION_TAG_KEY] },
            },
        },
        {
            // verify-run records the instance on each proven set's snapshots, so the set stays tied to it
            // once the attachment evidence is gone; only this role may write that key (the guardrail SCP).
            Sid: "RecordInstanceOnOwnSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: snapshotArns(input),
            Condition: {
                StringEquals: ownedSnapshot(input),
                "ForAllValues:StringEquals": { "aws:TagKeys": [INSTANCE_ID_TAG_KEY] },
            },
        },
        {
            // Only its environment's namespace: another environment's heartbeat is not its to publish.
            Sid: "PublishOnlyItsEnvironmentsMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": metricsNamespace(input.environment) } },
        },
        // Also the function's on-failure destination: failed asynchronous invocations land on this topic.
        { Sid: "AlertOnlyTheEnvironmentsTopic", Effect: "Allow", Action: "sns:Publish", Resource: input.alertTopicArn },
        ...(input.alertTopicKmsKeyArn
            ? [
                  {
                      Sid: "EncryptAlertsWithTheTopicsKey",
                      Effect: "Allow" as const,
                      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                      Resource: input.alertTopicKmsKeyArn,
                  },
              ]
            : []),
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${arn(input, "logs", `log-group:${input.logGroupName}`)}:*`,
        },
        ...(input.retention ? retentionStatements(input) : []),
        ...(input.restoreDrill ? drillStatements(input) : []),
        ...(input.protection ? protectionStatements({ ...input, protection: input.protection }) : []),
    ]);
}

/** Added to the window's task role: invoke the lifecycle function, nothing else of Lambda's. */
export function invokeLifecyclePolicy(functionArn: string): PolicyDocument {
    return policyDocument([
        { Sid: "InvokeOnlyTheLifecycleFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functionArn },
    ]);
}

/**
 * The alert topic's resource policy: EventBridge may publish only for this account's rules named
 * here (aws:SourceArn). The function publishes through its role; same-account IAM suffices for that.
 */
export function alertTopicPolicy(topicArn: string, accountId: string, ruleArns: readonly string[]): PolicyDocument {
    return policyDocument([
        {
            Sid: "EventBridgeRulesOfThisEnvironmentPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnEquals: { "aws:SourceArn": [...ruleArns] } },
        },
    ]);
}
