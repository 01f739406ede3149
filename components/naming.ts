/** Names and tags for the resources an environment owns, built the same way everywhere. */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../core/environment";

/** A child's logical name: the parent's name and the child's part ("prod-backup-task-role"). */
export function childName(parent: string, part: string): string {
    return `${parent}-${part}`;
}

/** Tags on every AWS resource an environment creates, so operators can find what vss-fleet owns. */
export function resourceTags(environment: string, fleet: string): Record<string, string> {
    return { [ENVIRONMENT_TAG_KEY]: environment, [FLEET_TAG_KEY]: fleet, "managed-by": "vss-fleet" };
}

/** Maintenance-window targets that select instances by tag: one `tag:<key>` entry per tag (ANDed). */
export function tagTargets(targetTags: Readonly<Record<string, string>>): { key: string; values: string[] }[] {
    return Object.entries(targetTags).map(([key, value]) => ({ key: `tag:${key}`, values: [value] }));
}

/**
 * EventBridge rule names (like Lambda function and IAM role names) are at most 64 characters, and
 * Pulumi appends "-" and 7 random characters, so for the longest environment name (40) the part after
 * "<env>-" has 15 characters left: rules are "<env>-lc-<kind>", not "<env>-lifecycle-<kind>-failed".
 */
export function lifecycleRuleName(environment: string, kind: string): string {
    return childName(environment, `lc-${kind}`);
}
