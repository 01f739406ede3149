/**
 * Surviving a bad day in the account: copies of whole good sets to other regions and accounts, EBS
 * snapshot lock, and the archive tier. The schemas of the three EnvironmentSpec fields, the rules that
 * relate them to the rest of the environment, and one line per field for the plan. The lifecycle
 * function applies them after each run (core/lifecycle/copies.ts, locks.ts, archive.ts decide what).
 */
import { z } from "zod";
import * as aws from "./aws";
import { regionSchema } from "./regions";

/** The AWS managed key for EBS: snapshots encrypted with it cannot be shared with another account. */
export function isAwsManagedEbsKey(key: string): boolean {
    return key === "alias/aws/ebs" || /:alias\/aws\/ebs$/.test(key);
}

export const copyDestinationSchema = z.strictObject({
    region: regionSchema().describe("The destination region."),
    accountId: z
        .string({ message: "must be a 12-digit AWS account id, quoted in YAML" })
        .regex(aws.ACCOUNT_ID, "must be a 12-digit AWS account id, quoted in YAML")
        .optional()
        .describe("The destination account; default: the environment's own account."),
    kmsKeyId: z
        .string()
        // CopySnapshot's KmsKeyId takes any of a key's names (key id, key ARN, alias name, alias ARN).
        .regex(aws.KMS_KEY_REFERENCE, aws.KMS_KEY_REFERENCE_MESSAGE)
        .optional()
        .describe("The key the copies are encrypted with at the destination (a customer-managed key for another account)."),
    deployRoleArn: z
        .string()
        .regex(aws.ROLE_ARN, "must be an IAM role ARN, arn:aws:iam::<account>:role/<name>")
        .optional()
        .describe(
            "Another account only: a role in it that the stack assumes to create the copy-target role there; without it, an administrator creates that role (vss-fleet deploy-policy --bootstrap prints it).",
        ),
    retention: z
        .strictObject({
            days: z.int().min(1).max(36500).describe("Delete whole copied sets older than this many days..."),
            minSets: z.int().min(1).max(1000).default(7).describe("...but always keep this many newest complete copied sets per instance."),
        })
        .describe("Set-aware retention at the destination."),
    rpoHours: z
        .int()
        .min(1)
        .max(8760)
        .optional()
        .describe("verify breaches when the newest complete copied set is older; default: the environment's rpoHours plus 24."),
});

export const lockSchema = z
    .strictObject({
        mode: z
            .enum(["governance", "compliance"])
            .describe("compliance cannot be undone by anyone, the account's root user included, once its cooling-off period is over."),
        durationDays: z.int().min(1).max(36500).describe("How long each lock lasts from the time it is applied."),
        newestSets: z.int().min(1).max(1000).optional().describe("Lock the newest N good sets of each instance..."),
        withinDays: z.int().min(1).max(36500).optional().describe("...or every good set younger than D days."),
        coolOffHours: z.int().min(1).max(72).optional().describe("compliance only: hours during which the lock can still be changed."),
    })
    .superRefine((lock, ctx) => {
        if ((lock.newestSets === undefined) === (lock.withinDays === undefined)) {
            ctx.addIssue({ code: "custom", message: "name exactly one of newestSets and withinDays", path: ["newestSets"] });
        }
        if (lock.coolOffHours !== undefined && lock.mode !== "compliance") {
            ctx.addIssue({ code: "custom", message: "coolOffHours applies to compliance mode only", path: ["coolOffHours"] });
        }
    });

export const archiveSchema = z.strictObject({
    every: z.enum(["month", "week"]).default("month").describe("Archive one good set per instance per calendar month or ISO week (UTC)."),
    afterDays: z.int().min(1).max(36500).default(30).describe("Move a chosen set to the archive tier once it is this old."),
    keepMonths: z
        .int()
        .min(3)
        .max(1200)
        .describe("Delete archived sets this many months after they were taken (at least 3: the tier bills 90 days)."),
});

export type CopyDestinationSpec = z.output<typeof copyDestinationSchema>;
export type LockSpec = z.output<typeof lockSchema>;
export type ArchiveSpec = z.output<typeof archiveSchema>;

interface ProtectionFields {
    readonly accountId: string;
    readonly region: string;
    readonly rpoHours: number;
    readonly copies?: readonly CopyDestinationSpec[];
    readonly volumeKmsKeyId?: string;
}

/** Problems between the copy destinations and the environment, each with the path to report at. */
export function copyProblems(env: ProtectionFields): { path: (string | number)[]; message: string }[] {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const seen = new Map<string, number>();
    (env.copies ?? []).forEach((copy, index) => {
        const account = copy.accountId ?? env.accountId;
        const where = `${account}/${copy.region}`;
        if (copy.region === env.region && account === env.accountId) {
            problems.push({
                path: ["copies", index, "region"],
                message: `a copy to the environment's own account and region (${where}) survives nothing the original does not; name another region or account`,
            });
        }
        const earlier = seen.get(where);
        if (earlier !== undefined) {
            problems.push({ path: ["copies", index], message: `copies[${earlier}] already copies to ${where}` });
        }
        seen.set(where, index);
        const sameAccount = (env.copies ?? []).findIndex(
            (other, i) => i < index && other.accountId === copy.accountId && other.deployRoleArn !== undefined,
        );
        const firstRole = sameAccount >= 0 ? env.copies?.[sameAccount].deployRoleArn : undefined;
        if (copy.deployRoleArn !== undefined && firstRole !== undefined && firstRole !== copy.deployRoleArn) {
            problems.push({
                path: ["copies", index, "deployRoleArn"],
                message: `copies[${sameAccount}] names ${firstRole} for the same account: one copy-target role per account is deployed through one role`,
            });
        }
        if (copy.deployRoleArn !== undefined && account === env.accountId) {
            problems.push({
                path: ["copies", index, "deployRoleArn"],
                message: "deployRoleArn is for a copy to another account; a copy in the environment's own account needs no role there",
            });
        } else if (copy.deployRoleArn !== undefined && copy.deployRoleArn.split(":")[4] !== account) {
            problems.push({
                path: ["copies", index, "deployRoleArn"],
                message: `the deploy role must be in the destination account ${account}: it creates the copy-target role there`,
            });
        }
        if (account !== env.accountId) {
            if (env.volumeKmsKeyId === undefined || isAwsManagedEbsKey(env.volumeKmsKeyId)) {
                problems.push({
                    path: ["copies", index, "accountId"],
                    message:
                        "a copy to another account needs the volumes encrypted with a customer-managed KMS key: snapshots encrypted with the AWS managed key (aws/ebs) cannot be shared. Set volumeKmsKeyId to the customer-managed key the fleet's volumes use (and allow the destination account in its key policy), or re-encrypt the volumes with one",
                });
            } else if (!aws.KMS_KEY_ARN.test(env.volumeKmsKeyId)) {
                problems.push({
                    path: ["copies", index, "accountId"],
                    message:
                        "a copy to another account needs volumeKmsKeyId as a key ARN (arn:aws:kms:<region>:<account>:key/<id>): the destination account's copy role is granted that key by ARN, and an alias or key id cannot name a key in another account",
                });
            }
            if (copy.kmsKeyId === undefined) {
                problems.push({
                    path: ["copies", index, "kmsKeyId"],
                    message:
                        "a copy to another account needs kmsKeyId: a customer-managed key in the destination account to encrypt the copies with",
                });
            }
        }
    });
    return problems;
}

/** One line for people per protection the environment has, for the plan. */
export function protectionSummary(env: {
    readonly name?: string;
    readonly copies?: readonly CopyDestinationSpec[];
    readonly lock?: LockSpec;
    readonly archive?: ArchiveSpec;
    readonly accountId: string;
    readonly volumeKmsKeyId?: string;
}): string[] {
    const lines: string[] = [];
    for (const copy of env.copies ?? []) {
        const account = copy.accountId ?? env.accountId;
        lines.push(
            `copies good sets to ${account}/${copy.region}${copy.kmsKeyId ? ` (encrypted with ${copy.kmsKeyId})` : ""}, kept ${copy.retention.days} days, at least ${copy.retention.minSets} sets`,
        );
    }
    lines.push(...destinationAccountLines(env));
    if (env.lock) {
        const which =
            env.lock.newestSets !== undefined
                ? `the newest ${env.lock.newestSets} good sets`
                : `every good set of the last ${env.lock.withinDays} days`;
        lines.push(`locks ${which} in ${env.lock.mode} mode for ${env.lock.durationDays} days`);
        if (env.lock.mode === "compliance") {
            lines.push(
                `WARNING: compliance-mode locks cannot be removed or shortened by anyone once their cooling-off period (${env.lock.coolOffHours ?? 0} h) is over; those snapshots are billed for ${env.lock.durationDays} days`,
            );
        }
    }
    if (env.archive) {
        lines.push(
            `archives one good set per ${env.archive.every} after ${env.archive.afterDays} days, kept ${env.archive.keepMonths} months (restoring one takes up to 72 h)`,
        );
    }
    return lines;
}

/**
 * What a copy to another account needs there, once per account: the copy-target role (created by the
 * stack through the copy's deployRoleArn, else by that account's administrator) with its boundary,
 * and the source key's policy statement (components/iam/copyTargetPolicy.ts builds all of them).
 */
function destinationAccountLines(env: Parameters<typeof protectionSummary>[0]): string[] {
    const accounts = new Map<string, string | undefined>();
    for (const copy of env.copies ?? []) {
        if (copy.accountId !== undefined && copy.accountId !== env.accountId && !accounts.has(copy.accountId)) {
            accounts.set(copy.accountId, env.copies?.find((c) => c.accountId === copy.accountId && c.deployRoleArn)?.deployRoleArn);
        }
    }
    return [...accounts].map(([account, deployRole]) => {
        const role = env.name ? `vss-fleet/${env.name}/${env.name}-copy-target` : "copy-target role";
        const how = deployRole ? `created by this stack through ${deployRole}` : "created by that account's administrator";
        const key = env.volumeKmsKeyId ? `, and the key policy of ${env.volumeKmsKeyId} must allow ${account}` : "";
        return `in ${account}: role ${role} ${how}, its boundary applied by that account's administrator${key} (vss-fleet deploy-policy --bootstrap prints each)`;
    });
}
