/**
 * Reading YAML (and JSON, which is YAML) from people and from AWS exports: positions kept so errors
 * can say file:line:col, and hostile input refused before it is turned into objects. A manifest is
 * plain data, so explicit tags (`!custom`, `!!js/function`), merge keys (`<<`), `__proto__` keys,
 * nesting deeper than a limit, aliases that multiply (an "alias bomb") and oversized input are all
 * refused with their position, never a stack trace or a silently different value.
 */
import {
    isAlias,
    isCollection,
    isMap,
    isPair,
    isScalar,
    isSeq,
    LineCounter,
    parseDocument,
    type Document,
    type Node,
    type Scalar,
} from "yaml";
import { formatPath } from "./parse";

export interface SourcePosition {
    readonly line: number;
    readonly col: number;
}

/** What a YAML input may hold at most. */
export interface YamlLimits {
    /** Bytes of UTF-8 text. */
    readonly maxBytes: number;
    /** Nested mappings and sequences. */
    readonly maxDepth: number;
    /** Nodes that aliases may add when they are expanded. */
    readonly maxAliasNodes: number;
}

/** A manifest or stack file: far above any real fleet (50 environments take about 10 KiB). */
export const MANIFEST_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxAliasNodes: 10_000 };
/** AWS CLI exports: 10,000 instances of describe-instances take about 50 MB. */
export const AWS_JSON_LIMITS: YamlLimits = { maxBytes: 512 * 1024 * 1024, maxDepth: 32, maxAliasNodes: 10_000 };

/** Keys that would name a JavaScript object's prototype instead of holding data. */
const PROTOTYPE_KEYS = new Set(["__proto__"]);

type Path = (string | number)[];

/** A parsed YAML file that can answer "where is this key?" and "is it safe to use?". */
export class YamlSource {
    readonly document: Document;
    /** Every problem as `file:line:col: key.path: problem`; toJS() is only safe when this is empty. */
    readonly problems: readonly string[];
    private readonly lines = new LineCounter();

    constructor(
        readonly file: string,
        readonly text: string,
        readonly limits: YamlLimits = MANIFEST_LIMITS,
        /** Put in front of a syntax error's message, for example "not valid JSON". */
        private readonly syntaxLabel?: string,
    ) {
        const before = this.inputProblems();
        // A refused input is not parsed at all: an over-deep one overflows the parser's stack.
        this.document = parseDocument(before.length > 0 ? "" : text, {
            lineCounter: this.lines,
            keepSourceTokens: false,
            uniqueKeys: false,
        });
        this.problems = before.length > 0 ? before : [...this.syntaxProblems(), ...this.structureProblems()];
    }

    /** The document as plain data; throws only if called although `problems` is not empty. */
    toJS(): unknown {
        if (this.problems.length > 0) {
            throw new Error(`${this.file}: toJS() on a document with problems`);
        }
        return this.document.toJS({ maxAliasCount: -1 });
    }

    positionOf(offset: number): SourcePosition {
        const { line, col } = this.lines.linePos(offset);
        return { line, col };
    }

    /**
     * The position of the deepest key along `path` that exists: the offending key itself when it is
     * there (unknown keys, bad values), else the closest parent (a missing required key).
     */
    locate(path: readonly (string | number)[]): SourcePosition {
        let node: unknown = this.document.contents;
        let offset = (node as Node | null)?.range?.[0] ?? 0;
        for (const segment of path) {
            if (isMap(node)) {
                const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
                if (!pair) {
                    break;
                }
                offset = (pair.key as Node).range?.[0] ?? offset;
                node = pair.value;
            } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
                node = node.items[segment];
                offset = (node as Node).range?.[0] ?? offset;
            } else {
                break;
            }
        }
        return this.positionOf(offset);
    }

    /** `file:line:col` for a key path. */
    where(path: readonly (string | number)[]): string {
        const { line, col } = this.locate(path);
        return `${this.file}:${line}:${col}`;
    }

    private at(offset: number, path: Path, message: string): string {
        const { line, col } = this.positionOf(offset);
        return `${this.file}:${line}:${col}: ${path.length > 0 ? `${formatPath(path)}: ` : ""}${message}`;
    }

    /** Size, and flow nesting found by a lexical scan (the parser itself recurses once per level). */
    private inputProblems(): string[] {
        const bytes = Buffer.byteLength(this.text, "utf8");
        if (bytes > this.limits.maxBytes) {
            return [
                `${this.file}: is ${bytes} bytes; the limit is ${this.limits.maxBytes} bytes (${this.limits.maxBytes / 1024 / 1024} MiB)`,
            ];
        }
        const deep = flowDepthExceeded(this.text, this.limits.maxDepth);
        if (deep !== undefined) {
            const { line, col } = lineAndColumn(this.text, deep);
            return [`${this.file}:${line}:${col}: ${this.depthMessage()}`];
        }
        return [];
    }

    private depthMessage(): string {
        return `nested deeper than ${this.limits.maxDepth} levels (the limit for this input)`;
    }

    private syntaxProblems(): string[] {
        return this.document.errors.map((error) => {
            const offset = error.pos[0];
            const message =
                error.code === "RESOURCE_EXHAUSTION"
                    ? this.depthMessage()
                    : error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
            return this.at(offset, [], this.syntaxLabel ? `${this.syntaxLabel}: ${message}` : message);
        });
    }

    /** One iterative walk (no recursion, whatever the depth) over every node, with its key path. */
    private structureProblems(): string[] {
        if (this.document.errors.length > 0) {
            return [];
        }
        const problems: string[] = [];
        const aliasSizes = new Map<Node, number>();
        let aliasNodes = 0;
        const stack: { node: unknown; path: Path; depth: number }[] = [{ node: this.document.contents, path: [], depth: 0 }];
        while (stack.length > 0) {
            const { node, path, depth } = stack.pop()!;
            const offset = (node as Node | null)?.range?.[0] ?? 0;
            if (isAlias(node)) {
                const target = node.resolve(this.document);
                const size = target ? expandedSize(target, aliasSizes, this.document) : 1;
                if (target) {
                    aliasSizes.set(target, size);
                }
                aliasNodes += size;
                if (aliasNodes > this.limits.maxAliasNodes) {
                    problems.push(
                        this.at(
                            offset,
                            path,
                            `alias *${node.source} takes the expanded aliases past ${this.limits.maxAliasNodes} nodes; ` +
                                "aliases that multiply (an alias bomb) are refused: write the values out",
                        ),
                    );
                    return problems;
                }
                continue;
            }
            if (!isCollection(node) && !isScalar(node)) {
                continue;
            }
            if (node.tag !== undefined) {
                problems.push(
                    this.at(offset, path, `YAML tag '${shortTag(node.tag)}' is not supported: a manifest is plain data; remove the tag`),
                );
            }
            if (!isCollection(node)) {
                continue;
            }
            if (depth >= this.limits.maxDepth) {
                problems.push(this.at(offset, path, this.depthMessage()));
                continue;
            }
            const children: { node: unknown; path: Path; depth: number }[] = [];
            const seen = new Map<string, number>();
            node.items.forEach((item, index) => {
                if (!isPair(item)) {
                    children.push({ node: item, path: [...path, index], depth: depth + 1 });
                    return;
                }
                const key = item.key as Node | null;
                const keyOffset = key?.range?.[0] ?? offset;
                if (!isScalar(key)) {
                    problems.push(this.at(keyOffset, path, "keys must be plain text, not mappings or sequences"));
                    return;
                }
                const name = String(key.value);
                const keyPath = [...path, name];
                if (name === "<<" && (key as Scalar).type === "PLAIN") {
                    problems.push(
                        this.at(
                            keyOffset,
                            keyPath,
                            "merge keys (<<) are not supported: write the keys out, or put shared settings under 'defaults'",
                        ),
                    );
                } else if (PROTOTYPE_KEYS.has(name)) {
                    problems.push(
                        this.at(keyOffset, keyPath, `key '${name}' is refused: it names a JavaScript object's prototype, not data`),
                    );
                } else if (seen.has(name)) {
                    const first = this.positionOf(seen.get(name)!);
                    problems.push(
                        this.at(
                            keyOffset,
                            keyPath,
                            `duplicate key '${name}' (first at line ${first.line}, column ${first.col}); each key may appear once in a mapping`,
                        ),
                    );
                } else {
                    seen.set(name, keyOffset);
                }
                if (key.tag !== undefined) {
                    problems.push(
                        this.at(
                            keyOffset,
                            keyPath,
                            `YAML tag '${shortTag(key.tag)}' is not supported: a manifest is plain data; remove the tag`,
                        ),
                    );
                }
                children.push({ node: item.value, path: keyPath, depth: depth + 1 });
            });
            // Reversed, so problems come out in document order.
            stack.push(...children.reverse());
        }
        return problems;
    }
}

/** `!!str` for YAML's own tags, the tag as written otherwise. */
function shortTag(tag: string): string {
    return tag.replace(/^tag:yaml\.org,2002:/, "!!");
}

/**
 * How many nodes `node` stands for once its aliases are expanded. Aliases point back to anchors met
 * earlier in the walk, whose sizes are in `known`, so this never recurses.
 */
function expandedSize(node: Node, known: ReadonlyMap<Node, number>, document: Document): number {
    let size = 0;
    const stack: unknown[] = [node];
    while (stack.length > 0) {
        const current = stack.pop();
        if (isAlias(current)) {
            const target = current.resolve(document);
            size += (target && known.get(target)) ?? 1;
        } else if (isCollection(current)) {
            size += 1;
            for (const item of current.items) {
                stack.push(...(isPair(item) ? [item.key, item.value] : [item]));
            }
        } else if (current !== null && current !== undefined) {
            size += 1;
        }
    }
    return size;
}

/**
 * The offset of the first `[` or `{` that opens more than `limit` flow collections, skipping quoted
 * text and comments; undefined when the text stays within the limit. Block nesting is checked on the
 * parsed document (indentation bounds it by the input size).
 */
function flowDepthExceeded(text: string, limit: number): number | undefined {
    let depth = 0;
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === "\\" && quote === '"') {
                i++;
            } else if (c === quote) {
                quote = undefined;
            }
        } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) {
            // A quote opens quoted text only where a token starts: the apostrophe in don't does not.
            quote = c;
        } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
            const end = text.indexOf("\n", i);
            i = end === -1 ? text.length : end;
        } else if (c === "[" || c === "{") {
            if (++depth > limit) {
                return i;
            }
        } else if ((c === "]" || c === "}") && depth > 0) {
            depth--;
        }
    }
    return undefined;
}

function lineAndColumn(text: string, offset: number): SourcePosition {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, col: offset - before.lastIndexOf("\n") };
}
