/** docs/manifest.md's EnvironmentSpec table is the one generated from the schema (`npm run docs`). */
import * as assert from "assert";
import * as fs from "fs";
import { fieldTable, FIELD_TABLE_DOC, withFieldTable } from "../../../automation/docs/fieldTable";

describe("the EnvironmentSpec field table in docs/manifest.md", function () {
    this.timeout(30_000);
    const readme = fs.readFileSync(FIELD_TABLE_DOC, "utf8");

    it("matches the schema: run `npm run docs` after changing a field", async () => {
        assert.strictEqual(await withFieldTable(readme), readme);
    });

    it("a hand edit of the table is caught (the check can fail)", async () => {
        const edited = readme.replace(/\| `durationHours` +\| `1` /, (row) => row.replace("`1`", "`2`"));
        assert.notStrictEqual(edited, readme, "the fixture edit must hit the table");
        assert.notStrictEqual(await withFieldTable(edited), edited);
    });

    it("rows in the schema's order, defaults read from the schema", () => {
        const rows = fieldTable().split("\n").slice(2);
        assert.strictEqual(rows.length, 30);
        assert.deepStrictEqual(
            rows.slice(0, 3).map((r) => r.split(" | ").slice(0, 2)),
            [
                ["| `region`", "(required)"],
                ["| `accountId`", "(required)"],
                ["| `schedule`", "`cron(0 4 ? * * *)`"],
            ],
        );
        assert.match(rows[5], /^\| `durationHours` \| `1` \| 1-24 \|$/);
        assert.match(rows[7], /^\| `maxConcurrency` \| derived \(`10` if unsized\) \|/);
        assert.match(rows[11], /^\| `vss` \| all `false` \|/);
        assert.match(rows[27], /^\| `deployRoleArn` \| \(none\) \|/);
        assert.match(rows[28], /^\| `existingInstanceRoleNames` \| \(none\) \| 1-20 IAM role names/);
        assert.match(rows[29], /^\| `preflight` \| `advisory` \| `advisory` or `mandatory`/);
    });
});
