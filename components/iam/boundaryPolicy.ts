/**
 * The permissions boundary every role of an environment carries: the union of what the fleet's own
 * roles need (instance, window task, notification, lifecycle function) and nothing else. A role's
 * effective rights are its policies AND this boundary, so whatever a compromised deploy role writes
 * into a fleet role's policies (an inline "*:*" included) cannot reach beyond this list: no IAM, no
 * STS, no data outside the environment's account, no deletes of what the fleet's tags do not mark.
 *
 * It names no resource whose ARN only a deployment knows (a topic's or function's random suffix), so
 * an administrator applies it once per environment, before the first deploy, and again only when a
 * vss-fleet upgrade changes it (`vss-fleet deploy-policy --bootstrap` prints it).
 */
import { DRILL_TAG_KEY, METRICS_NAMESPACE, type ProtectionConfig } from "../../core/lifecycle/functionConfig";
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import { childName, iamPath, lifecycleFunctionPrefix } from "../naming";
import { protectionStatements } from "./protectionPolicy";
import { arn, instanceArns, policyDocument, snapshotArns, type ArnScope, type PolicyDocument, type Statement } from "./policyDocument";

export interface BoundaryPolicyInput extends ArnScope {
    readonly environment: string;
    readonly fleet: string;
    /** Copies, locks and archive (protectionConfig(spec)): the lifecycle role's grants for them, admitted as they are. */
    readonly protection?: ProtectionConfig;
}

/** What AmazonSSMManagedInstanceCore grants, action by action: the agent's channel to Systems Manager. */
export const SSM_AGENT_ACTIONS: readonly string[] = [
    "ssm:DescribeAssociation",
    "ssm:GetDeployablePatchSnapshotForInstance",
    "ssm:GetDocument",
    "ssm:DescribeDocument",
    "ssm:GetManifest",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:ListAssociations",
    "ssm:ListInstanceAssociations",
    "ssm:PutInventory",
    "ssm:PutComplianceItems",
    "ssm:PutConfigurePackageResult",
    "ssm:UpdateAssociationStatus",
    "ssm:UpdateInstanceAssociationStatus",
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
];

export function permissionsBoundaryPolicy(input: BoundaryPolicyInput): PolicyDocument {
    const env = input.environment;
    const regional = (service: string, resource: string) => arn(input, service, resource);
    const volumes = regional("ec2", "volume/*");
    const ownSnapshot = { [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env, [`ec2:ResourceTag/${FLEET_TAG_KEY}`]: input.fleet };
    const statements: Statement[] = [
        // Actions without resource-level permissions: the agent's, and read-only ones.
        { Sid: "SsmAgent", Effect: "Allow", Action: [...SSM_AGENT_ACTIONS], Resource: "*" },
        {
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeSnapshots",
                "ec2:DescribeVolumes",
                "ssm:GetCommandInvocation",
                "ssm:ListCommandInvocations",
                "ssm:ListCommands",
                "ssm:GetMaintenanceWindowExecution",
                "ssm:DescribeMaintenanceWindowExecutionTasks",
                "ssm:DescribeMaintenanceWindowExecutionTaskInvocations",
            ],
            Resource: "*",
        },
        {
            Sid: "MetricsInTheFleetsNamespace",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE } },
        },
        // Instances: snapshot themselves (the instance policy pins "themselves").
        { Sid: "InstanceAttributes", Effect: "Allow", Action: "ec2:DescribeInstanceAttribute", Resource: instanceArns(input) },
        {
            Sid: "CreateSnapshotsOfInstancesInTheRegion",
            Effect: "Allow",
            Action: "ec2:CreateSnapshots",
            Resource: [instanceArns(input), volumes],
        },
        {
            Sid: "CreateOnlyTheEnvironmentsSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateSnapshots",
            Resource: snapshotArns(input),
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        { Sid: "TagSnapshotsAndVolumesInTheRegion", Effect: "Allow", Action: "ec2:CreateTags", Resource: [snapshotArns(input), volumes] },
        // The lifecycle function: deletes only what carries this environment's and fleet's tags.
        {
            Sid: "DeleteOnlyTheEnvironmentsSnapshots",
            Effect: "Allow",
            Action: "ec2:DeleteSnapshot",
            Resource: snapshotArns(input),
            Condition: { StringEquals: ownSnapshot },
        },
        {
            Sid: "RestoreOnlyTheEnvironmentsSnapshots",
            Effect: "Allow",
            Action: "ec2:CreateVolume",
            Resource: snapshotArns(input),
            Condition: { StringEquals: ownSnapshot },
        },
        {
            Sid: "CreateOnlyDrillVolumes",
            Effect: "Allow",
            Action: "ec2:CreateVolume",
            Resource: volumes,
            Condition: { StringEquals: { [`aws:RequestTag/${DRILL_TAG_KEY}`]: env } },
        },
        {
            Sid: "DeleteOnlyDrillVolumes",
            Effect: "Allow",
            Action: "ec2:DeleteVolume",
            Resource: volumes,
            Condition: { StringEquals: { [`ec2:ResourceTag/${DRILL_TAG_KEY}`]: env } },
        },
        // The window task: send commands, invoke the environment's function, hand its own notification role to SSM.
        {
            // Only the environment's own document: not AWS-RunPowerShellScript, whatever a role's policy says.
            Sid: "SendOnlyTheEnvironmentsDocument",
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: [regional("ssm", `document/${childName(env, "snapshot-document")}*`), instanceArns(input)],
        },
        {
            Sid: "InvokeTheEnvironmentsFunction",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: regional("lambda", `function:${lifecycleFunctionPrefix(env)}*`),
        },
        {
            Sid: "PassOnlyTheEnvironmentsRolesToSsm",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:${input.partition}:iam::${input.accountId}:role${iamPath(env)}*`,
            Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        },
        // Alerts and logs, in the environment's account and region only.
        // Any region: a notification topic need only be in the environment's account.
        {
            Sid: "PublishInTheAccount",
            Effect: "Allow",
            Action: "sns:Publish",
            Resource: `arn:${input.partition}:sns:*:${input.accountId}:*`,
        },
        {
            // An encrypted topic's key policy grants its use to the account's principals; a boundary
            // still has to admit it, and only through SNS.
            Sid: "EncryptForSnsOnly",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: `arn:${input.partition}:kms:*:${input.accountId}:key/*`,
            Condition: { StringLike: { "kms:ViaService": "sns.*.amazonaws.com" } },
        },
        {
            Sid: "LogsInTheAccount",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            Resource: regional("logs", "log-group:*"),
        },
        {
            // Command output: only buckets this account owns, whatever their name.
            Sid: "CommandOutputToTheAccountsBuckets",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetEncryptionConfiguration"],
            Resource: `arn:${input.partition}:s3:::*`,
            Condition: { StringEquals: { "s3:ResourceAccount": input.accountId } },
        },
        // Copies, locks and archive: exactly the lifecycle role's own statements (already scoped by tag,
        // duration, account and role), so the boundary admits no more than the spec asks for.
        ...(input.protection ? protectionStatements({ ...input, protection: input.protection }) : []),
    ];
    return policyDocument(statements);
}
