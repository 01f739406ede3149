/**
 * Everything README.md and docs/*.md name exists: each file path (a link, or a repository path in
 * backticks), each `vss-fleet <command>` and every `--flag` written after it, and each `npm run`
 * script. A moved test file or a renamed flag fails here, not in a reader's terminal.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { COMMANDS } from "../../automation/commands";

const ROOT = path.join(__dirname, "..", "..");

function docs(): string[] {
    return [
        "README.md",
        ...fs
            .readdirSync(path.join(ROOT, "docs"))
            .filter((f) => f.endsWith(".md"))
            .map((f) => `docs/${f}`),
    ];
}

/** Folders of this repository: a backticked token starting with one of them is a path here. */
const REPO_FOLDERS =
    /^(automation|components|core|functions|policies|stacks|test|bench|scripts|examples|schemas|templates|docs|tools|bin|\.github)\//;

/**
 * Paths in the docs that are not this repository's files: a fleet repository's (what `init` writes), an
 * installed package's, or a folder a command creates.
 */
const NOT_OURS = /^(node_modules\/|myfleet\/|bootstrap-|vendor\/)|<|\*|\{|\$/;

export interface Reference {
    readonly file: string;
    readonly line: number;
    readonly text: string;
}

/** Paths named by a markdown link (relative to the document) or a backticked repository path (relative to the root). */
export function pathReferences(file: string, text: string): Reference[] {
    const found: Reference[] = [];
    text.split("\n").forEach((line, i) => {
        for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = m[1].split("#")[0];
            if (target && !/^[a-z]+:/.test(target)) {
                found.push({ file, line: i + 1, text: path.posix.normalize(path.posix.join(path.posix.dirname(file), target)) });
            }
        }
        for (const m of line.matchAll(/`([^`\s]+)`/g)) {
            const token = m[1].replace(/[:,.]$/, "");
            if (REPO_FOLDERS.test(token) && !NOT_OURS.test(token)) {
                found.push({ file, line: i + 1, text: token.replace(/\/$/, "") });
            }
        }
    });
    return found;
}

export interface CommandUse extends Reference {
    readonly command: string;
    readonly flags: readonly string[];
}

/**
 * Each `vss-fleet <command> ...` in the text, with the flags written after it up to where the command
 * ends (a backtick, a pipe, `;`, `&&`, `)`, a redirection or a comment).
 */
export function commandUses(file: string, text: string): CommandUse[] {
    const uses: CommandUse[] = [];
    const lines = text.split("\n");
    let fenced = false;
    let inBlock = false;
    lines.forEach((raw, i) => {
        if (raw.trim().startsWith("```")) {
            // Only shell blocks hold commands; text and json blocks are output, which may name the tool.
            fenced = !fenced && /^```(sh|bash|shell)\b/.test(raw.trim());
            inBlock = !inBlock;
            return;
        }
        if (inBlock && !fenced) {
            return;
        }
        // A continued shell line joins the next one.
        let line = raw;
        for (let j = i; line.trimEnd().endsWith("\\") && j + 1 < lines.length; j++) {
            line = line.trimEnd().slice(0, -1) + " " + lines[j + 1];
        }
        // Commands are written as code: a fenced block's lines, or an inline code span in prose.
        const code = fenced ? [line] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        for (const span of code) {
            for (const m of span.matchAll(/(?:^|[\s(])vss-fleet ([a-z][a-z-]*)([^|;&)#>]*)/g)) {
                const flags = [...m[2].matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]);
                uses.push({ file, line: i + 1, text: m[0].trim(), command: m[1], flags });
            }
        }
    });
    return uses;
}

const GLOBAL_FLAGS = new Set(["--help", "--version"]);

describe("what the README and docs name exists", () => {
    const texts = docs().map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), "utf8") }));

    it("finds links, backticked paths, commands with their flags, and joins continued lines", () => {
        assert.deepStrictEqual(
            pathReferences(
                "docs/x.md",
                "see [a](../README.md#commands), `test/docs/x.test.ts`, `stacks/Pulumi.<env>.yaml` and [b](https://x.org)",
            ),
            [
                { file: "docs/x.md", line: 1, text: "README.md" },
                { file: "docs/x.md", line: 1, text: "test/docs/x.test.ts" },
            ],
        );
        assert.deepStrictEqual(
            commandUses(
                "x.md",
                "```sh\nnpx vss-fleet plan fleet.yaml --offline \\\n  --inventory i.json | head # --not-this\n```\nvss-fleet never runs; run `vss-fleet verify --json`.",
            ).map((u) => [u.line, u.command, u.flags]),
            [
                [2, "plan", ["--offline", "--inventory"]],
                [5, "verify", ["--json"]],
            ],
        );
    });

    it("every file path exists in the repository", () => {
        const missing = texts
            .flatMap(({ file, text }) => pathReferences(file, text))
            // A module named as it is imported (`policies/lib/ssmSchedule`) is its .ts file.
            .filter((r) => !fs.existsSync(path.join(ROOT, r.text)) && !fs.existsSync(path.join(ROOT, `${r.text}.ts`)))
            .map((r) => `${r.file}:${r.line}: ${r.text}`);
        assert.deepStrictEqual(missing, []);
    });

    it("every `vss-fleet <command> --flag` is a command with that option", () => {
        const byName = new Map(COMMANDS.map((c) => [c.name, new Set(c.options.map((o) => o.build().long))]));
        const wrong = texts
            .flatMap(({ file, text }) => commandUses(file, text))
            .flatMap((u) => {
                const options = byName.get(u.command);
                if (!options) {
                    return [`${u.file}:${u.line}: vss-fleet ${u.command}: no such command (${u.text})`];
                }
                return u.flags
                    .filter((f) => !options.has(f) && !GLOBAL_FLAGS.has(f))
                    .map((f) => `${u.file}:${u.line}: vss-fleet ${u.command} has no ${f}`);
            });
        assert.deepStrictEqual(wrong, []);
    });

    it("every `npm run <script>` is a script of package.json", () => {
        const scripts = new Set(
            Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: object }).scripts),
        );
        const wrong = texts.flatMap(({ file, text }) =>
            [...text.matchAll(/npm run ([a-z][\w:-]*)/g)].filter((m) => !scripts.has(m[1])).map((m) => `${file}: npm run ${m[1]}`),
        );
        assert.deepStrictEqual(wrong, []);
    });
});
