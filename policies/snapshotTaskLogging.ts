import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { isSet, known, UNKNOWN } from "./lib/props";

/** Run Command keeps only 24,000 characters of output; a failed snapshot needs the full log. */
export const snapshotTaskLogging: ResourceValidationPolicy = {
    name: "snapshot-task-logging",
    description: "Run Command tasks send their output to S3 or CloudWatch Logs.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(aws.ssm.MaintenanceWindowTask, (task, args, reportViolation) => {
        if (task.taskType !== "RUN_COMMAND") {
            return;
        }
        const run = known(() => task.taskInvocationParameters?.runCommandParameters);
        if (run === UNKNOWN) {
            return;
        }
        const toS3 = run !== undefined && isSet(run, "outputS3Bucket");
        const toCloudWatch = run !== undefined && known(() => run.cloudwatchConfig?.cloudwatchOutputEnabled) === true;
        if (!toS3 && !toCloudWatch) {
            reportViolation(
                `${args.name} keeps command output only in Run Command, which truncates it. ` +
                    "Set logging.s3BucketName or logging.cloudWatchLogGroupName so failed snapshots can be diagnosed.",
            );
        }
    }),
};
