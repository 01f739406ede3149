/**
 * Text as a terminal shows it, made unambiguous: characters that print as nothing (a zero-width
 * space, a byte-order mark, bidirectional controls) or as a plain space (a no-break space) would let
 * `prod\u200b` look like `prod`, so they are shown escaped; NUL and the other control characters
 * (except tab, newline and the escape that starts Pulumi's colours) are never written raw.
 */

const HIDDEN = /[\0-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/** `text` with every hidden character as `\uXXXX`. */
export function visible(text: string): string {
    return text.replace(HIDDEN, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/** An argument as a POSIX shell reads it back unchanged: bare when it is plain, else in single quotes. */
export function shellQuote(arg: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
