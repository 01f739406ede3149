/**
 * Which tag sets select an instance, in O(tags of the instance) rather than O(tag sets): each set is
 * indexed under one of its key=value pairs, so a lookup only checks the sets that could match.
 * Stack policies stay O(n) in instances however many environments there are.
 */

export type TagSet = Readonly<Record<string, string>>;

export interface NamedTagSet {
    /** Who selects with these tags: an environment name or a window target's URN. */
    readonly owner: string;
    readonly tags: TagSet;
}

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

export class TagSetIndex {
    private readonly byPair = new Map<string, NamedTagSet[]>();
    readonly size: number;

    constructor(sets: readonly NamedTagSet[]) {
        for (const set of sets) {
            const entries = Object.entries(set.tags);
            if (entries.length === 0) {
                continue; // an empty set would select everything; SSM does not allow it either
            }
            const [key, value] = entries[0];
            const bucket = this.byPair.get(pairKey(key, value)) ?? [];
            bucket.push(set);
            this.byPair.set(pairKey(key, value), bucket);
        }
        this.size = sets.length;
    }

    /** The first set whose every tag the instance carries, or undefined. */
    match(instanceTags: TagSet): NamedTagSet | undefined {
        for (const [key, value] of Object.entries(instanceTags)) {
            for (const set of this.byPair.get(pairKey(key, value)) ?? []) {
                if (Object.entries(set.tags).every(([k, v]) => instanceTags[k] === v)) {
                    return set;
                }
            }
        }
        return undefined;
    }
}

/** `Key=Value, Key2=Value2`, for messages that tell users exactly what to add. */
export function formatTags(tags: TagSet): string {
    return Object.entries(tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ");
}
