/**
 * What the maintenance window may do with its task role: send OUR document, only to instances that
 * carry the environment's target tags, follow up on those commands, and pass the SNS role.
 * Never AmazonSSMFullAccess, never a bare "*" on a write action.
 */
import { arn, instanceArns, policyDocument, type ArnScope, type PolicyDocument, type Statement } from "./policyDocument";

export interface TaskPolicyInput extends ArnScope {
    readonly documentName: string;
    readonly targetTags: Readonly<Record<string, string>>;
    /** The role SSM uses to publish Run Command notifications, when notifications are configured. */
    readonly notificationRoleArn?: string;
}

export function documentArn(scope: ArnScope, documentName: string): string {
    return arn(scope, "ssm", `document/${documentName}`);
}

export function taskRolePolicy(input: TaskPolicyInput): PolicyDocument {
    const tagConditions = Object.fromEntries(Object.entries(input.targetTags).map(([key, value]) => [`ssm:resourceTag/${key}`, value]));
    const statements: Statement[] = [
        {
            Sid: "SendOnlyTheSnapshotDocument",
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: documentArn(input, input.documentName),
        },
        {
            Sid: "SendOnlyToTargetedInstances",
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: instanceArns(input),
            Condition: { StringEquals: tagConditions },
        },
        {
            // Status tracking; read-only, and these actions take no resource-level permissions. Not
            // ssm:CancelCommand: it takes none either, so it would cancel ANY command in the account,
            // and the window never cancels (its cutoff behaviour is CONTINUE_TASK).
            Sid: "FollowUpOnCommands",
            Effect: "Allow",
            Action: ["ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:ListCommands"],
            Resource: "*",
        },
    ];
    if (input.notificationRoleArn) {
        statements.push({
            Sid: "PassOnlyTheNotificationRoleToSsm",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: input.notificationRoleArn,
            Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        });
    }
    return policyDocument(statements);
}

/** Lets SSM publish Run Command status changes to the environment's topic, and nothing else. */
export function notificationPublishPolicy(snsTopicArn: string): PolicyDocument {
    return policyDocument([{ Sid: "PublishCommandStatus", Effect: "Allow", Action: "sns:Publish", Resource: snsTopicArn }]);
}
