/** Resources and documents that several policy tests start from (each test breaks one field of them). */
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";

export const SCOPE = { partition: "aws", region: "us-east-1", accountId: "111111111111" };
export const POLICY_DOC = "aws:iam/policy:Policy";

/** An IAM policy document's JSON with these statements. */
export const iamDocument = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

export const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
export const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
/** A bounded Run Command task with its own role and output bucket: passes every task policy. */
export const goodTask = {
    taskType: "RUN_COMMAND",
    targets: [{ key: "WindowTargetIds", values: [UNKNOWN_VALUES.string] }],
    maxConcurrency: "10%",
    maxErrors: "1",
    serviceRoleArn: UNKNOWN_VALUES.string, // a role created in the same stack: unknown in preview
    taskInvocationParameters: { runCommandParameters: { outputS3Bucket: "out" } },
};
export const goodWindow = { schedule: "cron(0 4 ? * * *)", duration: 2, cutoff: 1, enabled: true };

export const WINDOWS_AMI = "ami-0windows0000000001";
/** The enrollment config of one environment, prod, selected by Backup=prod; WINDOWS_AMI is known to be Windows. */
export const enrollment = {
    environments: [{ name: "prod", targetTags: { Backup: "prod" } }],
    windowsAmiIds: [WINDOWS_AMI],
    resolveAmis: false,
};
