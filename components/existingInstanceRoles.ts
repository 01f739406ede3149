import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { childName, splitRolePath } from "./naming";

/**
 * Enrolls servers that already run with a role (a brownfield estate) without relaunching them: the
 * environment's snapshot policy, as the administrator created it (naming.ts existingRolesPolicyArn),
 * attached to each listed role. Only that attachment is vss-fleet's: destroy detaches it and leaves
 * the role, and its AmazonSSMManagedInstanceCore (which the preflight checks), as they were.
 */
export function attachToExistingRoles(
    parent: string,
    roles: readonly string[],
    policyArn: string,
    opts: pulumi.CustomResourceOptions,
): aws.iam.RolePolicyAttachment[] {
    return roles.map((entry) => {
        // AttachRolePolicy takes the name; the path matters only to the deploy role's grant (its ARN).
        const { name } = splitRolePath(entry);
        return new aws.iam.RolePolicyAttachment(childName(parent, `existing-${name}`), { role: name, policyArn }, opts);
    });
}
