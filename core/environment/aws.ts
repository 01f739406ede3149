/** Formats of AWS identifiers that an environment names, and the partition a region lives in. */

export const ACCOUNT_ID = /^[0-9]{12}$/;
/** EC2 instance ids: i- and 8 (older) or 17 hexadecimal digits. */
export const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SNS_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;
/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
export const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const LOG_GROUP = /^[\w\-/.#]{1,512}$/;
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

/** True when `zone` is an IANA time zone name this runtime knows (SSM takes IANA names only). */
export function isIanaTimeZone(zone: string): boolean {
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
