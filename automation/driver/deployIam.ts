/**
 * The deploy role's IAM grants. Everything an environment creates in IAM lives under its own path
 * (`/vss-fleet/<env>/`), so the grants name the path, never a name prefix ("prod" is a prefix of
 * "prod-eu"; "/vss-fleet/prod/" is not a prefix of "/vss-fleet/prod-eu/"). Roles are created and
 * changed only while they carry the environment's permissions boundary, which the deploy role can
 * neither change nor remove: whatever it writes into a role, the boundary caps.
 */
import { managedPolicyArn, type ArnScope, type Statement } from "../../components/iam/policyDocument";
import { BOUNDARY_PATH, boundaryPolicyArn, existingRolesPolicyArn, iamPath, splitRolePath } from "../../components/naming";

/** IAM actions that take iam:PermissionsBoundary: allowed only on roles that carry the boundary. */
const BOUNDED_ROLE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    // Re-putting the same boundary is how the provider repairs drift; the value is pinned below.
    "iam:PutRolePermissionsBoundary",
];

/** What the provider reads of a role it manages, and its tags: no iam:PermissionsBoundary to condition on. */
export const ROLE_READS_AND_TAGS = [
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:TagRole",
    "iam:UntagRole",
];

/** Changes the deploy role must never make on the fleet's roles (a Deny wins over any other grant). */
const NEVER_ON_ROLES = ["iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary"];
const POLICY_WRITES = [
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
];

/**
 * @param existingRoles the environment's existingInstanceRoleNames: roles outside the fleet's path,
 * without its boundary, to which the role may attach one policy only.
 */
export function deployIamStatements(scope: ArnScope, env: string, lifecycle: boolean, existingRoles: readonly string[] = []): Statement[] {
    const iam = (kind: string, rest: string) => `arn:${scope.partition}:iam::${scope.accountId}:${kind}${rest}`;
    const path = iamPath(env);
    const roles = iam("role", `${path}*`);
    const role = (namePrefix: string) => iam("role", `${path}${env}-${namePrefix}*`);
    const boundary = boundaryPolicyArn(scope.partition, scope.accountId, env);
    const withBoundary = { StringEquals: { "iam:PermissionsBoundary": boundary } };
    const statements: Statement[] = [
        {
            Sid: "RolesInThePathOnlyWithTheBoundary",
            Effect: "Allow",
            Action: BOUNDED_ROLE_ACTIONS,
            Resource: roles,
            Condition: withBoundary,
        },
        {
            Sid: "AttachOnlySsmCoreAndThePathsPolicies",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: roles,
            Condition: {
                ...withBoundary,
                ArnLike: {
                    "iam:PolicyARN": [managedPolicyArn(scope.partition, "AmazonSSMManagedInstanceCore"), iam("policy", `${path}*`)],
                },
            },
        },
        {
            // Reads and tags take no iam:PermissionsBoundary; inside the path every role carries it anyway.
            Sid: "ReadAndTagRolesInThePath",
            Effect: "Allow",
            Action: [...ROLE_READS_AND_TAGS],
            Resource: roles,
        },
        {
            Sid: "PoliciesInThePath",
            Effect: "Allow",
            Action: [
                ...POLICY_WRITES,
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            Resource: iam("policy", `${path}*`),
        },
        {
            Sid: "InstanceProfilesInThePath",
            Effect: "Allow",
            Action: [
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:GetInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:UntagInstanceProfile",
            ],
            Resource: iam("instance-profile", `${path}*`),
        },
        {
            // The window task runs as the task role, and SSM hands the notification role to SNS.
            Sid: "PassOnlyTheTaskRolesToSsm",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [role("task-role"), role("task-notify")],
            Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        },
        {
            // AddRoleToInstanceProfile requires PassRole on the role it adds, and names no service;
            // any call that does name one must name EC2.
            Sid: "PassOnlyTheInstanceRoleToEc2",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: role("instance-role"),
            Condition: { StringEqualsIfExists: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
        // The denies hold even when the pipeline's role has other grants; they name only the fleet's
        // path and the boundaries, so they never get in the way of anything else it deploys.
        { Sid: "NeverRewriteTrustOrDropTheBoundary", Effect: "Deny", Action: NEVER_ON_ROLES, Resource: roles },
        {
            Sid: "NeverCreateOrChangeRolesWithoutTheBoundary",
            Effect: "Deny",
            Action: BOUNDED_ROLE_ACTIONS.filter((a) => a !== "iam:DeleteRole"),
            Resource: roles,
            Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "NeverTouchTheBoundaries",
            Effect: "Deny",
            Action: [...POLICY_WRITES, "iam:TagPolicy", "iam:UntagPolicy"],
            Resource: iam("policy", `${BOUNDARY_PATH}*`),
        },
    ];
    if (existingRoles.length > 0) {
        statements.push(...existingRoleStatements(scope, env, existingRoles));
    }
    if (lifecycle) {
        statements.push({
            Sid: "PassOnlyTheLifecycleRoleToLambda",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: role("lifecycle-role"),
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
        });
    }
    return statements;
}

/**
 * Attach and detach exactly the administrator's snapshot policy, on exactly the listed roles. The
 * policy lives where the deploy role cannot write (NeverTouchTheBoundaries), and ArnEquals names it
 * whole: a policy the deploy role made in its own path, or AdministratorAccess, does not match.
 */
function existingRoleStatements(scope: ArnScope, env: string, existingRoles: readonly string[]): Statement[] {
    const roles = existingRoles.map((entry) => {
        const { path, name } = splitRolePath(entry);
        return `arn:${scope.partition}:iam::${scope.accountId}:role${path}${name}`;
    });
    return [
        {
            Sid: "AttachOnlyTheSnapshotPolicyToTheListedRoles",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: roles,
            Condition: { ArnEquals: { "iam:PolicyARN": existingRolesPolicyArn(scope.partition, scope.accountId, env) } },
        },
        {
            // The provider reads the attachment back through the role's attached policies.
            Sid: "ReadTheListedRolesAttachments",
            Effect: "Allow",
            Action: "iam:ListAttachedRolePolicies",
            Resource: roles,
        },
    ];
}
