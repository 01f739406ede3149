/**
 * The copy-target role: what an environment's lifecycle function wears in a destination ACCOUNT to
 * copy its good sets there, tag the copies and apply retention to them (functions/lifecycle/protect.ts).
 * One role per environment and destination account, named by copyTargetRoleArn, created in that
 * account under the environment's IAM path with a permissions boundary of exactly these statements.
 *
 * Who may wear it: only the source environment's lifecycle function role. The trust names the source
 * account with an aws:PrincipalArn condition on the lifecycle role's path and name rather than the role
 * itself: a role ARN in a trust policy is pinned to that role's unique id when the policy is saved, so
 * it would stop matching after the source stack replaces the role, and it cannot be saved at all
 * before the role exists (the destination may be deployed first). The path /vss-fleet/<env>/ in the
 * source account can only be written by that environment's deploy role, with its boundary.
 *
 * What it may do: copy only into snapshots tagged for the environment and fleet, tag only inside that
 * copy, describe, delete only snapshots carrying both tags, and use KMS only through EC2. No other
 * action: no untagging (a copy without the tags escapes retention and this role), no sharing, no
 * lock or unlock, no STS (it cannot go further), no IAM.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import { copyTargetRoleArn } from "../../core/lifecycle/copies";
import { childName, iamPath } from "../naming";
import { copySnapshotStatements } from "./copyStatements";
import { policyDocument, type ConditionBlock, type PolicyDocument, type Statement } from "./policyDocument";

export interface CopyTargetInput {
    readonly partition: string;
    readonly environment: string;
    readonly fleet: string;
    readonly sourceAccountId: string;
    readonly sourceRegion: string;
    /** The customer-managed key the source volumes (and so their snapshots) are encrypted with: a key ARN. */
    readonly sourceKmsKeyId?: string;
    readonly destinationAccountId: string;
    /** The environment's copies into this account: one region each, with the key to re-encrypt with. */
    readonly destinations: readonly { readonly region: string; readonly kmsKeyId?: string }[];
}

/** The KMS actions EC2 performs on a caller's behalf to copy an encrypted snapshot. */
const COPY_KMS_ACTIONS = [
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
];
/** What the destination account needs on the SOURCE key: read the source snapshot, nothing else. */
const SOURCE_KEY_ACTIONS = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"];
const THROUGH_EC2: ConditionBlock = { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } };

/** The lifecycle function's role in the source account, as aws:PrincipalArn shows it (Pulumi appends a random suffix). */
export function lifecycleRoleArnPattern(partition: string, accountId: string, environment: string): string {
    return `arn:${partition}:iam::${accountId}:role${iamPath(environment)}${childName(childName(environment, "lifecycle"), "role")}-*`;
}

export function copyTargetTrustPolicy(input: CopyTargetInput): PolicyDocument {
    return policyDocument([
        {
            Sid: "OnlyTheSourceEnvironmentsLifecycleFunction",
            Effect: "Allow",
            Principal: { AWS: `arn:${input.partition}:iam::${input.sourceAccountId}:root` },
            Action: "sts:AssumeRole",
            Condition: {
                ArnLike: { "aws:PrincipalArn": lifecycleRoleArnPattern(input.partition, input.sourceAccountId, input.environment) },
            },
        },
    ]);
}

const snapshotsIn = (partition: string, region: string) => `arn:${partition}:ec2:${region}::snapshot/*`;

/** A key ARN as it is, else (an alias or key id) every key of the account in that region, still only through EC2. */
function keyResource(partition: string, accountId: string, region: string, key: string): string {
    return key.startsWith("arn:") && key.includes(":key/") ? key : `arn:${partition}:kms:${region}:${accountId}:key/*`;
}

/** The role's permissions; its permissions boundary is the same document (copyTargetBoundaryPolicy). */
export function copyTargetStatements(input: CopyTargetInput): Statement[] {
    const p = input.partition;
    const regions = [...new Set(input.destinations.map((d) => d.region))].sort();
    const destinations = regions.map((region) => snapshotsIn(p, region));
    const statements: Statement[] = [
        // DescribeSnapshots has no resource-level permissions; it is how retention finds the copies.
        { Sid: "ReadSnapshots", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" },
        ...copySnapshotStatements({
            environment: input.environment,
            fleet: input.fleet,
            source: snapshotsIn(p, input.sourceRegion),
            destinations,
            deleteSid: "DeleteOnlyTheEnvironmentsCopies",
        }),
    ];
    const keys = [
        ...input.destinations.flatMap((d) => (d.kmsKeyId ? [keyResource(p, input.destinationAccountId, d.region, d.kmsKeyId)] : [])),
    ];
    if (keys.length > 0) {
        statements.push({
            Sid: "EncryptCopiesThroughEc2Only",
            Effect: "Allow",
            Action: COPY_KMS_ACTIONS,
            Resource: [...new Set(keys)].sort(),
            Condition: THROUGH_EC2,
        });
    }
    if (input.sourceKmsKeyId) {
        statements.push({
            // The key policy of the source key must allow this too (sourceKeyPolicyStatement): cross-account use needs both.
            Sid: "ReadTheSourceSnapshotsThroughEc2Only",
            Effect: "Allow",
            Action: SOURCE_KEY_ACTIONS,
            Resource: keyResource(p, input.sourceAccountId, input.sourceRegion, input.sourceKmsKeyId),
            Condition: THROUGH_EC2,
        });
    }
    statements.push({
        // Nothing above allows untagging; this holds even if someone attaches a broader policy to the role.
        Sid: "NeverUntagTheFleetsKeys",
        Effect: "Deny",
        Action: "ec2:DeleteTags",
        Resource: "*",
        Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY] } },
    });
    return statements;
}

export function copyTargetPolicy(input: CopyTargetInput): PolicyDocument {
    return policyDocument(copyTargetStatements(input));
}

/**
 * The boundary of the copy-target role in the destination account: the same statements. The deploy
 * role there can create the role only with this boundary and cannot change it, so whatever it writes
 * into the role's policy, the role can do no more than this.
 */
export function copyTargetBoundaryPolicy(input: CopyTargetInput): PolicyDocument {
    return policyDocument(copyTargetStatements(input));
}

/**
 * The statement the owner of the SOURCE key adds to its key policy (we do not own the key, so we print
 * it): the destination account may use the key only through EC2, and only as the copy-target role.
 * Principal is the account, narrowed by aws:PrincipalArn, so the statement can be saved before the role
 * exists. Without it, the destination cannot read a shared snapshot encrypted with the key.
 */
export function sourceKeyPolicyStatement(input: Pick<CopyTargetInput, "partition" | "environment" | "destinationAccountId">): Statement {
    return {
        Sid: `VssFleet${pascal(input.environment)}CopiesTo${input.destinationAccountId}`,
        Effect: "Allow",
        Principal: { AWS: `arn:${input.partition}:iam::${input.destinationAccountId}:root` },
        Action: SOURCE_KEY_ACTIONS,
        Resource: "*",
        Condition: {
            ...THROUGH_EC2,
            ArnEquals: { "aws:PrincipalArn": copyTargetRoleArn(input.partition, input.destinationAccountId, input.environment) },
        },
    };
}

/** "prod-eu" -> "ProdEu": a key policy Sid takes letters and digits only. */
function pascal(name: string): string {
    return name
        .split("-")
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join("");
}

/** What copyTargetsOf reads from an EnvironmentSpec. */
export interface CopyTargetSource {
    readonly name: string;
    readonly accountId: string;
    readonly region: string;
    readonly volumeKmsKeyId?: string;
    readonly copies?: readonly {
        readonly region: string;
        readonly accountId?: string;
        readonly kmsKeyId?: string;
        readonly deployRoleArn?: string;
    }[];
}

/** One copy target per destination ACCOUNT other than the environment's, in the order the copies name them. */
export function copyTargetsOf(
    spec: CopyTargetSource,
    fleet: string,
    partition: string,
): (CopyTargetInput & { readonly deployRoleArn?: string })[] {
    const byAccount = new Map<string, NonNullable<CopyTargetSource["copies"]>[number][]>();
    for (const copy of spec.copies ?? []) {
        if (copy.accountId === undefined || copy.accountId === spec.accountId) {
            continue;
        }
        byAccount.set(copy.accountId, [...(byAccount.get(copy.accountId) ?? []), copy]);
    }
    return [...byAccount].map(([account, copies]) => {
        const deployRoleArn = copies.find((c) => c.deployRoleArn !== undefined)?.deployRoleArn;
        return {
            partition,
            environment: spec.name,
            fleet,
            sourceAccountId: spec.accountId,
            sourceRegion: spec.region,
            ...(spec.volumeKmsKeyId ? { sourceKmsKeyId: spec.volumeKmsKeyId } : {}),
            destinationAccountId: account,
            destinations: copies.map((c) => ({ region: c.region, ...(c.kmsKeyId ? { kmsKeyId: c.kmsKeyId } : {}) })),
            ...(deployRoleArn ? { deployRoleArn } : {}),
        };
    });
}
