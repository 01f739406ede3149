import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known, UNKNOWN } from "./lib/props";

/** Managed policies far broader than snapshotting needs; AmazonEC2RoleforSSM is also deprecated. */
export const BROAD_MANAGED_POLICIES = ["AdministratorAccess", "AmazonSSMFullAccess", "AmazonEC2RoleforSSM"];

const ATTACHMENT_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
];

export function broadPolicyName(arn: unknown): string | undefined {
    const match = typeof arn === "string" ? /^arn:aws[a-z-]*:iam::aws:policy\/(?:service-role\/)?([^/]+)$/.exec(arn) : null;
    return match && BROAD_MANAGED_POLICIES.includes(match[1]) ? match[1] : undefined;
}

export const iamNoBroadManagedPolicies: ResourceValidationPolicy = {
    name: "iam-no-broad-managed-policies",
    description: "Roles must not carry AdministratorAccess, AmazonSSMFullAccess or the deprecated AmazonEC2RoleforSSM.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const props = args.props as Record<string, unknown>;
        let arns: unknown[] = [];
        if (ATTACHMENT_TYPES.includes(args.type)) {
            arns = [known(() => props.policyArn)];
        } else if (args.type === "aws:iam/role:Role") {
            const managed = known(() => props.managedPolicyArns);
            arns = Array.isArray(managed) ? managed.map((_, i) => known(() => (managed as unknown[])[i])) : [];
        }
        for (const arn of arns) {
            const name = arn === UNKNOWN ? undefined : broadPolicyName(arn);
            if (name) {
                const instead =
                    name === "AmazonEC2RoleforSSM"
                        ? "Use AmazonSSMManagedInstanceCore, plus a snapshot policy scoped to the instance itself."
                        : "Grant only the actions the role needs (vss-fleet's task role sends one document to tagged instances).";
                reportViolation(`${args.name} attaches the AWS managed policy ${name}. ${instead}`);
            }
        }
    },
};
