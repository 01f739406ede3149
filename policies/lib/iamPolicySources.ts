/** Where IAM policy JSON appears on a resource, for the policies that read it. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { allowStatements, type AllowStatement } from "./iamStatements";
import { known, UNKNOWN } from "./props";

export const IAM_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role"];

/** The policy documents a resource defines (known ones only; unknown JSON is judged at update). */
export function policyDocuments(args: ResourceValidationArgs): unknown[] {
    const props = args.props as Record<string, unknown>;
    if (args.type === "aws:iam/policy:Policy" || args.type === "aws:iam/rolePolicy:RolePolicy") {
        const policy = known(() => props.policy);
        return policy === UNKNOWN || policy === undefined ? [] : [policy];
    }
    if (args.type === "aws:iam/role:Role") {
        const inline = known(() => props.inlinePolicies as { policy?: unknown }[] | undefined);
        if (inline === UNKNOWN || !Array.isArray(inline)) {
            return [];
        }
        return inline.map((p) => known(() => p.policy)).filter((p) => p !== UNKNOWN && p !== undefined);
    }
    return [];
}

/** Every Allow statement in the IAM documents of an IAM resource (none for other types). */
export function iamAllowStatements(args: ResourceValidationArgs): AllowStatement[] {
    return IAM_POLICY_TYPES.includes(args.type) ? policyDocuments(args).flatMap((document) => allowStatements(document)) : [];
}
