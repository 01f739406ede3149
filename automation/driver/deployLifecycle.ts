/**
 * The deploy role's grants for an environment's lifecycle (components/snapshotLifecycle.ts and
 * components/lifecycle/): the function, its role's log group, the alert topic and subscriptions,
 * the alarms and the EventBridge rules, each by name, and what each may reach. deployRolePolicy.ts
 * puts them beside the rest of the deploy policy when the environment has the lifecycle.
 */
import type { ArnScope, Statement } from "../../components/iam";
import { arn } from "../../components/iam/policyDocument";
import { lifecycleLogGroupName } from "../../components/iam/lifecyclePolicy";
import { alertSubscriptions, existingAlertTopic, type Subscription } from "../../components/lifecycle/subscriptions";
import { lifecycleFunctionPrefix, lifecycleRuleName } from "../../components/naming";
import { lifecycleAlarmPrefix } from "../../core/lifecycle/functionConfig";
export function logGroupStatement(scope: ArnScope, sid: string, name: string): Statement {
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

/** The lifecycle's resources, then how far each of them may reach. */
export function deployLifecycleStatements(scope: ArnScope, env: string, subscriptions: readonly Subscription[]): Statement[] {
    return [...lifecycleStatements(scope, env, existingAlertTopic(subscriptions)), ...lifecycleReachStatements(scope, env, subscriptions)];
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
