/**
 * What the administrators of a copy's destination account, and of the source volumes' key, do once
 * before the first deploy of an environment that copies to another account (`vss-fleet deploy-policy
 * --bootstrap` prints it under `copyTargets`):
 * - the destination account: the copy-target role's permissions boundary (like every vss-fleet role,
 *   it carries one that no deploy role can touch); and either the narrow policy of the role named in
 *   copies[].deployRoleArn, through which the environment's stack creates the copy-target role and
 *   the Recycle Bin rules, or, without one, the role and the rules as AWS CLI calls;
 * - the source key's owner: the key policy statement that lets the destination account read the
 *   shared snapshots through EC2. vss-fleet never owns the volumes' key, so it never writes that
 *   policy (and a KMS grant would need the source deploy role to hold kms:CreateGrant on it).
 */
import {
    copyTargetBoundaryPolicy,
    copyTargetPolicy,
    copyTargetsOf,
    copyTargetTrustPolicy,
    policyDocument,
    sourceKeyPolicyStatement,
    type CopyTargetInput,
    type PolicyDocument,
    type Statement,
} from "../../components/iam";
import { copyTargetRoleName } from "../../components/copyTarget";
import { BOUNDARY_PATH, boundaryPolicyArn, boundaryPolicyName, iamPath } from "../../components/naming";
import { ENVIRONMENT_TAG_KEY, partitionOf, type EnvironmentSpec } from "../../core/environment";
import { copyTargetRoleArn } from "../../core/lifecycle/copies";
import { lockedRegionRuleCommand } from "../../components/recycleBin";
import { recycleBinStatements } from "./deployRolePolicy";
import { ROLE_READS_AND_TAGS } from "./deployIam";

export interface CopyTargetBootstrap {
    readonly accountId: string;
    readonly roleArn: string;
    readonly boundary: { readonly path: string; readonly name: string; readonly arn: string; readonly policy: PolicyDocument };
    /** With copies[].deployRoleArn: that role's policy; the stack creates the copy-target role. */
    readonly deployRole?: { readonly arn: string; readonly policy: PolicyDocument };
    /** Without one: the copy-target role for the administrator to create. */
    readonly role?: { readonly trust: PolicyDocument; readonly policy: PolicyDocument };
    /** For the source key's policy (volumeKmsKeyId); absent when the volumes are not encrypted with a customer-managed key. */
    readonly sourceKeyPolicyStatement?: Statement;
    /** AWS CLI calls in the destination account, in order (file names are the JSON documents above). */
    readonly apply: string[];
}

/**
 * What the deploy role of a destination account may do: create the one copy-target role, with its
 * boundary (never delete it), and the environment's Recycle Bin rule in each destination region of the
 * account; nothing else.
 */
export function copyTargetDeployPolicy(target: CopyTargetInput): PolicyDocument {
    const role = copyTargetRoleArn(target.partition, target.destinationAccountId, target.environment);
    const boundary = boundaryPolicyArn(target.partition, target.destinationAccountId, target.environment);
    const regions = [...new Set(target.destinations.map((d) => d.region))].sort();
    const bounded = [
        // No iam:DeleteRole: CreateRole cannot be conditioned on the trust, so a deploy role that could delete
        // the role could create it again trusting itself and delete the vault's copies. Only the vault's
        // administrator removes it; the stack keeps it on delete.
        "iam:CreateRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:PutRolePermissionsBoundary",
    ];
    return policyDocument([
        {
            Sid: "TheCopyTargetRoleOnlyWithItsBoundary",
            Effect: "Allow",
            Action: bounded,
            Resource: role,
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "ReadAndTagTheCopyTargetRole",
            Effect: "Allow",
            Action: [...ROLE_READS_AND_TAGS],
            Resource: role,
        },
        // The same rule statements as the source account's deploy role, over the account's destination regions.
        ...recycleBinStatements(
            { partition: target.partition, region: regions[0], accountId: target.destinationAccountId },
            target.environment,
        ).map((statement) =>
            statement.Resource === "*"
                ? statement
                : {
                      ...statement,
                      Resource: regions.map((region) => `arn:${target.partition}:rbin:${region}:${target.destinationAccountId}:rule/*`),
                  },
        ),
        {
            Sid: "NeverRewriteTrustOrDropTheBoundary",
            Effect: "Deny",
            Action: ["iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy"],
            Resource: role,
        },
        {
            Sid: "NeverTouchTheBoundaries",
            Effect: "Deny",
            Action: [
                "iam:CreatePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
            ],
            Resource: `arn:${target.partition}:iam::${target.destinationAccountId}:policy${BOUNDARY_PATH}*`,
        },
    ]);
}

export function copyTargetBootstraps(spec: EnvironmentSpec, fleet: string): CopyTargetBootstrap[] {
    const partition = partitionOf(spec.region);
    return copyTargetsOf(spec, fleet, partition).map((target) => {
        const account = target.destinationAccountId;
        const name = boundaryPolicyName(spec.name);
        const boundaryArn = boundaryPolicyArn(partition, account, spec.name);
        const roleName = copyTargetRoleName(spec.name);
        const apply = [
            `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${name} --policy-document file://${account}-${name}.json`,
            ...(target.deployRoleArn
                ? []
                : [
                      `aws iam create-role --path ${iamPath(spec.name)} --role-name ${roleName} --permissions-boundary ${boundaryArn} --assume-role-policy-document file://${account}-${roleName}-trust.json`,
                      `aws iam put-role-policy --role-name ${roleName} --policy-name ${roleName} --policy-document file://${account}-${roleName}-policy.json`,
                      // The vault's net for deleted copies, as the stack would create it (components/copyTarget.ts says why).
                      ...[...new Set(target.destinations.map((d) => d.region))].map(
                          (region) =>
                              `aws rbin create-rule --region ${region} --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=${spec.recycleBinDays},RetentionPeriodUnit=DAYS --resource-tags ResourceTagKey=${ENVIRONMENT_TAG_KEY},ResourceTagValue=${spec.name} --tags Key=${ENVIRONMENT_TAG_KEY},Value=${spec.name}`,
                      ),
                  ]),
            // The lock: the vault's own administrator keeps deleted copies recoverable, whoever holds its deploy role.
            ...[...new Set(target.destinations.map((d) => d.region))].map((region) => lockedRegionRuleCommand(region, spec.recycleBinDays)),
        ];
        return {
            accountId: account,
            roleArn: copyTargetRoleArn(partition, account, spec.name),
            boundary: { path: BOUNDARY_PATH, name, arn: boundaryArn, policy: copyTargetBoundaryPolicy(target) },
            ...(target.deployRoleArn
                ? { deployRole: { arn: target.deployRoleArn, policy: copyTargetDeployPolicy(target) } }
                : { role: { trust: copyTargetTrustPolicy(target), policy: copyTargetPolicy(target) } }),
            ...(target.sourceKmsKeyId ? { sourceKeyPolicyStatement: sourceKeyPolicyStatement(target) } : {}),
            apply,
        };
    });
}
