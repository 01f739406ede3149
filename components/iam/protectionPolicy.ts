/**
 * What the lifecycle function needs for copies, snapshot locks and the archive tier, only when the
 * environment asks for them, and only on the fleet's own snapshots:
 * - lock: LockSnapshot for at most the configured duration (a longer lock is a cost attack that no
 *   one can undo in compliance mode); never UnlockSnapshot;
 * - archive: ModifySnapshotTier; deleting archived sets is ordinary retention;
 * - copies: CopySnapshot only into snapshots tagged for the environment, in the source and the
 *   destination regions; tags only inside that call; deletes at a same-account destination by the
 *   same tags; for another account, createVolumePermission only for that account (never "all"), and
 *   AssumeRole only on its copy-target role; KMS only through EC2.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import type { ProtectionConfig } from "../../core/lifecycle/functionConfig";
import { copyTargetRoleArn } from "../../core/lifecycle/copies";
import { isAwsManagedEbsKey } from "../../core/environment/protection";
import { copySnapshotStatements } from "./copyStatements";
import { kmsKeyGrants, type KeyUse } from "./kmsKeyGrants";
import type { ArnScope, Statement } from "./policyDocument";

export interface ProtectionPolicyInput extends ArnScope {
    readonly environment: string;
    readonly fleet: string;
    readonly protection: ProtectionConfig;
}

const snapshotsIn = (scope: ArnScope, region: string) => `arn:${scope.partition}:ec2:${region}::snapshot/*`;

export function protectionStatements(input: ProtectionPolicyInput): Statement[] {
    const { protection } = input;
    const own = { [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: input.environment, [`ec2:ResourceTag/${FLEET_TAG_KEY}`]: input.fleet };
    const statements: Statement[] = [];
    if (protection.lock) {
        statements.push(
            {
                Sid: "LockOwnSnapshotsForTheConfiguredDurationAtMost",
                Effect: "Allow",
                Action: "ec2:LockSnapshot",
                Resource: snapshotsIn(input, input.region),
                Condition: {
                    StringEquals: own,
                    NumericLessThanEquals: { "ec2:SnapshotLockDuration": String(protection.lock.durationDays) },
                },
            },
            { Sid: "ReadLockState", Effect: "Allow", Action: "ec2:DescribeLockedSnapshots", Resource: "*" },
        );
    }
    if (protection.archive) {
        statements.push(
            {
                Sid: "ArchiveOwnSnapshots",
                Effect: "Allow",
                Action: "ec2:ModifySnapshotTier",
                Resource: snapshotsIn(input, input.region),
                Condition: { StringEquals: own },
            },
            { Sid: "ReadTierState", Effect: "Allow", Action: "ec2:DescribeSnapshotTierStatus", Resource: "*" },
        );
    }
    const copies = protection.copies ?? [];
    if (copies.length > 0) {
        statements.push(...copyStatements(input, copies, own));
    }
    return statements;
}

function copyStatements(
    input: ProtectionPolicyInput,
    copies: NonNullable<ProtectionConfig["copies"]>,
    own: Record<string, string>,
): Statement[] {
    const local = copies.filter((c) => (c.accountId ?? input.accountId) === input.accountId);
    const foreign = [...new Set(copies.map((c) => c.accountId).filter((a): a is string => a !== undefined && a !== input.accountId))];
    const localRegions = [...new Set(local.map((c) => c.region))];
    const statements: Statement[] = [];
    if (local.length > 0) {
        const destinations = localRegions.map((region) => snapshotsIn(input, region));
        statements.push(
            ...copySnapshotStatements({
                environment: input.environment,
                fleet: input.fleet,
                source: snapshotsIn(input, input.region),
                destinations,
                deleteSid: "DeleteOnlyOwnCopiesAtTheDestinations",
                // Same account: the source's tags are visible, so only the environment's own snapshots are copied.
                ownSourceOnly: true,
            }),
        );
        // A copy key is used in its destination region; the source key in the environment's.
        const keys: KeyUse[] = local.flatMap((c) => (c.kmsKeyId ? [{ key: c.kmsKeyId, region: c.region }] : []));
        if (input.protection.sourceKmsKeyId && !isAwsManagedEbsKey(input.protection.sourceKmsKeyId)) {
            // EC2 reads a CMK-encrypted source with the caller's rights on the key (a same-account copy to
            // another region too): the source key joins the copy keys, still only through EC2.
            keys.push({ key: input.protection.sourceKmsKeyId, region: input.region });
        }
        // Encrypting the copies at the destination: each key by its ARN, an alias only on the keys that carry it.
        statements.push(
            ...kmsKeyGrants(input, keys, {
                sid: "EncryptCopiesThroughEc2Only",
                actions: [
                    "kms:CreateGrant",
                    "kms:DescribeKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                    "kms:ReEncryptTo",
                    "kms:ReEncryptFrom",
                    "kms:Decrypt",
                ],
                condition: { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } },
            }),
        );
    }
    if (foreign.length > 0) {
        statements.push(
            {
                Sid: "ShareOwnSnapshotsOnlyWithTheCopyAccounts",
                Effect: "Allow",
                Action: "ec2:ModifySnapshotAttribute",
                Resource: snapshotsIn(input, input.region),
                // ec2:Add/userId is single-valued: EC2 authorises each account added on its own.
                Condition: {
                    StringEquals: { ...own, "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": foreign },
                    Null: { "ec2:Add/group": "true" },
                },
            },
            {
                Sid: "AssumeOnlyTheCopyTargetRoles",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: foreign.map((account) => copyTargetRoleArn(input.partition, account, input.environment)),
            },
        );
    }
    return statements;
}
