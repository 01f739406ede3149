/**
 * The deploy policy and the boundary grant some resources by name with a trailing wildcard, because
 * AWS or Pulumi appends a random suffix: rules `<env>-lc-*`, alarms `<env>-lifecycle-alarm-*`, the
 * function `<env>-lifecycle-fn-*`, the topic `<env>-lifecycle-alerts-*`, the document
 * `<env>-snapshot-document*`. An environment of the same account named `<env>-lc` or
 * `<env>-lifecycle...` would have resources those wildcards match, so one environment's grants would
 * reach the other's. Such a name is refused (IAM grants, under a path, are not affected: paths end in "/").
 */
import type { FleetEnvironment, Located } from "./load";

/** The first word after "<env>-" of every name the grants end in a wildcard. */
export const WILDCARD_NAME_WORDS: readonly string[] = ["lc", "lifecycle", "snapshot"];

/** One problem per environment whose name is another's of the same account, a "-", and a word the grants use. */
export function prefixCollisions(environments: readonly FleetEnvironment[]): Located[] {
    const out: Located[] = [];
    for (const { spec } of environments) {
        const shorter = environments
            .map((e) => e.spec)
            .find(
                (other) =>
                    other.accountId === spec.accountId &&
                    spec.name.startsWith(`${other.name}-`) &&
                    WILDCARD_NAME_WORDS.includes(spec.name.slice(other.name.length + 1).split("-")[0]),
            );
        if (shorter) {
            const word = spec.name.slice(shorter.name.length + 1).split("-")[0];
            out.push({
                path: ["environments", spec.name],
                message:
                    `'${spec.name}' is environment '${shorter.name}' of the same account followed by "-${word}": ` +
                    `${shorter.name}'s grants on names such as ${shorter.name}-${word}-* would match this environment's resources. ` +
                    `Rename it so that it does not start with "${shorter.name}-${word}" (for example ${shorter.name}-2 or ${word}-${shorter.name})`,
            });
        }
    }
    return out;
}
