/**
 * PowerShell parsed with a real grammar (tree-sitter-powershell's wasm through web-tree-sitter), so
 * tests check the script's structure on its syntax tree rather than with regexes over text.
 * Mocha runs with --liftoff-only (.mocharc.json) so the wasm does not keep the process alive.
 */
import { Language, Parser, type Node, type Tree } from "web-tree-sitter";

let parser: Promise<Parser> | undefined;

async function makeParser(): Promise<Parser> {
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm"));
    const p = new Parser();
    p.setLanguage(language);
    return p;
}

export async function parsePowerShell(text: string): Promise<Tree> {
    parser ??= makeParser();
    const tree = (await parser).parse(text);
    if (!tree) {
        throw new Error("the PowerShell parser returned no tree");
    }
    return tree;
}

export function descendants(node: Node, type?: string): Node[] {
    const out: Node[] = [];
    const walk = (n: Node) => {
        if (!type || n.type === type) {
            out.push(n);
        }
        n.children.forEach((c) => c && walk(c));
    };
    walk(node);
    return out;
}

/** ERROR and MISSING nodes, as "line:col: text". */
export function syntaxProblems(tree: Tree): string[] {
    return descendants(tree.rootNode)
        .filter((n) => n.type === "ERROR" || n.isMissing)
        .map((n) => `${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${n.isMissing ? "missing " : ""}${n.text.slice(0, 40)}`);
}

export function commandName(command: Node): string {
    return command.childForFieldName("command_name")?.text ?? "";
}

export function commands(node: Node, name?: string): Node[] {
    return descendants(node, "command").filter((c) => !name || commandName(c).toLowerCase() === name.toLowerCase());
}

export function commandParameters(command: Node): string[] {
    return descendants(command, "command_parameter")
        .filter((p) => p.parent?.parent?.id === command.id)
        .map((p) => p.text.toLowerCase());
}

export function ancestors(node: Node): Node[] {
    const out: Node[] = [];
    for (let n = node.parent; n; n = n.parent) {
        out.push(n);
    }
    return out;
}

export function functionNamed(tree: Tree, name: string): Node | undefined {
    return descendants(tree.rootNode, "function_statement").find((f) => f.children.find((c) => c?.type === "function_name")?.text === name);
}
