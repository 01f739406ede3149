/**
 * Tag rules shared by target tags (which select instances) and snapshot tags (written on snapshots).
 *
 * AWS tagging limits: keys 1-128 characters, values 0-256, the `aws:` prefix is reserved, and the
 * characters that every tagging service accepts are letters, digits, spaces and `_ . : / = + - @`.
 * EC2 alone is more permissive, but the same keys appear in SSM targets (`tag:<key>`) and IAM
 * condition keys, so we hold them to the common set.
 */

export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Keys our snapshot documents write themselves; users may not set them through snapshotTags. */
export const ENVIRONMENT_TAG_KEY = "vss-fleet:environment";
export const FLEET_TAG_KEY = "vss-fleet:fleet";
/** The fleet tag's value: the Pulumi project's name (Pulumi.yaml), which the stack program passes as the fleet. */
export const DEFAULT_FLEET = "vss-fleet";
export const ENGINE_TAG_KEY = "vss-fleet:engine";

/** Keys that AWS's VSS provider reserves: passing any of them makes AWSEC2-CreateVssSnapshot fail. */
export const AWS_VSS_RESERVED_TAG_KEYS = ["Device", "AppConsistent", "AwsVssConfig"] as const;

export const RESERVED_SNAPSHOT_TAG_KEYS: readonly string[] = [
    ...AWS_VSS_RESERVED_TAG_KEYS,
    ENVIRONMENT_TAG_KEY,
    FLEET_TAG_KEY,
    ENGINE_TAG_KEY,
];

/** Why no AWS resource can carry the tag key `key` (its length), or undefined. */
export function tagKeyLengthProblem(key: string): string | undefined {
    // AWS counts Unicode characters, not UTF-16 units.
    const length = [...key].length;
    return length < 1 || length > TAG_KEY_MAX
        ? `tag key must be 1-${TAG_KEY_MAX} characters (AWS's limit); this one has ${length}`
        : undefined;
}

/** Why no AWS resource can carry the tag value `value` (its length), or undefined. */
export function tagValueLengthProblem(value: string): string | undefined {
    const length = [...value].length;
    return length > TAG_VALUE_MAX
        ? `tag value must be at most ${TAG_VALUE_MAX} characters (AWS's limit); this one has ${length}`
        : undefined;
}

/** Why `key` cannot be a tag key, or undefined. */
export function tagKeyProblem(key: string): string | undefined {
    const tooLong = tagKeyLengthProblem(key);
    if (tooLong) {
        return tooLong;
    }
    if (key.toLowerCase().startsWith("aws:")) {
        return "tag keys starting with 'aws:' are reserved by AWS";
    }
    if (!TAG_CHARACTERS.test(key)) {
        return "tag key may contain only letters, digits, spaces and _ . : / = + - @";
    }
    return undefined;
}

/**
 * Every snapshot key under this prefix is vss-fleet's own: the set ids (vss-fleet:shadow-set-id), the
 * window execution, the copies' provenance. A user tag under it would make unrelated snapshots look
 * like one set or like a proof of origin, so snapshotTags may name none of them, present or future.
 */
export const RESERVED_TAG_PREFIX = "vss-fleet:";

/** Why `key` cannot be a snapshot tag the user sets, or undefined (tagKeyProblem is checked first). */
export function snapshotTagKeyProblem(key: string): string | undefined {
    if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) {
        return `tag keys starting with '${RESERVED_TAG_PREFIX}' are reserved: vss-fleet writes them on every snapshot to group sets and prove their origin; use a key of your own, such as 'backup:${key.slice(RESERVED_TAG_PREFIX.length)}'`;
    }
    return RESERVED_SNAPSHOT_TAG_KEYS.includes(key) ? "this key is written by vss-fleet or AWS VSS itself" : undefined;
}

/** Why `value` cannot be a tag value, or undefined. */
export function tagValueProblem(value: string): string | undefined {
    const tooLong = tagValueLengthProblem(value);
    if (tooLong) {
        return tooLong;
    }
    if (!TAG_CHARACTERS.test(value)) {
        return "tag value may contain only letters, digits, spaces and _ . : / = + - @";
    }
    return undefined;
}
