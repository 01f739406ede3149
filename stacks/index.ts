/**
 * The Pulumi program: one stack per environment. The stack's name is the environment's name and its
 * `vss-fleet:environment` config is the EnvironmentSpec (see stacks/Pulumi.dev.yaml).
 */
import { defineStackFromConfig } from "./program";

const outputs = defineStackFromConfig();

export const environment = outputs.environment;
export const region = outputs.region;
export const accountId = outputs.accountId;
export const windowId = outputs.windowId;
export const documentName = outputs.documentName;
export const instanceRoleName = outputs.instanceRoleName;
export const instanceProfileName = outputs.instanceProfileName;
export const taskRoleArn = outputs.taskRoleArn;
export const targetTags = outputs.targetTags;
/** Subscribe to this topic for lifecycle alerts (failed runs, retention or drill problems). */
export const alertTopicArn = outputs.alertTopicArn;
/** The lifecycle function: `aws lambda invoke --function-name <it> --payload '{"action":"drill"}'` drills now. */
export const lifecycleFunctionName = outputs.lifecycleFunctionName;
export const enrolledInstances = outputs.enrolledInstances;
