import * as assert from "assert";
import { fitDetails } from "../../../automation/output/markdownDetails";

const NOTE = "_cut: --json has everything_";
const HEAD = "### report\n\n| a | b |\n|---|---|\n| 1 | 2 |";
const BLOCKS = [
    { title: "prod: 3 breach", items: ["i-1: no good set", "i-2: no good set", "i-3: no good set"] },
    { title: "prod: 2 ok", items: ["i-4: newest good set 1 h old", "i-5: newest good set 2 h old"] },
];

describe("fitDetails: <details> lists cut to a character limit", () => {
    const whole = fitDetails(HEAD, BLOCKS, NOTE, Infinity);

    it("everything, in order, when it fits", () => {
        assert.strictEqual(
            whole,
            [
                HEAD,
                "",
                "<details><summary>prod: 3 breach</summary>",
                "",
                "- i-1: no good set",
                "- i-2: no good set",
                "- i-3: no good set",
                "",
                "</details>",
                "",
                "<details><summary>prod: 2 ok</summary>",
                "",
                "- i-4: newest good set 1 h old",
                "- i-5: newest good set 2 h old",
                "",
                "</details>",
            ].join("\n"),
        );
        assert.strictEqual(fitDetails(HEAD, BLOCKS, NOTE, whole.length), whole, "exactly at the limit is whole");
    });

    it("every limit from the head alone to one below the whole: within it, every block closed, every item shown or counted", () => {
        for (let limit = HEAD.length + NOTE.length + 2; limit < whole.length; limit++) {
            const text = fitDetails(HEAD, BLOCKS, NOTE, limit);
            assert.ok(text.length <= limit, `limit ${limit}: ${text.length}`);
            assert.ok(text.startsWith(HEAD) && text.endsWith(`\n\n${NOTE}`), `limit ${limit}`);
            assert.strictEqual(text.split("<details>").length, text.split("</details>").length, `limit ${limit}`);
            for (const block of BLOCKS) {
                const at = text.indexOf(`<summary>${block.title}</summary>`);
                if (at < 0) {
                    continue;
                }
                const body = text.slice(at, text.indexOf("</details>", at));
                const shown = block.items.filter((i) => body.includes(`- ${i}\n`)).length;
                const more = Number(/- \.\.\. and (\d+) more/.exec(body)?.[1] ?? 0);
                assert.strictEqual(shown + more, block.items.length, `limit ${limit}, ${block.title}`);
            }
        }
    });
});
