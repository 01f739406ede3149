import type { ResourceValidationPolicy } from "@pulumi/policy";
import { iamAllowStatements } from "./lib/iamPolicySources";
import { actionCovers, conditionKeys } from "./lib/iamStatements";

/** cfn_nag F38/F39, Trivy AVD-AWS-0342: PassRole on "*" or without iam:PassedToService. */
export const iamNoPassroleWildcard: ResourceValidationPolicy = {
    name: "iam-no-passrole-wildcard",
    description: "iam:PassRole must name the roles it passes and the service it passes them to.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const statement of iamAllowStatements(args)) {
            if (!statement.actions.some((pattern) => actionCovers(pattern, "iam:PassRole"))) {
                continue;
            }
            if (statement.resources.some((r) => r === "*" || /:role\/\*$/.test(r))) {
                reportViolation(
                    `Statement ${statement.sid} allows iam:PassRole on any role. Name the role ARN it may pass, ` +
                        "or anyone with this policy can hand an administrator role to a service.",
                );
            } else if (!conditionKeys(statement).includes("iam:passedtoservice")) {
                reportViolation(
                    `Statement ${statement.sid} allows iam:PassRole without an iam:PassedToService condition. ` +
                        "Add one naming the service that receives the role (for example ssm.amazonaws.com).",
                );
            }
        }
    },
};
