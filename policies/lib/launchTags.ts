/**
 * Reading the tags a launcher puts on the instances it starts. Two modes, on purpose:
 * - strict readers (`*Strict`) touch values directly, so a value unknown at preview throws and the
 *   policy is downgraded to advisory instead of deciding "untagged" from a tag it cannot see;
 * - lenient readers skip unknown values; they feed hints (Windows detection, near-miss notes) where a
 *   missing value can only make the policy say less, never block wrongly.
 */
import { known, UNKNOWN } from "./props";

type Props = Record<string, unknown>;

export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** A {key: value} map; unknown or non-string values are skipped. */
export function stringMap(value: unknown): Record<string, string> {
    if (value === UNKNOWN || typeof value !== "object" || value === null) {
        return {};
    }
    const out: Record<string, string> = {};
    for (const key of Object.keys(value)) {
        const v = known(() => (value as Props)[key]);
        if (typeof v === "string") {
            out[key] = v;
        }
    }
    return out;
}

/** A {key: value} map read strictly: an unknown map or value throws (advisory during preview). */
export function stringMapStrict(value: unknown): Record<string, string> {
    if (typeof value !== "object" || value === null) {
        return {};
    }
    const out: Record<string, string> = {};
    for (const key of Object.keys(value)) {
        const v = (value as Props)[key];
        if (typeof v === "string") {
            out[key] = v;
        }
    }
    return out;
}

/** Elements of an array, each read leniently; [] when the array itself is unknown or absent. */
function lenientItems(value: unknown): Props[] {
    if (!Array.isArray(value)) {
        return [];
    }
    return value.map((_, i) => known(() => value[i] as unknown)).filter((v): v is Props => typeof v === "object" && v !== null);
}

/** A launch template's tag specifications for `resourceType: instance`, strictly. */
export function templateInstanceTagsStrict(props: Props): Record<string, string> {
    const specs = props.tagSpecifications;
    if (!Array.isArray(specs)) {
        return {};
    }
    const out: Record<string, string> = {};
    for (const spec of specs as Props[]) {
        if (spec.resourceType === "instance") {
            Object.assign(out, stringMapStrict(spec.tags));
        }
    }
    return out;
}

/** The same, leniently (for OS hints). */
export function templateInstanceTags(props: Props): Record<string, string> {
    const specs = lenientItems(known(() => props.tagSpecifications));
    return Object.assign({}, ...specs.map((s) => (known(() => s.resourceType) === "instance" ? stringMap(known(() => s.tags)) : {})));
}

/** Tags on a template that never reach its instances: its own tags and specifications for other resource types. */
export function templateStrayTags(props: Props): Record<string, string> {
    const specs = lenientItems(known(() => props.tagSpecifications));
    const others = specs.filter((s) => known(() => s.resourceType) !== "instance").map((s) => stringMap(known(() => s.tags)));
    return Object.assign({}, stringMap(known(() => props.tags)), ...others);
}

/** An Auto Scaling group's tags with propagateAtLaunch: true, strictly. */
export function propagatedTagsStrict(props: Props): Record<string, string> {
    const tags = props.tags;
    const out: Record<string, string> = {};
    if (Array.isArray(tags)) {
        for (const tag of tags as Props[]) {
            if (tag.propagateAtLaunch === true && typeof tag.key === "string" && typeof tag.value === "string") {
                out[tag.key] = tag.value;
            }
        }
    }
    return out;
}

/** The group's tags that stay on the group (propagateAtLaunch false), leniently. */
export function unpropagatedTags(props: Props): Record<string, string> {
    const out: Record<string, string> = {};
    for (const tag of lenientItems(known(() => props.tags))) {
        const [key, value, propagate] = [known(() => tag.key), known(() => tag.value), known(() => tag.propagateAtLaunch)];
        if (propagate === false && typeof key === "string" && typeof value === "string") {
            out[key] = value;
        }
    }
    return out;
}

/** Lenient view of an array-of-objects property (a spot fleet's launchSpecifications). */
export function items(props: Props, key: string): Props[] {
    return lenientItems(known(() => props[key]));
}
