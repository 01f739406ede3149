/** README.md's command table is the one generated from the command definitions (`npm run docs`). */
import * as assert from "assert";
import * as fs from "fs";
import { commandTable, COMMAND_TABLE_DOC, withCommandTable } from "../../../automation/docs/commandTable";
import { COMMANDS } from "../../../automation/commands";

describe("the command table in README.md", function () {
    this.timeout(30_000);
    const readme = fs.readFileSync(COMMAND_TABLE_DOC, "utf8");

    it("matches the command definitions: run `npm run docs` after changing a command or an option", async () => {
        assert.strictEqual(await withCommandTable(readme), readme);
    });

    it("a hand edit of the table is caught (the check can fail)", async () => {
        const edited = readme.replace("`--role-name <name>`, ", "");
        assert.notStrictEqual(edited, readme, "the fixture edit must hit the table");
        assert.notStrictEqual(await withCommandTable(edited), edited);
    });

    it("one row per command in --help's order, with its operand and every option", () => {
        const rows = commandTable().split("\n").slice(2);
        assert.strictEqual(rows.length, COMMANDS.length);
        assert.match(rows[0], /^\| `init \[dir\]` \| Scaffold a fleet repository: .* \| \(none\) \|$/);
        assert.match(rows[1], /^\| `validate <manifest>` \| .* \| `--json` \|$/);
        const deployPolicy = rows.find((r) => r.startsWith("| `deploy-policy <manifest>`")) ?? assert.fail("no deploy-policy row");
        assert.match(
            deployPolicy,
            /\| `--env <name>`, `--bootstrap`, `--role-name <name>`, `--out-dir <dir>`, `--fleet <name>`, `--project-dir <dir>`, `--json` \|$/,
        );
    });
});
