import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { scheduleProblem } from "./lib/ssmSchedule";

/** The same schedule rules the EnvironmentSpec applies, for windows that other stacks define. */
export const maintenanceWindowSane: ResourceValidationPolicy = {
    name: "maintenance-window-sane",
    description: "Maintenance windows are enabled, have a valid schedule and a cutoff shorter than their duration.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ssm.MaintenanceWindow, (window, args, reportViolation) => {
        if (window.enabled === false) {
            reportViolation(`${args.name} is disabled, so nothing it schedules will run. Enable it or remove it.`);
        }
        if (window.cutoff >= window.duration) {
            reportViolation(
                `${args.name} has a cutoff of ${window.cutoff} h and a duration of ${window.duration} h, so no task can ever start. ` +
                    "Make the cutoff shorter than the duration.",
            );
        }
        const problem = scheduleProblem(window.schedule);
        if (problem) {
            reportViolation(`${args.name} has the schedule '${window.schedule}', which SSM rejects: ${problem}.`);
        }
    }),
};
