/** Reading resource properties the way a preview-safe policy must. */

/**
 * The value of `read()`, or `UNKNOWN` when the policy server's proxy reports that it cannot be known
 * during preview. Policies use this where an unknown value cannot change the verdict (a computed
 * role ARN is never the service-linked role), so they stay mandatory during preview.
 */
export const UNKNOWN = Symbol("unknown during preview");

export function known<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (error) {
        if (error instanceof Error && error.constructor.name === "UnknownValueError") {
            return UNKNOWN;
        }
        throw error;
    }
}

/** True when `key` is present on `props`, without reading (and so without tripping) its value. */
export function isSet(props: object, key: string): boolean {
    return key in props;
}

/** `error` when it is the proxy's "unknown during preview" error; anything else is rethrown. */
export function unknownValueError(error: unknown): Error {
    if (error instanceof Error && error.constructor.name === "UnknownValueError") {
        return error;
    }
    throw error;
}
