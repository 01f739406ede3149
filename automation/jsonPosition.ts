/**
 * Where a key path sits in JSON text, found by scanning the text without building it: memory stays
 * constant however large the file, where a positioned YAML parse of a 100 MB export takes gigabytes.
 * Same answer as YamlSource.locate: the deepest key along the path that exists (the offending key
 * itself, else its closest parent), or for an array element the element's first character.
 */

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, i: number): number {
    while (i < text.length && isSpace(text.charCodeAt(i))) {
        i++;
    }
    return i;
}

/** From an opening quote to just past the closing one. */
function skipString(text: string, i: number): number {
    for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) {
            i++; // the escaped character
        } else if (c === 0x22) {
            return i + 1;
        }
    }
    return text.length;
}

/** From a value's first character to just past it. */
function skipValue(text: string, i: number): number {
    const first = text[i];
    if (first === '"') {
        return skipString(text, i);
    }
    if (first === "{" || first === "[") {
        let depth = 0;
        while (i < text.length) {
            const c = text[i];
            if (c === '"') {
                i = skipString(text, i);
                continue;
            }
            depth += c === "{" || c === "[" ? 1 : c === "}" || c === "]" ? -1 : 0;
            i++;
            if (depth === 0) {
                return i;
            }
        }
        return i;
    }
    while (i < text.length && !",}]".includes(text[i]) && !isSpace(text.charCodeAt(i))) {
        i++;
    }
    return i;
}

/** Past a value and its trailing comma, at the next element or the closing bracket. */
function nextElement(text: string, i: number): number {
    i = skipSpace(text, skipValue(text, i));
    return text[i] === "," ? skipSpace(text, i + 1) : i;
}

/** The offset of `key`'s opening quote in the object opening at `i`, and of its value; undefined if absent. */
function findKey(text: string, i: number, key: string): { key: number; value: number } | undefined {
    let j = skipSpace(text, i + 1);
    while (j < text.length && text[j] === '"') {
        const end = skipString(text, j);
        const value = skipSpace(text, skipSpace(text, end) + 1); // past the colon
        if ((JSON.parse(text.slice(j, end)) as string) === key) {
            return { key: j, value };
        }
        j = nextElement(text, value);
    }
    return undefined;
}

/** The offset of element `index` of the array opening at `i`; undefined if it has fewer. */
function findElement(text: string, i: number, index: number): number | undefined {
    let j = skipSpace(text, i + 1);
    for (let k = 0; j < text.length && text[j] !== "]"; k++) {
        if (k === index) {
            return j;
        }
        j = nextElement(text, j);
    }
    return undefined;
}

/** The offset of the deepest node along `path` in valid JSON `text`. */
export function jsonPathOffset(text: string, path: readonly (string | number)[]): number {
    let node = skipSpace(text, 0);
    let offset = node;
    for (const segment of path) {
        if (text[node] === "{") {
            const found = findKey(text, node, String(segment));
            if (!found) {
                break;
            }
            [offset, node] = [found.key, found.value];
        } else if (text[node] === "[" && typeof segment === "number") {
            const found = findElement(text, node, segment);
            if (found === undefined) {
                break;
            }
            [offset, node] = [found, found];
        } else {
            break;
        }
    }
    return offset;
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; col: number } {
    let line = 1;
    let start = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
        line++;
        start = i + 1;
    }
    return { line, col: offset - start + 1 };
}

/** A key that an object of the text holds twice: JSON.parse would keep the last one silently. */
export interface DuplicateKey {
    readonly path: readonly (string | number)[];
    readonly offset: number;
    readonly firstOffset: number;
}

/** Past a string's closing quote; indexOf skips the plain characters in native code. */
function pastString(text: string, i: number): number {
    for (let j = i + 1; ;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
            return text.length;
        }
        let slashes = 0;
        for (let b = q - 1; text.charCodeAt(b) === 0x5c; b--) {
            slashes++;
        }
        if (slashes % 2 === 0) {
            return q + 1;
        }
        j = q + 1;
    }
}

const MANY_KEYS = 32;

interface Frame {
    /** The object's keys, and where each stands; undefined for an array. Objects have few keys: a list is cheaper than a Map. */
    readonly keys: string[] | undefined;
    readonly offsets: number[];
    /** The same keys indexed, once there are many (a list search would be quadratic). */
    index?: Map<string, number>;
    /** The current key, or element index: this frame's part of a path. */
    segment: string | number;
    expectKey: boolean;
}

/** The first `max` duplicate keys of valid JSON `text`, in document order, scanned without building it. */
export function duplicateKeys(text: string, max: number): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    const stack: Frame[] = [];
    for (let i = 0; i < text.length;) {
        const c = text.charCodeAt(i);
        if (c === 0x22) {
            const end = pastString(text, i);
            const top = stack[stack.length - 1];
            if (top?.keys && top.expectKey) {
                const raw = text.slice(i + 1, end - 1);
                const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
                const index = top.index ? (top.index.get(key) ?? -1) : top.keys.indexOf(key);
                top.segment = key;
                top.expectKey = false;
                if (index < 0) {
                    top.index?.set(key, top.keys.length);
                    top.keys.push(key);
                    top.offsets.push(i);
                    if (!top.index && top.keys.length > MANY_KEYS) {
                        top.index = new Map(top.keys.map((k, n) => [k, n]));
                    }
                } else {
                    found.push({ path: stack.map((f) => f.segment), offset: i, firstOffset: top.offsets[index] });
                    if (found.length >= max) {
                        return found;
                    }
                }
            }
            i = end;
            continue;
        }
        if (c === 0x7b) {
            stack.push({ keys: [], offsets: [], segment: "", expectKey: true });
        } else if (c === 0x5b) {
            stack.push({ keys: undefined, offsets: [], segment: 0, expectKey: false });
        } else if (c === 0x7d || c === 0x5d) {
            stack.pop();
        } else if (c === 0x2c) {
            const top = stack[stack.length - 1];
            if (top?.keys) {
                top.expectKey = true;
            } else if (top) {
                top.segment = (top.segment as number) + 1;
            }
        }
        i++;
    }
    return found;
}
