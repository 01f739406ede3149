import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { known, UNKNOWN } from "./lib/props";

/** Checkov CKV_AWS_303, Security Hub SSM.4: documents shared with "All" are public. */
export const ssmDocumentNotPublic: ResourceValidationPolicy = {
    name: "ssm-document-not-public",
    description: "SSM documents must not be shared publicly.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ssm.Document, (document, args, reportViolation) => {
        const permissions = known(() => document.permissions as Record<string, unknown> | undefined);
        if (permissions === UNKNOWN || !permissions) {
            return;
        }
        const accountIds = known(() => permissions.accountIds);
        const shared = accountIds === UNKNOWN ? [] : String(accountIds ?? "").split(",");
        if (shared.some((id) => id.trim().toLowerCase() === "all")) {
            reportViolation(`${args.name} is shared with All accounts. Share it with named account ids, or not at all.`);
        }
    }),
};
