import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HANDLER, HANDLER_FILE, lifecycleFunctionBundle, RUNTIME } from "./lifecycle/functionBundle";
import { functionEnvironment } from "../core/lifecycle/functionConfig";
import { functionConfigOf, type LifecycleSettings } from "../core/lifecycle/lifecycleSettings";
import { invokeLifecyclePolicy, lambdaTrustPolicy, lifecycleLogGroupName, lifecyclePolicy, type ArnScope } from "./iam";
import { alarmStatePattern, lifecycleAlarmSpecs } from "./lifecycle/alarms";
import { drillPayload, FAILURE_KINDS, failureEventPatterns, verifyRunPayload } from "./lifecycle/eventPatterns";
import { LifecycleAlarms } from "./lifecycle/lifecycleAlarms";
import { alertSubscriptions, existingAlertTopic, type Subscription } from "./lifecycle/subscriptions";
import { childName, lifecycleRuleName, rolePlacement } from "./naming";

/** Reserved concurrency by default: a verify run, a drill and a relayed event at once, no more. */
export const DEFAULT_RESERVED_CONCURRENCY = 2;
export const AWS_MANAGED_SNS_KEY = "alias/aws/sns";

/** The alert topic's key: the customer managed key given, else AWS's managed key for SNS (never unencrypted). */
export function alertTopicKey(kmsKeyArn: string | undefined): string {
    return kmsKeyArn ?? AWS_MANAGED_SNS_KEY;
}

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
    /** Days to keep the function's logs. Default 90. */
    readonly logRetentionDays?: number;
    /** The alert topic's KMS key: a customer managed key ARN. Default the AWS managed key alias/aws/sns. */
    readonly alertTopicKmsKeyArn?: string;
    /** Concurrent executions reserved for the function, which also cap it. Default 2. */
    readonly reservedConcurrency?: number;
    /**
     * Hours without a verified run before the dead-man's switch alarms (deadManHours in core/environment).
     * Omitted: no dead-man's switch (the schedule runs too rarely for a CloudWatch alarm to wait).
     */
    readonly deadManHours?: number;
    /** Who hears the alerts (notifications.subscriptions): emails and HTTPS endpoints, or an existing topic used instead of a new one. */
    readonly subscriptions?: readonly Subscription[];
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * After every backup run: verify it, publish metrics, apply retention and alert on failures; on its
 * own schedule: restore drills. Plus EventBridge rules for the failures AWS reports by itself, and
 * CloudWatch alarms for what the function cannot report (a run that never happened, its own errors).
 * All alerts go to one SNS topic per environment (`alertTopicArn`: created, or the existing topic the
 * subscriptions name), which the subscriptions' endpoints hear.
 */
export class SnapshotLifecycle extends pulumi.ComponentResource {
    /** The topic the stack created; undefined when the subscriptions name an existing topic. */
    public readonly alertTopic?: aws.sns.Topic;
    /** Where every alert goes: the created topic or the existing one. */
    public readonly alertTopicArn: pulumi.Output<string>;
    public readonly alarms: LifecycleAlarms;
    public readonly function: aws.lambda.Function;
    public readonly role: aws.iam.Role;
    public readonly verifyTask: aws.ssm.MaintenanceWindowTask;
    public readonly drillRule?: aws.cloudwatch.EventRule;

    constructor(name: string, args: SnapshotLifecycleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:lifecycle:SnapshotLifecycle", name, {}, opts);
        const child = { parent: this };
        const tags = args.tags;

        const existingTopicArn = existingAlertTopic(args.subscriptions ?? []);
        if (existingTopicArn === undefined) {
            this.alertTopic = new aws.sns.Topic(
                childName(name, "alerts"),
                { displayName: `vss-fleet ${args.settings.environment}`, kmsMasterKeyId: alertTopicKey(args.alertTopicKmsKeyArn), tags },
                child,
            );
            this.alertTopicArn = this.alertTopic.arn;
        } else {
            this.alertTopicArn = pulumi.output(existingTopicArn);
        }
        for (const subscription of alertSubscriptions(args.subscriptions ?? [])) {
            new aws.sns.TopicSubscription(
                childName(name, `subscription-${subscription.key}`),
                { topic: this.alertTopicArn, protocol: subscription.protocol, endpoint: subscription.endpoint },
                child,
            );
        }

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
                policy: this.alertTopicArn.apply((alertTopicArn) =>
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
                            // A customer managed key: the role may use it to publish (AWS's managed key needs no grant).
                            alertTopicKmsKeyArn: args.alertTopicKmsKeyArn,
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
                    variables: pulumi
                        .all([this.alertTopicArn, args.windowId])
                        .apply(([alertTopicArn, windowId]) =>
                            functionEnvironment(functionConfigOf(args.settings, alertTopicArn, windowId)),
                        ),
                },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                // Reserved: a burst of events elsewhere cannot starve it, and a loop in it cannot run up the bill.
                reservedConcurrentExecutions: args.reservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY,
                tags,
            },
            // The role's permissions must exist before the first invocation can succeed.
            { ...child, dependsOn: [rolePolicy] },
        );
        // Asynchronous invocations (drills, relayed AWS events) that fail for good land on the alert
        // topic, published with the function's role: a broken function still reaches a person.
        new aws.lambda.FunctionEventInvokeConfig(
            childName(name, "on-failure"),
            {
                functionName: this.function.name,
                maximumRetryAttempts: 1,
                maximumEventAgeInSeconds: 3600,
                destinationConfig: { onFailure: { destination: this.alertTopicArn } },
            },
            child,
        );
        // AWS-reported failures go through the function (functions/lifecycle/relay.ts says why).
        for (const kind of FAILURE_KINDS) {
            const rule = new aws.cloudwatch.EventRule(
                lifecycleRuleName(args.settings.environment, kind),
                {
                    description: `vss-fleet ${args.settings.environment}: ${kind} failures, through the lifecycle function, to the alert topic.`,
                    eventPattern: pulumi
                        .all([args.windowId, args.documentName])
                        .apply(([windowId, documentName]) => JSON.stringify(failureEventPatterns({ windowId, documentName })[kind])),
                    tags,
                },
                child,
            );
            this.invokedBy(name, kind, rule, args);
            new aws.cloudwatch.EventTarget(
                childName(name, `${kind}-failed-alert`),
                { rule: rule.name, targetId: "lifecycle-fn", arn: this.function.arn },
                child,
            );
        }

        this.alarms = new LifecycleAlarms(
            childName(name, "alarm"),
            {
                specs: lifecycleAlarmSpecs({
                    environment: args.settings.environment,
                    functionName: this.function.name,
                    deadManHours: args.deadManHours,
                    retention: args.settings.retention !== undefined,
                    restoreDrill: args.settings.restoreDrill !== undefined,
                }),
                tags,
            },
            child,
        );
        // Alarms reach people through the function, like AWS's own failure events (alarms.ts says why).
        const alarmRule = new aws.cloudwatch.EventRule(
            lifecycleRuleName(args.settings.environment, "alarms"),
            {
                description: `vss-fleet ${args.settings.environment}: the lifecycle's alarms, through the lifecycle function, to the alert topic.`,
                eventPattern: pulumi.all(this.alarms.alarms.map((a) => a.arn)).apply((arns) => JSON.stringify(alarmStatePattern(arns))),
                tags,
            },
            child,
        );
        this.invokedBy(name, "alarms", alarmRule, args);
        new aws.cloudwatch.EventTarget(
            childName(name, "alarms-alert"),
            { rule: alarmRule.name, targetId: "lifecycle-fn", arn: this.function.arn },
            child,
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
            this.invokedBy(name, "drill", this.drillRule, args);
            new aws.cloudwatch.EventTarget(
                childName(name, "drill-target"),
                { rule: this.drillRule.name, targetId: "lifecycle-fn", arn: this.function.arn, input: drillPayload() },
                child,
            );
        }

        this.registerOutputs({
            alertTopicArn: this.alertTopicArn,
            alarmNames: this.alarms.alarms.map((a) => a.name),
            functionName: this.function.name,
            verifyTaskId: this.verifyTask.id,
            drillRuleName: this.drillRule?.name,
        });
    }

    /** Only this one EventBridge rule of this account may invoke the function, per rule. */
    private invokedBy(name: string, kind: string, rule: aws.cloudwatch.EventRule, args: SnapshotLifecycleArgs): void {
        new aws.lambda.Permission(
            childName(name, `${kind}-invokes`),
            {
                // The drill's statement id predates the failure rules; kept so an update does not replace it.
                statementId: kind === "drill" ? "vss-fleet-drill-schedule" : `vss-fleet-${kind}-rule`,
                action: "lambda:InvokeFunction",
                function: this.function.name,
                principal: "events.amazonaws.com",
                sourceArn: rule.arn,
                sourceAccount: args.scope.accountId,
            },
            { parent: this },
        );
    }
}
