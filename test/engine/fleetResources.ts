/**
 * What a fleet deployment leaves in the emulated account, per service: the "every resource is there"
 * and "nothing is left" checks of the engine tier's AWS-API tests read it with the SDK, never from
 * Pulumi's state.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient, ListRulesCommand as ListEventRulesCommand } from "@aws-sdk/client-eventbridge";
import { IAMClient, ListInstanceProfilesCommand, ListPoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListRulesCommand as ListRecycleBinRulesCommand, RbinClient } from "@aws-sdk/client-rbin";
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { DescribeMaintenanceWindowsCommand, ListDocumentsCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { EmulatedAccount } from "./emulatedAccount";

export interface Clients {
    ssm: SSMClient;
    lambda: LambdaClient;
    ec2: EC2Client;
    iam: IAMClient;
    events: EventBridgeClient;
    cloudWatch: CloudWatchClient;
    logs: CloudWatchLogsClient;
    sns: SNSClient;
    rbin: RbinClient;
}

/** A client per service the stack uses, acting in the emulated account. */
export function clientsOf(config: EmulatedAccount["config"]): Clients {
    return {
        ssm: new SSMClient(config),
        lambda: new LambdaClient(config),
        ec2: new EC2Client(config),
        iam: new IAMClient(config),
        events: new EventBridgeClient(config),
        cloudWatch: new CloudWatchClient(config),
        logs: new CloudWatchLogsClient(config),
        sns: new SNSClient(config),
        rbin: new RbinClient(config),
    };
}

/** Every fleet resource the emulator holds, per service (names and ids), for the "nothing left" check. */
export async function fleetResources(c: Clients, instanceId: string): Promise<Record<string, string[]>> {
    const roles = (await c.iam.send(new ListRolesCommand({ PathPrefix: "/vss-fleet/" }))).Roles ?? [];
    const policies = (await c.iam.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: "/vss-fleet/" }))).Policies ?? [];
    const profiles = (await c.iam.send(new ListInstanceProfilesCommand({ PathPrefix: "/vss-fleet/" }))).InstanceProfiles ?? [];
    const documents =
        (await c.ssm.send(new ListDocumentsCommand({ Filters: [{ Key: "Owner", Values: ["Self"] }] }))).DocumentIdentifiers ?? [];
    const windows = (await c.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
    const functions = (await c.lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    const rules = (await c.events.send(new ListEventRulesCommand({}))).Rules ?? [];
    const alarms = (await c.cloudWatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
    const logGroups = (await c.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    const topics = (await c.sns.send(new ListTopicsCommand({}))).Topics ?? [];
    const subscriptions = (await c.sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? [];
    const binRules = (await c.rbin.send(new ListRecycleBinRulesCommand({ ResourceType: "EBS_SNAPSHOT" }))).Rules ?? [];
    const tags = (await c.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [instanceId] }] }))).Tags ?? [];
    return {
        "iam roles": roles.map((r) => r.RoleName ?? ""),
        "iam policies": policies.map((p) => p.PolicyName ?? ""),
        "iam instance profiles": profiles.map((p) => p.InstanceProfileName ?? ""),
        "ssm documents": documents.map((d) => d.Name ?? ""),
        "ssm maintenance windows": windows.map((w) => w.WindowId ?? ""),
        "lambda functions": functions.map((f) => f.FunctionName ?? ""),
        "eventbridge rules": rules.map((r) => r.Name ?? ""),
        "cloudwatch alarms": alarms.map((a) => a.AlarmName ?? ""),
        "cloudwatch log groups": logGroups.map((g) => g.logGroupName ?? ""),
        "sns topics": topics.map((t) => t.TopicArn ?? ""),
        "sns subscriptions": subscriptions.map((s) => s.SubscriptionArn ?? ""),
        "recycle bin rules": binRules.map((r) => r.Identifier ?? ""),
        "ec2 tags on the enrolled instance": tags.filter((t) => t.Key !== "Name").map((t) => `${t.Key}=${t.Value}`),
    };
}
