/**
 * Every environment a command read is accounted for on the way out. A pipeline that skips an
 * environment and exits 0 is the worst thing a backup tool can do, so an environment that goes
 * missing between parsing and the result is an internal error (a bug), never a silent skip.
 */

/** A broken invariant of vss-fleet itself: exit 1 with "internal error", never exit 0. */
export class InternalError extends Error {
    constructor(message: string) {
        super(`internal error (a bug, please report it): ${message}`);
        this.name = "InternalError";
    }
}

/** Throws an InternalError unless `reported` names each of `expected` exactly once, and nothing else. */
export function accountFor(what: string, expected: readonly string[], reported: readonly string[]): void {
    const missing = expected.filter((name) => !reported.includes(name));
    const extra = reported.filter((name) => !expected.includes(name));
    const twice = reported.filter((name, i) => reported.indexOf(name) !== i);
    if (missing.length + extra.length + twice.length > 0) {
        const parts = [
            missing.length > 0 ? `missing ${missing.join(", ")}` : "",
            extra.length > 0 ? `not asked for ${extra.join(", ")}` : "",
            twice.length > 0 ? `reported twice ${twice.join(", ")}` : "",
        ].filter(Boolean);
        throw new InternalError(`${what}: ${expected.length} environment(s) in, ${reported.length} out (${parts.join("; ")})`);
    }
}
