import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { isSet, known } from "./lib/props";

/**
 * A run that fails everywhere must stop early, and must run with a role the stack controls. A task
 * without targets (a Lambda task such as the lifecycle function) reaches no instance, so the bounds
 * do not apply to it: SSM refuses them on a targetless task and inserts a placeholder of 1 itself
 * (UpdateMaintenanceWindowTask API reference). The role rule always applies.
 */
export const maintenanceWindowTaskBounded: ResourceValidationPolicy = {
    name: "maintenance-window-task-bounded",
    description: "Maintenance-window tasks with targets set maxConcurrency and maxErrors; every task runs with a custom task role.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ssm.MaintenanceWindowTask, (task, args, reportViolation) => {
        for (const key of ["maxConcurrency", "maxErrors"] as const) {
            if (isSet(task, "targets") && !isSet(task, key)) {
                reportViolation(`${args.name} does not set ${key}; without it one bad run can reach every target.`);
            }
        }
        const role = isSet(task, "serviceRoleArn") ? known(() => task.serviceRoleArn) : undefined;
        if (role === undefined) {
            reportViolation(
                `${args.name} has no serviceRoleArn, so it runs with the service-linked role. Give it a task role ` +
                    "that may send only its own document (AWS no longer recommends the service-linked role).",
            );
        } else if (typeof role === "string" && role.includes("AWSServiceRoleForAmazonSSM")) {
            reportViolation(`${args.name} runs with the service-linked role AWSServiceRoleForAmazonSSM; give it a custom task role.`);
        }
    }),
};
