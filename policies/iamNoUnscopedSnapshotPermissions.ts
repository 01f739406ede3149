import type { ResourceValidationPolicy } from "@pulumi/policy";
import { iamAllowStatements } from "./lib/iamPolicySources";
import { actionCovers } from "./lib/iamStatements";

/** Actions that create, tag, share or delete snapshots: never on every resource without a condition. */
const SNAPSHOT_ACTIONS = [
    "ec2:CreateSnapshot",
    "ec2:CreateSnapshots",
    "ec2:CreateTags",
    "ec2:DeleteSnapshot",
    "ec2:ModifySnapshotAttribute",
];

/** Cf. Checkov CKV_AWS_355/CKV_AWS_290: write permissions on "*" without constraints. */
export const iamNoUnscopedSnapshotPermissions: ResourceValidationPolicy = {
    name: "iam-no-unscoped-snapshot-permissions",
    description: "IAM policies must not allow snapshot or tag writes on every resource without a condition.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const statement of iamAllowStatements(args)) {
            const granted = SNAPSHOT_ACTIONS.filter((action) => statement.actions.some((pattern) => actionCovers(pattern, action)));
            if (granted.length > 0 && statement.resources.includes("*") && Object.keys(statement.conditions).length === 0) {
                reportViolation(
                    `Statement ${statement.sid} allows ${granted.join(", ")} on every resource without a condition. ` +
                        "Scope snapshot creation to the calling instance (ec2:SourceInstanceARN) and tag writes to " +
                        "ec2:CreateAction or required tags, as AWSEC2VssSnapshotPolicy does.",
                );
            }
        }
    },
};
