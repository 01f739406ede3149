/** The resource types the AWS-API provider implements, by @pulumi/aws type token: every one the stack uses. */
import { eventRule, eventTarget, logGroup, metricAlarm } from "./events";
import { instanceProfile, policy, role, rolePolicy, rolePolicyAttachment } from "./iam";
import { eventInvokeConfig, fn, permission } from "./lambda";
import { ec2Tag, recycleBinRule, topic, topicPolicy, topicSubscription } from "./others";
import { document, maintenanceWindow, maintenanceWindowTarget, maintenanceWindowTask } from "./ssm";
import type { ResourceType } from "./types";

export const resourceTypes: Readonly<Record<string, ResourceType>> = {
    "aws:iam/role:Role": role,
    "aws:iam/policy:Policy": policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": rolePolicyAttachment,
    "aws:iam/rolePolicy:RolePolicy": rolePolicy,
    "aws:iam/instanceProfile:InstanceProfile": instanceProfile,
    "aws:ssm/document:Document": document,
    "aws:ssm/maintenanceWindow:MaintenanceWindow": maintenanceWindow,
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": maintenanceWindowTarget,
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": maintenanceWindowTask,
    "aws:lambda/function:Function": fn,
    "aws:lambda/permission:Permission": permission,
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": eventInvokeConfig,
    "aws:cloudwatch/eventRule:EventRule": eventRule,
    "aws:cloudwatch/eventTarget:EventTarget": eventTarget,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:sns/topic:Topic": topic,
    "aws:sns/topicPolicy:TopicPolicy": topicPolicy,
    "aws:sns/topicSubscription:TopicSubscription": topicSubscription,
    "aws:rbin/rule:Rule": recycleBinRule,
    "aws:ec2/tag:Tag": ec2Tag,
};
