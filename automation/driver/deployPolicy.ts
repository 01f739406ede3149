/**
 * The least-privilege policy for the role that deploys an environment (the pipeline's role, or the
 * environment's deployRoleArn): exactly what `pulumi up` and `destroy` of a vss-fleet stack need, for
 * this environment's resources only. Resources are found by the names Pulumi gives them (the logical
 * name, `<env>-<part>`, plus a random suffix) and by the vss-fleet:environment tag where AWS assigns
 * the name (maintenance windows).
 */
import { policyDocument, type ArnScope, type PolicyDocument, type Statement } from "../../components/iam";
import { arn, managedPolicyArn } from "../../components/iam/policyDocument";
import { lifecycleLogGroupName } from "../../components/iam/lifecyclePolicy";
import { lifecycleRuleName } from "../../components/naming";
import { ENVIRONMENT_TAG_KEY, lifecycleEnabled, partitionOf, type EnvironmentSpec } from "../../core/environment";

export function deployPolicy(spec: EnvironmentSpec): PolicyDocument {
    const scope: ArnScope = { partition: partitionOf(spec.region), region: spec.region, accountId: spec.accountId };
    const iam = (resource: string) => `arn:${scope.partition}:iam::${scope.accountId}:${resource}`;
    const ssm = (resource: string) => `arn:${scope.partition}:ssm:${scope.region}:${scope.accountId}:${resource}`;
    const env = spec.name;
    const ownTag = { [`ssm:resourceTag/${ENVIRONMENT_TAG_KEY}`]: env };
    const statements: Statement[] = [
        {
            Sid: "ManageTheEnvironmentsRoles",
            Effect: "Allow",
            Action: [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:PutRolePolicy",
                "iam:GetRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
            ],
            Resource: iam(`role/${env}-*`),
        },
        {
            Sid: "AttachOnlySsmCoreAndTheEnvironmentsPolicies",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: iam(`role/${env}-*`),
            Condition: {
                ArnLike: { "iam:PolicyARN": [managedPolicyArn(scope.partition, "AmazonSSMManagedInstanceCore"), iam(`policy/${env}-*`)] },
            },
        },
        {
            Sid: "ManageTheEnvironmentsPolicies",
            Effect: "Allow",
            Action: [
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            Resource: iam(`policy/${env}-*`),
        },
        {
            Sid: "ManageTheEnvironmentsInstanceProfile",
            Effect: "Allow",
            Action: [
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:GetInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:UntagInstanceProfile",
            ],
            Resource: iam(`instance-profile/${env}-*`),
        },
        {
            // The window task runs as the task role, and hands the notification role to SNS.
            Sid: "PassOnlyTheTaskRolesToSsm",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [iam(`role/${env}-task-role-*`), iam(`role/${env}-task-notify-*`)],
            Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        },
        {
            // AddRoleToInstanceProfile requires PassRole on the role it adds (IAM API reference). Only
            // this environment's instance role, whose own rights are to snapshot the instance itself.
            Sid: "PassTheInstanceRoleIntoItsProfile",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: iam(`role/${env}-instance-role-*`),
        },
        {
            Sid: "ManageTheEnvironmentsDocument",
            Effect: "Allow",
            Action: [
                "ssm:CreateDocument",
                "ssm:UpdateDocument",
                "ssm:DeleteDocument",
                "ssm:DescribeDocument",
                "ssm:GetDocument",
                "ssm:DescribeDocumentPermission",
                "ssm:UpdateDocumentDefaultVersion",
                "ssm:AddTagsToResource",
                "ssm:RemoveTagsFromResource",
                "ssm:ListTagsForResource",
            ],
            Resource: ssm(`document/${env}-*`),
        },
        {
            // CreateMaintenanceWindow takes no resource type (only "*"); the request tag is what ties
            // a new window to the environment, and every later call needs that tag on the window.
            Sid: "CreateWindowsTaggedForTheEnvironment",
            Effect: "Allow",
            Action: "ssm:CreateMaintenanceWindow",
            Resource: "*",
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "TagWindowsForTheEnvironment",
            Effect: "Allow",
            Action: "ssm:AddTagsToResource",
            Resource: ssm("maintenancewindow/*"),
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "ManageTheEnvironmentsWindow",
            Effect: "Allow",
            Action: [
                "ssm:GetMaintenanceWindow",
                "ssm:UpdateMaintenanceWindow",
                "ssm:DeleteMaintenanceWindow",
                "ssm:RegisterTargetWithMaintenanceWindow",
                "ssm:UpdateMaintenanceWindowTarget",
                "ssm:DeregisterTargetFromMaintenanceWindow",
                "ssm:RegisterTaskWithMaintenanceWindow",
                "ssm:UpdateMaintenanceWindowTask",
                "ssm:GetMaintenanceWindowTask",
                "ssm:DeregisterTaskFromMaintenanceWindow",
                "ssm:DescribeMaintenanceWindowTargets",
                "ssm:DescribeMaintenanceWindowTasks",
                "ssm:ListTagsForResource",
                "ssm:RemoveTagsFromResource",
            ],
            Resource: ssm("maintenancewindow/*"),
            Condition: { StringEquals: ownTag },
        },
        {
            // Enrollment writes and removes only the environment's target tag keys on instances.
            Sid: "WriteOnlyTheTargetTagsOnInstances",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:instance/*`,
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": Object.keys(spec.targetTags) } },
        },
        {
            // Reads that take no resource-level permissions: the provider's refresh, the inventory,
            // the policy pack's AMI lookup and the driver's account guard.
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:DescribeInstances",
                "ec2:DescribeImages",
                "ec2:DescribeTags",
                "ssm:DescribeMaintenanceWindows",
                "sts:GetCallerIdentity",
                ...(lifecycleEnabled(spec) ? ["logs:DescribeLogGroups"] : []),
            ],
            Resource: "*",
        },
        ...(lifecycleEnabled(spec) ? lifecycleStatements(scope, env) : []),
    ];
    return policyDocument(statements);
}

/** The SnapshotLifecycle's resources: its function, role, alert topic, rules and log group, by name. */
function lifecycleStatements(scope: ArnScope, env: string): Statement[] {
    const logGroup = arn(scope, "logs", `log-group:${lifecycleLogGroupName(env)}`);
    return [
        {
            Sid: "PassOnlyTheLifecycleRoleToLambda",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:${scope.partition}:iam::${scope.accountId}:role/${env}-lifecycle-role-*`,
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
        },
        {
            Sid: "ManageTheLifecycleFunction",
            Effect: "Allow",
            Action: [
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
                "lambda:GetFunctionConfiguration",
                "lambda:GetFunctionCodeSigningConfig",
                // Reads the AWS provider may make on refresh (harmless, and only on this function).
                "lambda:GetFunctionConcurrency",
                "lambda:GetRuntimeManagementConfig",
                "lambda:GetFunctionRecursionConfig",
                "lambda:ListVersionsByFunction",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:AddPermission",
                "lambda:RemovePermission",
                "lambda:GetPolicy",
                "lambda:TagResource",
                "lambda:UntagResource",
                "lambda:ListTags",
            ],
            Resource: arn(scope, "lambda", `function:${env}-lifecycle-fn-*`),
        },
        {
            Sid: "ManageTheLifecycleRules",
            Effect: "Allow",
            Action: [
                "events:PutRule",
                "events:DeleteRule",
                "events:DescribeRule",
                "events:PutTargets",
                "events:RemoveTargets",
                "events:ListTargetsByRule",
                "events:TagResource",
                "events:UntagResource",
                "events:ListTagsForResource",
            ],
            Resource: arn(scope, "events", `rule/${lifecycleRuleName(env, "*")}`),
        },
        {
            Sid: "ManageTheAlertTopic",
            Effect: "Allow",
            Action: [
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:TagResource",
                "sns:UntagResource",
                "sns:ListTagsForResource",
            ],
            Resource: arn(scope, "sns", `${env}-lifecycle-alerts-*`),
        },
        {
            Sid: "ManageTheLifecycleLogGroup",
            Effect: "Allow",
            Action: [
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy",
                "logs:DeleteRetentionPolicy",
                "logs:TagResource",
                "logs:UntagResource",
                "logs:ListTagsForResource",
            ],
            Resource: [logGroup, `${logGroup}:*`],
        },
    ];
}
