/**
 * The least-privilege policy for the role that deploys an environment (the pipeline's role, or the
 * environment's deployRoleArn): exactly what `pulumi up` and `destroy` of a vss-fleet stack need, for
 * this environment's resources only. IAM resources are found by the environment's IAM path
 * (deployIam.ts); the others by the names Pulumi gives them (`<env>-<part>` plus a random suffix), and
 * by the vss-fleet:environment tag where AWS assigns the id (maintenance windows, Recycle Bin rules).
 */
import { policyDocument, type ArnScope, type PolicyDocument, type Statement } from "../../components/iam";
import { arn } from "../../components/iam/policyDocument";
import { lifecycleLogGroupName } from "../../components/iam/lifecyclePolicy";
import { alertSubscriptions, existingAlertTopic, type Subscription } from "../../components/lifecycle/subscriptions";
import { childName, lifecycleFunctionPrefix, lifecycleRuleName } from "../../components/naming";
import { ENVIRONMENT_TAG_KEY, lifecycleEnabled, partitionOf, type EnvironmentSpec } from "../../core/environment";
import { lifecycleAlarmPrefix } from "../../core/lifecycle/functionConfig";
import { deployIamStatements } from "./deployIam";

/**
 * @param instances the existing instances the manifest enrolls (its `instances`): the only ones whose
 * tags the role may write. Without the list, a deploy role could enroll any instance of the account
 * into a window that runs the document it also controls.
 */
export function deployPolicy(spec: EnvironmentSpec, instances: readonly string[]): PolicyDocument {
    const scope: ArnScope = { partition: partitionOf(spec.region), region: spec.region, accountId: spec.accountId };
    const env = spec.name;
    const lifecycle = lifecycleEnabled(spec);
    const statements: Statement[] = [
        ...deployIamStatements(scope, env, lifecycle, spec.existingInstanceRoleNames),
        ...documentStatements(scope, env),
        ...windowStatements(scope, env),
        ...(instances.length > 0 ? enrollmentStatements(scope, spec.targetTags, instances) : []),
        {
            // Reads that take no resource-level permissions: the provider's refresh, the inventory,
            // the policy pack's AMI lookup, the driver's account guard, and the agents SSM knows
            // (discover --live and the driver's preflight; DescribeInstanceInformation is
            // wildcard-only in the service authorization reference), and the account's roles and
            // customer managed policies, from which discover --live judges each server's role
            // (GetAccountAuthorizationDetails: read-only, wildcard-only; it shows policies, no secrets).
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:DescribeInstances",
                "ec2:DescribeImages",
                "ec2:DescribeTags",
                "ssm:DescribeMaintenanceWindows",
                "ssm:DescribeInstanceInformation",
                "iam:GetAccountAuthorizationDetails",
                "sts:GetCallerIdentity",
                ...(lifecycle ? ["logs:DescribeLogGroups"] : []),
            ],
            Resource: "*",
        },
        ...(spec.logging?.cloudWatchLogGroupName
            ? [logGroupStatement(scope, "TheOutputLogGroup", spec.logging.cloudWatchLogGroupName)]
            : []),
        ...recycleBinStatements(scope, env),
        ...(lifecycle ? lifecycleStatements(scope, env, existingAlertTopic(spec.notifications?.subscriptions ?? [])) : []),
        ...(lifecycle ? lifecycleReachStatements(scope, env, spec.notifications?.subscriptions ?? []) : []),
    ];
    return policyDocument(statements);
}

/** The snapshot document, by its name ("<env>-snapshot-document" plus Pulumi's suffix). */
function documentStatements(scope: ArnScope, env: string): Statement[] {
    return [
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
            Resource: arn(scope, "ssm", `document/${childName(env, "snapshot-document")}*`),
        },
    ];
}

/**
 * Maintenance windows get their ids from AWS, so the environment tag is what ties one to the
 * environment: a new window must carry it, every later call needs it already on the window, and the
 * role can neither stamp it onto someone else's window nor take it off its own.
 */
function windowStatements(scope: ArnScope, env: string): Statement[] {
    const windows = arn(scope, "ssm", "maintenancewindow/*");
    const ownWindow = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env } };
    return [
        {
            // CreateMaintenanceWindow takes no resource type (only "*").
            Sid: "CreateWindowsTaggedForTheEnvironment",
            Effect: "Allow",
            Action: "ssm:CreateMaintenanceWindow",
            Resource: "*",
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "RetagOnlyTheEnvironmentsWindows",
            Effect: "Allow",
            Action: "ssm:AddTagsToResource",
            Resource: windows,
            Condition: { ...ownWindow, StringEqualsIfExists: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "UntagOnlyTheEnvironmentsWindowsAndNeverTheEnvironmentTag",
            Effect: "Allow",
            Action: "ssm:RemoveTagsFromResource",
            Resource: windows,
            Condition: {
                ...ownWindow,
                "ForAllValues:StringNotEquals": { "aws:TagKeys": [ENVIRONMENT_TAG_KEY] },
                Null: { "aws:TagKeys": "false" },
            },
        },
        {
            Sid: "ManageTheEnvironmentsWindows",
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
            ],
            Resource: windows,
            Condition: ownWindow,
        },
    ];
}

/**
 * Enrollment writes and removes only the environment's target tags, only on the instances the
 * manifest lists: each key only with
 * its own value, and DeleteTags only naming keys (DeleteTags without keys removes every tag, and
 * ForAllValues over an empty set is true, so "keys given" must be said separately).
 */
function enrollmentStatements(scope: ArnScope, targetTags: Readonly<Record<string, string>>, instanceIds: readonly string[]): Statement[] {
    const instances = instanceIds.map((id) => arn(scope, "ec2", `instance/${id}`));
    const keys = Object.keys(targetTags);
    const values = Object.fromEntries(Object.entries(targetTags).map(([key, value]) => [`aws:RequestTag/${key}`, value]));
    return [
        {
            Sid: "WriteOnlyTheTargetTagsWithTheirValues",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: instances,
            Condition: {
                "ForAllValues:StringEquals": { "aws:TagKeys": keys },
                Null: { "aws:TagKeys": "false" },
                StringEqualsIfExists: values,
            },
        },
        {
            Sid: "RemoveOnlyTheTargetTagsByKey",
            Effect: "Allow",
            Action: "ec2:DeleteTags",
            Resource: instances,
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": keys }, Null: { "aws:TagKeys": "false" } },
        },
    ];
}

function logGroupStatement(scope: ArnScope, sid: string, name: string): Statement {
    const logGroup = arn(scope, "logs", `log-group:${name}`);
    return {
        // Every log group the stacks create has a retention, so the role sets one.
        Sid: `Manage${sid}`,
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
    };
}

/** The SnapshotLifecycle's resources: its function, role, alert topic, alarms, rules and log group, by name. */
function lifecycleStatements(scope: ArnScope, env: string, existingTopicArn: string | undefined): Statement[] {
    const ownTopics = arn(scope, "sns", `${env}-lifecycle-alerts-*`);
    return [
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
                "lambda:RemovePermission",
                "lambda:GetPolicy",
                "lambda:TagResource",
                "lambda:UntagResource",
                "lambda:ListTags",
                // Hygiene: reserved concurrency and the on-failure destination.
                "lambda:PutFunctionConcurrency",
                "lambda:DeleteFunctionConcurrency",
                "lambda:PutFunctionEventInvokeConfig",
                "lambda:UpdateFunctionEventInvokeConfig",
                "lambda:GetFunctionEventInvokeConfig",
                "lambda:DeleteFunctionEventInvokeConfig",
            ],
            Resource: arn(scope, "lambda", `function:${lifecycleFunctionPrefix(env)}*`),
        },
        {
            Sid: "ManageTheLifecycleRules",
            Effect: "Allow",
            Action: [
                "events:PutRule",
                "events:DeleteRule",
                "events:DescribeRule",
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
            Resource: ownTopics,
        },
        {
            // notifications.subscriptions: email and HTTPS endpoints on the environment's topic, or on
            // the existing topic it names (which the role may subscribe to, never change or delete).
            Sid: "ManageTheAlertSubscriptions",
            Effect: "Allow",
            Action: ["sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"],
            Resource: existingTopicArn ? [ownTopics, existingTopicArn] : ownTopics,
        },
        {
            // The LifecycleAlarms component names them "<env>-lifecycle-alarm-<kind>" plus Pulumi's suffix.
            Sid: "ManageTheLifecycleAlarms",
            Effect: "Allow",
            Action: [
                "cloudwatch:DeleteAlarms",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
                "cloudwatch:ListTagsForResource",
            ],
            Resource: arn(scope, "cloudwatch", `alarm:${env}-lifecycle-alarm-*`),
        },
        logGroupStatement(scope, "TheLifecycleLogGroup", lifecycleLogGroupName(env)),
    ];
}

/**
 * The environment's Recycle Bin retention rule, the safety net under every snapshot delete. Rules
 * get ids from AWS, so the environment tag ties one to the environment, as for windows: the role can
 * create a rule only tagged for it, and change or delete only rules that already are; never tag a
 * foreign rule (that would hand it another team's net) nor untag its own. Only EBS snapshot rules.
 */
export function recycleBinStatements(scope: ArnScope, env: string): Statement[] {
    const rules = arn(scope, "rbin", "rule/*");
    const ownRule = { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env, "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" };
    return [
        {
            Sid: "CreateRecycleBinRulesTaggedForTheEnvironment",
            Effect: "Allow",
            Action: "rbin:CreateRule",
            Resource: rules,
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env, "rbin:Request/ResourceType": "EBS_SNAPSHOT" } },
        },
        {
            Sid: "ManageTheEnvironmentsRecycleBinRule",
            Effect: "Allow",
            Action: ["rbin:GetRule", "rbin:UpdateRule", "rbin:DeleteRule", "rbin:ListTagsForResource"],
            Resource: rules,
            Condition: { StringEquals: ownRule },
        },
        {
            Sid: "RetagTheEnvironmentsRecycleBinRule",
            Effect: "Allow",
            Action: "rbin:TagResource",
            Resource: rules,
            Condition: { StringEquals: ownRule, StringEqualsIfExists: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "UntagTheEnvironmentsRecycleBinRuleButNeverItsEnvironmentTag",
            Effect: "Allow",
            Action: "rbin:UntagResource",
            Resource: rules,
            Condition: {
                StringEquals: ownRule,
                "ForAllValues:StringNotEquals": { "aws:TagKeys": [ENVIRONMENT_TAG_KEY] },
                Null: { "aws:TagKeys": "false" },
            },
        },
        {
            // The provider lists rules on import and refresh; ListRules takes no resource.
            Sid: "ListEbsSnapshotRecycleBinRules",
            Effect: "Allow",
            Action: "rbin:ListRules",
            Resource: "*",
            Condition: { StringEquals: { "rbin:Request/ResourceType": "EBS_SNAPSHOT" } },
        },
    ];
}

/**
 * The lifecycle's grants that decide where something is SENT (round-3 attack review,
 * test/security/round3Attacks.test.ts): each of these, unconditioned, let the deploy role reach past
 * its environment. An alarm action can stop or terminate any instance, run an Auto Scaling policy or
 * notify another account; a rule's target can be another account's event bus, which then receives
 * every event the rule matches (CloudTrail API calls included); a function permission for `*` or
 * another account lets anyone invoke the function; a subscription to an existing, shared topic
 * reads other teams' alerts. So: alarms without actions (ours have none: the rule relays them),
 * targets only the environment's function, invoke permissions only for EventBridge, and
 * subscriptions only for the endpoints the manifest lists (a change to them changes this policy).
 */
function lifecycleReachStatements(scope: ArnScope, env: string, subscriptions: readonly Subscription[]): Statement[] {
    const ownTopics = arn(scope, "sns", `${env}-lifecycle-alerts-*`);
    const existingTopicArn = existingAlertTopic(subscriptions);
    const endpoints = alertSubscriptions(subscriptions);
    const fn = arn(scope, "lambda", `function:${lifecycleFunctionPrefix(env)}*`);
    return [
        {
            // ForAllValues holds for an alarm with no action at all (what LifecycleAlarms creates); at
            // most an alarm may notify the environment's own topic.
            Sid: "LifecycleAlarmsWithoutForeignActions",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricAlarm",
            Resource: arn(scope, "cloudwatch", `alarm:${lifecycleAlarmPrefix(env)}*`),
            Condition: { "ForAllValues:ArnLike": { "cloudwatch:AlarmActions": [ownTopics] } },
        },
        {
            Sid: "RuleTargetsOnlyTheLifecycleFunction",
            Effect: "Allow",
            Action: "events:PutTargets",
            Resource: arn(scope, "events", `rule/${lifecycleRuleName(env, "*")}`),
            Condition: { "ForAllValues:ArnLike": { "events:TargetArn": [fn] }, Null: { "events:TargetArn": "false" } },
        },
        {
            Sid: "FunctionInvokedOnlyByEventBridge",
            Effect: "Allow",
            Action: "lambda:AddPermission",
            Resource: fn,
            Condition: { StringEquals: { "lambda:Principal": "events.amazonaws.com" } },
        },
        ...(endpoints.length > 0
            ? [
                  {
                      Sid: "SubscribeOnlyTheManifestsEndpoints",
                      Effect: "Allow" as const,
                      Action: "sns:Subscribe",
                      Resource: existingTopicArn ? [ownTopics, existingTopicArn] : ownTopics,
                      Condition: {
                          StringEquals: {
                              "sns:Protocol": [...new Set(endpoints.map((e) => e.protocol))].sort(),
                              "sns:Endpoint": endpoints.map((e) => e.endpoint).sort(),
                          },
                      },
                  },
              ]
            : []),
    ];
}
