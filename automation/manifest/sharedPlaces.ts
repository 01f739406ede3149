/**
 * Places two environments must not share, because each environment's roles are granted its place by
 * name and would then reach the other's:
 * - command output: the instance role may write `<bucket>/<prefix>/*`, so with equal or nested
 *   prefixes in one bucket one environment's servers (and its boundary) overwrite the other's output;
 *   a log group is granted by name, so an equal name is the same case;
 * - a volume key: copies to another account are re-encrypted there through the key policy, which
 *   trusts every copy-target role of that account; two environments copying from one key to one
 *   account let each environment's copy role read the other's snapshots.
 */
import type { FleetEnvironment, Located } from "./load";

/** The prefix as path segments, so that "vss-fleet/prod" does not count as nesting "vss-fleet/prod-eu". */
const segments = (prefix: string | undefined) => (prefix ?? "").split("/").filter((s) => s.length > 0);

function nests(a: readonly string[], b: readonly string[]): boolean {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.every((segment, i) => long[i] === segment);
}

/** One problem per environment whose command output or log group is an earlier environment's, or nests with it. */
export function sharedOutputPlaces(environments: readonly FleetEnvironment[]): Located[] {
    const out: Located[] = [];
    environments.forEach(({ spec }, i) => {
        const earlier = environments.slice(0, i).map((e) => e.spec);
        const log = spec.logging;
        const bucket = log?.s3BucketName;
        const inBucket = bucket
            ? earlier.find((e) => e.logging?.s3BucketName === bucket && nests(segments(e.logging.s3KeyPrefix), segments(log.s3KeyPrefix)))
            : undefined;
        if (bucket && inBucket) {
            const shown = (p: string | undefined) => (p ? `'${p}'` : "the whole bucket");
            out.push({
                path: ["environments", spec.name, "logging", "s3KeyPrefix"],
                message:
                    `command output goes to ${shown(log.s3KeyPrefix)} of bucket ${bucket}, and environment '${inBucket.name}' writes to ` +
                    `${shown(inBucket.logging?.s3KeyPrefix)} of it: each environment's servers may write under their own prefix, so one ` +
                    `would overwrite the other's output. Give each environment a prefix of its own (for example vss-fleet/${spec.name})`,
            });
        }
        const group = log?.cloudWatchLogGroupName;
        const sameGroup = group ? earlier.find((e) => e.logging?.cloudWatchLogGroupName === group) : undefined;
        if (group && sameGroup) {
            out.push({
                path: ["environments", spec.name, "logging", "cloudWatchLogGroupName"],
                message:
                    `log group ${group} is environment '${sameGroup.name}'s too: each environment's servers may write to their own ` +
                    `group, so one could write into the other's. Give each environment a group of its own (for example /vss-fleet/${spec.name})`,
            });
        }
    });
    return out;
}

/** One problem per environment that copies from an earlier environment's volume key into an account that one copies to. */
export function sharedCopyKeys(environments: readonly FleetEnvironment[]): Located[] {
    const out: Located[] = [];
    const accountsOf = (spec: FleetEnvironment["spec"]) =>
        new Set((spec.copies ?? []).map((c) => c.accountId ?? spec.accountId).filter((a) => a !== spec.accountId));
    environments.forEach(({ spec }, i) => {
        const key = spec.volumeKmsKeyId;
        const mine = accountsOf(spec);
        if (!key || mine.size === 0) {
            return;
        }
        for (const other of environments.slice(0, i).map((e) => e.spec)) {
            const shared = [...accountsOf(other)].filter((a) => mine.has(a));
            if (other.volumeKmsKeyId === key && other.accountId === spec.accountId && shared.length > 0) {
                out.push({
                    path: ["environments", spec.name, "volumeKmsKeyId"],
                    message:
                        `environment '${other.name}' encrypts its volumes with the same key and copies to account ${shared.join(", ")} too: ` +
                        `the key policy lets every copy-target role of that account decrypt through it, so each environment's copy role ` +
                        `could copy the other's snapshots. Give each environment that copies to another account a key of its own`,
                });
                return;
            }
        }
    });
    return out;
}
