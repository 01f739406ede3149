/**
 * Two environments in one account and region whose target tag sets nest select the same instances:
 * an instance carrying the larger set carries the smaller one too (a window target matches all of
 * its tags), so it would be snapshotted twice a night. Equal sets are the simplest case.
 */
import type { FleetEnvironment, Located, Path } from "./load";

type Tags = Readonly<Record<string, string>>;

const describe = (tags: Tags) =>
    Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");

/** True when every tag of `small` is in `large` with the same value. */
function contains(large: Tags, small: Tags): boolean {
    return Object.entries(small).every(([key, value]) => Object.hasOwn(large, key) && large[key] === value);
}

/** One problem per environment whose target tags nest with an earlier one's, at the later environment. */
export function overlappingTargets(environments: readonly FleetEnvironment[], where: (path: Path) => string): Located[] {
    const out: Located[] = [];
    environments.forEach(({ spec }, i) => {
        const other = environments
            .slice(0, i)
            .map((e) => e.spec)
            .find(
                (e) =>
                    e.accountId === spec.accountId &&
                    e.region === spec.region &&
                    (contains(spec.targetTags, e.targetTags) || contains(e.targetTags, spec.targetTags)),
            );
        if (!other) {
            return;
        }
        const position = where(["environments", other.name, "targetTags"]);
        const [broad, narrow] = contains(spec.targetTags, other.targetTags) ? [other, spec] : [spec, other];
        const equal = contains(broad.targetTags, narrow.targetTags);
        out.push({
            path: ["environments", spec.name, "targetTags"],
            message: equal
                ? `selects the same instances as environment '${other.name}' (${position}; same account, region and targetTags); ` +
                  "each instance would be snapshotted twice"
                : `an instance tagged ${describe(narrow.targetTags)} is selected by this environment and by '${other.name}' (${position}) ` +
                  `in the same account and region (${broad.name}'s target tags ${describe(broad.targetTags)} are all among ${narrow.name}'s), ` +
                  `so it would be snapshotted twice; make the tag sets disjoint, for example with a different ${Object.keys(broad.targetTags)[0]} value`,
        });
    });
    return out;
}
