/** Formats of AWS identifiers that an environment names, and the partition a region lives in. */

export const ACCOUNT_ID = /^[0-9]{12}$/;
/** EC2 instance ids: i- and 8 (older) or 17 hexadecimal digits. */
export const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SNS_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;
/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
export const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const LOG_GROUP = /^[\w\-/.#]{1,512}$/;
/** A KMS key ARN (not an alias): arn:<partition>:kms:<region>:<account>:key/<id or mrk-id>. */
export const KMS_KEY_ARN = /^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/;
/**
 * Any way KMS lets a caller name a key (KMS API Reference, "KeyId" of Encrypt/DescribeKey): a key id
 * (a UUID, or mrk- and 32 hex digits for a multi-Region key), a key ARN, an alias name (alias/ then
 * letters, digits, / _ - as CreateAlias allows) or an alias ARN.
 */
const KMS_KEY_ID = "([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})";
const KMS_ALIAS = "alias/[a-zA-Z0-9/_-]{1,250}";
export const KMS_KEY_REFERENCE = new RegExp(
    `^(${KMS_KEY_ID}|${KMS_ALIAS}|arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:(key/${KMS_KEY_ID}|${KMS_ALIAS}))$`,
);
export const KMS_KEY_REFERENCE_MESSAGE =
    "must name a KMS key: a key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias name (alias/<name>) or an alias ARN";

/** The region, account and key id or alias name an ARN of a KMS key names; undefined for a key id or alias name. */
export function kmsArnParts(reference: string): { partition: string; region: string; accountId: string; resource: string } | undefined {
    const match = /^arn:([a-z-]+):kms:([a-z0-9-]+):([0-9]{12}):(.+)$/.exec(reference);
    return match ? { partition: match[1], region: match[2], accountId: match[3], resource: match[4] } : undefined;
}

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** An IAM role ARN: arn:<partition>:iam::<account>:role/<path/name>. */
export const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role\/[\w+=,.@\-/]{1,512}$/;
/** botocore's MaxConcurrency and MaxErrors patterns for maintenance-window tasks. */
export const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
export const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;

/** Region prefixes of the partitions other than aws, most specific first (us-isob- before us-iso-). */
const PARTITION_PREFIXES: readonly (readonly [string, string])[] = [
    ["cn-", "aws-cn"],
    ["us-gov-", "aws-us-gov"],
    ["us-isob-", "aws-iso-b"],
    ["us-isof-", "aws-iso-f"],
    ["us-iso-", "aws-iso"],
    ["eu-isoe-", "aws-iso-e"],
    ["eusc-", "aws-eusc"],
];

/** The ARN partition of a region: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc. */
export function partitionOf(region: string): string {
    return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/** Answers by name: building an Intl.DateTimeFormat costs ~1 ms, and a fleet repeats a few zones. */
const knownTimeZones = new Map<string, boolean>();

/** True when `zone` is an IANA time zone name this runtime knows (SSM takes IANA names only). */
export function isIanaTimeZone(zone: string): boolean {
    let known = knownTimeZones.get(zone);
    if (known === undefined) {
        known = checkTimeZone(zone);
        knownTimeZones.set(zone, known);
    }
    return known;
}

function checkTimeZone(zone: string): boolean {
    // Intl also accepts offsets such as "+01:00", which SSM does not, so require a name shape first.
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
        return false;
    }
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}
