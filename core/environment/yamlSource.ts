/** Finding where a key path sits in a YAML file, so errors can say file:line:col. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

export interface SourcePosition {
    readonly line: number;
    readonly col: number;
}

/** A parsed YAML file that can answer "where is this key?". */
export class YamlSource {
    readonly document: Document;
    private readonly lines = new LineCounter();

    constructor(
        readonly file: string,
        readonly text: string,
    ) {
        this.document = parseDocument(text, { lineCounter: this.lines, keepSourceTokens: false, uniqueKeys: true });
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
}
