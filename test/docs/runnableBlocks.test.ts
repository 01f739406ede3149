/**
 * Every shell block marked `sh runnable` in the README and docs/ runs as written, offline, from the
 * repository root, and exits as its `# exit N` comment says (0 when it says nothing). A command that
 * drifts from the CLI (a renamed flag, a missing example file) fails here, not in a reader's terminal.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

interface Block {
    readonly file: string;
    readonly line: number;
    readonly command: string;
    readonly exit: number;
}

/** The commands of the runnable blocks: continuation lines joined, comments and blank lines dropped. */
export function runnableCommands(file: string, text: string): Block[] {
    const blocks: Block[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() !== "```sh runnable") {
            continue;
        }
        let pending = "";
        let start = 0;
        for (i++; i < lines.length && lines[i].trim() !== "```"; i++) {
            const raw = lines[i];
            if (!pending && (raw.trim() === "" || raw.trim().startsWith("#"))) {
                continue;
            }
            if (!pending) {
                start = i + 1;
            }
            const continued = raw.trimEnd().endsWith("\\");
            pending += (pending ? " " : "") + raw.trim().replace(/\\$/, "").trim();
            if (!continued) {
                const exit = /#\s*exit (\d+)/.exec(pending);
                const command = pending.replace(/\s+#.*$/, "").trim();
                blocks.push({ file, line: start, command, exit: exit ? Number(exit[1]) : 0 });
                pending = "";
            }
        }
    }
    return blocks;
}

function docs(): string[] {
    return [
        "README.md",
        ...fs
            .readdirSync(path.join(ROOT, "docs"))
            .filter((f) => f.endsWith(".md"))
            .map((f) => `docs/${f}`),
    ];
}

describe("the runnable commands in the README and docs", () => {
    it("finds blocks in the README and in docs/, and joins continuation lines", () => {
        const all = docs().flatMap((f) => runnableCommands(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.ok(all.some((b) => b.file === "README.md"));
        assert.ok(all.some((b) => b.file.startsWith("docs/")));
        assert.deepStrictEqual(runnableCommands("x.md", "```sh runnable\n# a comment\nnpx a \\\n  --b c  # exit 3\nnpx d\n```\n"), [
            { file: "x.md", line: 3, command: "npx a --b c", exit: 3 },
            { file: "x.md", line: 5, command: "npx d", exit: 0 },
        ]);
    });

    for (const file of docs()) {
        for (const block of runnableCommands(file, fs.readFileSync(path.join(ROOT, file), "utf8"))) {
            it(`${block.file}:${block.line}: ${block.command.slice(0, 70)}`, () => {
                // In this repository the command is the package's own bin; a user's `npx` finds it in node_modules.
                const command = block.command.replace(/^npx vss-fleet\b/, `node ${path.join("bin", "vss-fleet.js")}`);
                const result = spawnSync("bash", ["-c", command], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
                assert.strictEqual(result.status, block.exit, `${command}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
            });
        }
    }
});
