/**
 * Values that pass every field's own rule but that AWS can never accept in this environment, found at
 * validation instead of half way through a deploy:
 * - an ARN of another partition than the region it is used in. ARNs start `arn:<partition>:`, and a
 *   region belongs to exactly one partition (aws, aws-cn, aws-us-gov, ...): "arn:aws:" names nothing
 *   in cn-north-1 (AWS General Reference, "Identify AWS resources with Amazon Resource Names (ARNs)");
 * - a copy to a region of another partition: partitions are isolated, and CopySnapshot copies only
 *   between regions of one partition (credentials of one partition are not valid in another);
 * - a KMS key in another region than what it encrypts: EBS encrypts a volume with a key of the
 *   volume's region, and CopySnapshot, called in the destination region, encrypts the copy there
 *   (EC2 API Reference, CopySnapshot, KmsKeyId: a key id, alias, key ARN or alias ARN); a KMS key
 *   exists in one region only (AWS KMS Developer Guide, multi-Region keys aside, which are distinct
 *   keys per region with their own ARNs).
 */
import { kmsArnParts, partitionOf } from "./aws";

/** One problem at a key path of the environment. */
export interface LimitProblem {
    readonly path: (string | number)[];
    readonly message: string;
}

/** What these rules read of an environment (the validated fields, defaults applied). */
export interface LimitInput {
    readonly region: string;
    readonly deployRoleArn?: string;
    readonly alertTopicKmsKeyArn?: string;
    readonly volumeKmsKeyId?: string;
    readonly notifications?: { readonly snsTopicArn?: string; readonly subscriptions?: readonly { readonly topicArn?: string }[] };
    readonly copies?: readonly { readonly region: string; readonly kmsKeyId?: string; readonly deployRoleArn?: string }[];
}

/** A rule: the fields it reads (it runs only when they are valid) and what it finds. */
export interface LimitCheck {
    readonly keys: readonly (keyof LimitInput)[];
    readonly problems: (env: LimitInput) => LimitProblem[];
}

/** Why `arn` cannot be used in `region`, or undefined (not an ARN, or one of the right partition). */
export function arnPartitionProblem(arn: string | undefined, region: string): string | undefined {
    if (arn === undefined || !arn.startsWith("arn:")) {
        return undefined;
    }
    const found = arn.split(":")[1];
    const expected = partitionOf(region);
    return found === expected
        ? undefined
        : `${arn} is an ARN of partition '${found}', but ${region} is in partition '${expected}': ARNs there start with 'arn:${expected}:'`;
}

/** Why a KMS key named by ARN cannot encrypt in `region`, or undefined. */
function keyRegionProblem(key: string | undefined, region: string, what: string, fix: string): string | undefined {
    const parts = key === undefined ? undefined : kmsArnParts(key);
    return parts && parts.region !== region
        ? `the key ${key} is in ${parts.region}, but ${what} in ${region}: KMS keys are regional; ${fix}`
        : undefined;
}

const at = (path: (string | number)[], message: string | undefined): LimitProblem[] => (message ? [{ path, message }] : []);

export const AWS_LIMIT_CHECKS: readonly LimitCheck[] = [
    { keys: ["region", "deployRoleArn"], problems: (env) => at(["deployRoleArn"], arnPartitionProblem(env.deployRoleArn, env.region)) },
    {
        keys: ["region", "alertTopicKmsKeyArn"],
        problems: (env) => at(["alertTopicKmsKeyArn"], arnPartitionProblem(env.alertTopicKmsKeyArn, env.region)),
    },
    {
        keys: ["region", "volumeKmsKeyId"],
        problems: (env) =>
            at(
                ["volumeKmsKeyId"],
                arnPartitionProblem(env.volumeKmsKeyId, env.region) ??
                    keyRegionProblem(
                        env.volumeKmsKeyId,
                        env.region,
                        "the volumes are",
                        "name the key the volumes are encrypted with ('aws ec2 describe-volumes' shows its KmsKeyId)",
                    ),
            ),
    },
    {
        keys: ["region", "notifications"],
        problems: (env) => [
            ...at(["notifications", "snsTopicArn"], arnPartitionProblem(env.notifications?.snsTopicArn, env.region)),
            ...(env.notifications?.subscriptions ?? []).flatMap((s, i) =>
                at(["notifications", "subscriptions", i, "topicArn"], arnPartitionProblem(s.topicArn, env.region)),
            ),
        ],
    },
    { keys: ["region", "copies"], problems: copyProblems },
];

function copyProblems(env: LimitInput): LimitProblem[] {
    const source = partitionOf(env.region);
    return (env.copies ?? []).flatMap((copy, i) => {
        const destination = partitionOf(copy.region);
        if (destination !== source) {
            return at(
                ["copies", i, "region"],
                `EBS cannot copy snapshots from ${env.region} (partition '${source}') to ${copy.region} (partition '${destination}'): partitions are isolated and CopySnapshot works within one; copy to a region of '${source}', or back up the instances of ${copy.region} with an environment there`,
            );
        }
        return [
            ...at(["copies", i, "deployRoleArn"], arnPartitionProblem(copy.deployRoleArn, copy.region)),
            ...at(
                ["copies", i, "kmsKeyId"],
                arnPartitionProblem(copy.kmsKeyId, copy.region) ??
                    keyRegionProblem(copy.kmsKeyId, copy.region, "the copies are made", `name a key of ${copy.region}`),
            ),
        ];
    });
}
