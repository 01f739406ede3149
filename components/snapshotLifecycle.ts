import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HANDLER, HANDLER_FILE, lifecycleFunctionBundle, RUNTIME } from "./lifecycle/functionBundle";
import { functionEnvironment } from "../core/lifecycle/functionConfig";
import { functionConfigOf, type LifecycleSettings } from "../core/lifecycle/lifecycleSettings";
import { alertTopicPolicy, invokeLifecyclePolicy, lambdaTrustPolicy, lifecycleLogGroupName, lifecyclePolicy, type ArnScope } from "./iam";
import { drillPayload, FAILURE_KINDS, failureEventPatterns, verifyRunPayload } from "./lifecycle/eventPatterns";
import { childName, lifecycleRuleName, rolePlacement } from "./naming";

export interface SnapshotLifecycleArgs {
    readonly scope: ArnScope;
    /** The lifecycle's projection of the EnvironmentSpec (lifecycleSettingsOf in core/lifecycle). */
    readonly settings: LifecycleSettings;
    /** The backup window: the function runs as its second task, after the snapshot task. */
    readonly windowId: pulumi.Input<string>;
    /** The snapshot task's priority; the function's task gets the next number, so it runs after it. */
    readonly snapshotTaskPriority: number;
    /** The role the window assumes; it is granted lambda:InvokeFunction on this function only. */
    readonly taskRoleName: pulumi.Input<string>;
    readonly taskRoleArn: pulumi.Input<string>;
    /** The snapshot document, whose failed invocations the EventBridge rule reports. */
    readonly documentName: pulumi.Input<string>;
    /** Days to keep the function's logs. */
    readonly logRetentionDays?: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * After every backup run: verify it, publish metrics, apply retention and alert on failures; on its
 * own schedule: restore drills. Plus EventBridge rules for the failures AWS reports by itself. All
 * alerts go to one SNS topic per environment (subscribe to `alertTopicArn`).
 */
export class SnapshotLifecycle extends pulumi.ComponentResource {
    public readonly alertTopic: aws.sns.Topic;
    public readonly function: aws.lambda.Function;
    public readonly role: aws.iam.Role;
    public readonly verifyTask: aws.ssm.MaintenanceWindowTask;
    public readonly drillRule?: aws.cloudwatch.EventRule;

    constructor(name: string, args: SnapshotLifecycleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:lifecycle:SnapshotLifecycle", name, {}, opts);
        const child = { parent: this };
        const tags = args.tags;

        this.alertTopic = new aws.sns.Topic(
            childName(name, "alerts"),
            { displayName: `vss-fleet ${args.settings.environment}`, tags },
            child,
        );
        const failureRules = FAILURE_KINDS.map((kind) => {
            const rule = new aws.cloudwatch.EventRule(
                lifecycleRuleName(args.settings.environment, kind),
                {
                    description: `vss-fleet ${args.settings.environment}: ${kind} failures to the alert topic.`,
                    eventPattern: pulumi
                        .all([args.windowId, args.documentName])
                        .apply(([windowId, documentName]) => JSON.stringify(failureEventPatterns({ windowId, documentName })[kind])),
                    tags,
                },
                child,
            );
            new aws.cloudwatch.EventTarget(
                childName(name, `${kind}-failed-alert`),
                { rule: rule.name, targetId: "alert-topic", arn: this.alertTopic.arn },
                child,
            );
            return rule;
        });
        new aws.sns.TopicPolicy(
            childName(name, "alerts-policy"),
            {
                arn: this.alertTopic.arn,
                policy: pulumi
                    .all([this.alertTopic.arn, ...failureRules.map((r) => r.arn)])
                    .apply(([topicArn, ...ruleArns]) => JSON.stringify(alertTopicPolicy(topicArn, args.scope.accountId, ruleArns))),
            },
            child,
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            childName(name, "logs"),
            { name: lifecycleLogGroupName(args.settings.environment), retentionInDays: args.logRetentionDays ?? 90, tags },
            child,
        );
        this.role = new aws.iam.Role(
            childName(name, "role"),
            {
                description: `vss-fleet ${args.settings.environment}: the lifecycle function (verify, retention, drills).`,
                assumeRolePolicy: JSON.stringify(lambdaTrustPolicy(args.scope.accountId)),
                // The environment's IAM path and permissions boundary (components/naming.ts); the
                // deploy role may not rewrite a trust policy in place, so a new trust means a new role.
                ...rolePlacement(args.scope.partition, args.scope.accountId, args.settings.environment),
                tags,
            },
            { ...child, replaceOnChanges: ["assumeRolePolicy"] },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            childName(name, "permissions"),
            {
                role: this.role.id,
                policy: this.alertTopic.arn.apply((alertTopicArn) =>
                    JSON.stringify(
                        lifecyclePolicy({
                            ...args.scope,
                            environment: args.settings.environment,
                            fleet: args.settings.fleet,
                            alertTopicArn,
                            logGroupName: lifecycleLogGroupName(args.settings.environment),
                            retention: args.settings.retention !== undefined,
                            restoreDrill: args.settings.restoreDrill !== undefined,
                            protection: args.settings.protection,
                        }),
                    ),
                ),
            },
            child,
        );
        this.function = new aws.lambda.Function(
            childName(name, "fn"),
            {
                description: `vss-fleet ${args.settings.environment}: verify backup runs, retention, restore drills.`,
                runtime: RUNTIME,
                architectures: ["arm64"],
                handler: HANDLER,
                code: new pulumi.asset.AssetArchive({ [HANDLER_FILE]: new pulumi.asset.StringAsset(lifecycleFunctionBundle()) }),
                role: this.role.arn,
                // Drills wait for volumes; Lambda's maximum, with the handler keeping 2 minutes back for clean-up.
                timeout: 900,
                memorySize: 256,
                environment: {
                    variables: this.alertTopic.arn.apply((alertTopicArn) =>
                        functionEnvironment(functionConfigOf(args.settings, alertTopicArn)),
                    ),
                },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                tags,
            },
            // The role's permissions must exist before the first invocation can succeed.
            { ...child, dependsOn: [rolePolicy] },
        );

        new aws.iam.RolePolicy(
            childName(name, "window-invokes"),
            { role: args.taskRoleName, policy: this.function.arn.apply((fn) => JSON.stringify(invokeLifecyclePolicy(fn))) },
            child,
        );
        this.verifyTask = new aws.ssm.MaintenanceWindowTask(
            childName(name, "verify-task"),
            {
                windowId: args.windowId,
                taskType: "LAMBDA",
                taskArn: this.function.arn,
                serviceRoleArn: args.taskRoleArn,
                // A higher number runs after the snapshot task has finished. A targetless task takes no
                // maxConcurrency or maxErrors: SSM refuses them and inserts a placeholder of 1 itself.
                priority: args.snapshotTaskPriority + 1,
                description: "Verify the run's snapshot sets, apply retention, alert on failures.",
                taskInvocationParameters: { lambdaParameters: { payload: verifyRunPayload() } },
            },
            child,
        );

        if (args.settings.restoreDrill) {
            this.drillRule = new aws.cloudwatch.EventRule(
                lifecycleRuleName(args.settings.environment, "drill"),
                {
                    description: `vss-fleet ${args.settings.environment}: restore drill.`,
                    scheduleExpression: args.settings.restoreDrill.schedule,
                    tags,
                },
                child,
            );
            new aws.lambda.Permission(
                childName(name, "drill-invokes"),
                {
                    statementId: "vss-fleet-drill-schedule",
                    action: "lambda:InvokeFunction",
                    function: this.function.name,
                    principal: "events.amazonaws.com",
                    sourceArn: this.drillRule.arn,
                    sourceAccount: args.scope.accountId,
                },
                child,
            );
            new aws.cloudwatch.EventTarget(
                childName(name, "drill-target"),
                { rule: this.drillRule.name, targetId: "lifecycle-fn", arn: this.function.arn, input: drillPayload() },
                child,
            );
        }

        this.registerOutputs({
            alertTopicArn: this.alertTopic.arn,
            functionName: this.function.name,
            verifyTaskId: this.verifyTask.id,
            drillRuleName: this.drillRule?.name,
        });
    }
}
