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

/**
 * The IAM path of everything an environment's stacks create in IAM. The deploy role's IAM grants are
 * scoped to this path, never to a name prefix: names of environments can be prefixes of one another
 * ("prod" and "prod-eu"), paths end in "/" and cannot.
 */
export function iamPath(environment: string): string {
    return `/vss-fleet/${environment}/`;
}

/**
 * Where the permissions boundaries live: outside every environment's path, so no deploy role can
 * create, change or delete one. An administrator applies them once (`vss-fleet deploy-policy --bootstrap`).
 */
export const BOUNDARY_PATH = "/vss-fleet-boundary/";

/** The boundary policy's name: one per environment, so one environment's roles never carry another's. */
export function boundaryPolicyName(environment: string): string {
    return `vss-fleet-${environment}-boundary`;
}

/** arn:<partition>:iam::<account>:<kind><path><name>; an IAM ARN carries the path in front of the name. */
export function iamArn(
    partition: string,
    accountId: string,
    kind: "role" | "policy" | "instance-profile",
    path: string,
    name: string,
): string {
    return `arn:${partition}:iam::${accountId}:${kind}${path}${name}`;
}

export function boundaryPolicyArn(partition: string, accountId: string, environment: string): string {
    return iamArn(partition, accountId, "policy", BOUNDARY_PATH, boundaryPolicyName(environment));
}

/**
 * The snapshot policy for roles the environment did not create (existingInstanceRoleNames). Those
 * roles carry no boundary, so the policy sits in the administrator's path beside the boundaries,
 * where the deploy role can attach it but never write it: a deploy role that could rewrite it could
 * grant the servers' roles anything.
 */
export function existingRolesPolicyName(environment: string): string {
    return `vss-fleet-${environment}-instance-snapshot`;
}

export function existingRolesPolicyArn(partition: string, accountId: string, environment: string): string {
    return iamArn(partition, accountId, "policy", BOUNDARY_PATH, existingRolesPolicyName(environment));
}

/** "/app/WebServers" is the role WebServers in the path /app/; a bare name is in the path "/". */
export function splitRolePath(entry: string): { path: string; name: string } {
    const cut = entry.lastIndexOf("/") + 1;
    return { path: entry.slice(0, cut) || "/", name: entry.slice(cut) };
}

/** What every role an environment creates carries: its path and its permissions boundary. */
export function rolePlacement(partition: string, accountId: string, environment: string): { path: string; permissionsBoundary: string } {
    return { path: iamPath(environment), permissionsBoundary: boundaryPolicyArn(partition, accountId, environment) };
}

/** The lifecycle function's name before Pulumi's random suffix (the component names it "<env>-lifecycle-fn"). */
export function lifecycleFunctionPrefix(environment: string): string {
    return childName(environment, "lifecycle-fn-");
}
