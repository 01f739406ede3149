/**
 * The administrator's trace of the deploy role silencing its environment: an EventBridge rule on the
 * CloudTrail management events that disable or rewrite the environment's alarms, or disable, empty or
 * retarget its window. It is the administrator's, not the stack's: the deploy role creates and deletes
 * every rule named `<env>-lc-*`, deploys the lifecycle function's code and may rewrite its topic's policy,
 * so a rule, a relay or a topic of its own would go quiet with what it watches. The rule's name lies
 * outside the deploy role's grants, and its target is a topic the administrator owns.
 */
import { lifecycleAlarmPrefix } from "../../core/lifecycle/functionConfig";

export const ALARM_TAMPER_EVENTS = ["DisableAlarmActions", "DeleteAlarms", "PutMetricAlarm"] as const;
export const WINDOW_TAMPER_EVENTS = [
    "UpdateMaintenanceWindow",
    "DeleteMaintenanceWindow",
    "DeregisterTaskFromMaintenanceWindow",
    "DeregisterTargetFromMaintenanceWindow",
    // A task without a service role, or new targets, runs the document where no target tag says so.
    "RegisterTaskWithMaintenanceWindow",
    "UpdateMaintenanceWindowTask",
    "RegisterTargetWithMaintenanceWindow",
] as const;

/** Outside `<env>-lc-*`, the only rule names the deploy role may put, delete or retarget. */
export function tamperWatchRuleName(environment: string): string {
    return `vss-fleet-watch-${environment}`;
}

export interface TamperWatch {
    readonly ruleName: string;
    readonly eventPattern: Record<string, unknown>;
    /** AWS CLI calls; `<administrator-topic-arn>` is a topic the deploy role cannot rewrite. */
    readonly apply: string[];
}

/**
 * @param deployRoleArn when known, the window events are the deploy role's only (its deploys then leave a
 * trace too, which is the point); without it, every window change in the account and region.
 */
export function tamperWatch(environment: string, region: string, deployRoleArn?: string): TamperWatch {
    const ruleName = tamperWatchRuleName(environment);
    const alarmPrefix = lifecycleAlarmPrefix(environment);
    const eventPattern = {
        "detail-type": ["AWS API Call via CloudTrail"],
        $or: [
            {
                source: ["aws.monitoring"],
                detail: {
                    eventName: [...ALARM_TAMPER_EVENTS],
                    $or: [
                        { requestParameters: { alarmNames: [{ prefix: alarmPrefix }] } },
                        { requestParameters: { alarmName: [{ prefix: alarmPrefix }] } },
                    ],
                },
            },
            {
                source: ["aws.ssm"],
                detail: {
                    eventName: [...WINDOW_TAMPER_EVENTS],
                    ...(deployRoleArn ? { userIdentity: { sessionContext: { sessionIssuer: { arn: [deployRoleArn] } } } } : {}),
                },
            },
        ],
    };
    return {
        ruleName,
        eventPattern,
        apply: [
            `aws events put-rule --region ${region} --name ${ruleName} --event-pattern file://${ruleName}.json --description 'vss-fleet ${environment}: alarms or window changed'`,
            `aws events put-targets --region ${region} --rule ${ruleName} --targets Id=administrator,Arn=<administrator-topic-arn>`,
        ],
    };
}
