import * as assert from "assert";
import fc from "fast-check";
import { GITHUB_COMMENT_LIMIT } from "../../../automation/output/markdownDetails";
import type { EnvironmentVerdict, InstanceVerdict } from "../../../automation/verify/verdicts";
import { summaryLine, verifyMarkdown, verifyText } from "../../../automation/verify/render";

const AT = new Date("2026-11-28T08:00:00Z");

function instance(n: number, breached: boolean): InstanceVerdict {
    const id = `i-${String(n).padStart(17, "0")}`;
    return {
        instanceId: id,
        name: `srv_${n}`,
        ...(breached
            ? {}
            : {
                  newestGoodSet: {
                      key: `set-${n}`,
                      startTime: "2026-11-27T07:30:04.000Z",
                      ageHours: 24.5,
                      snapshotIds: [`snap-${n}`],
                  },
              }),
        goodSets: [],
        newestSetProblems: [],
        inconsistentSets: 0,
        untrustedSets: [],
        rpoBreached: breached,
    };
}

/** `ok` instances within the RPO, then `breach` without a good set. */
function environment(name: string, ok: number, breach: number): EnvironmentVerdict {
    return {
        name,
        rpoHours: 26,
        instances: [
            ...Array.from({ length: ok }, (_, i) => instance(i, false)),
            ...Array.from({ length: breach }, (_, i) => instance(ok + i, true)),
        ],
    };
}

const options = (environmentsInManifest: number, onlyFailures = false) => ({ at: AT, environmentsInManifest, onlyFailures });

describe("verify's output: counts, timestamps, markdown within the comment limit", () => {
    it("the summary counts every instance, per environment and in total", () => {
        const verdicts = [environment("prod", 398, 2), environment("dev", 3, 0)];
        assert.strictEqual(
            summaryLine(verdicts),
            "403 instance(s) in 2 environment(s): 401 ok, 2 breach (prod: 398 ok, 2 breach; dev: 3 ok, 0 breach)",
        );
    });

    it("0 instances: the counts say so in text and markdown, and there is nothing to list", () => {
        const verdicts = [environment("empty", 0, 0)];
        assert.strictEqual(
            verifyText(verdicts, options(1)),
            [
                "1 of 1 environment(s) of the manifest verified at 2026-11-28T08:00:00Z:",
                "empty (RPO 26 h): 0 ok, 0 breach",
                "Summary: 0 instance(s) in 1 environment(s): 0 ok, 0 breach (empty: 0 ok, 0 breach)",
                "OK: every enrolled instance has a good set within its RPO.",
            ].join("\n"),
        );
        assert.strictEqual(
            verifyMarkdown(verdicts, options(1)),
            [
                "### vss-fleet verify: OK",
                "",
                "1 of 1 environment(s) of the manifest verified at 2026-11-28T08:00:00Z: 0 ok, 0 breach.",
                "",
                "| environment | RPO | instances | ok | breach |",
                "|---|---:|---:|---:|---:|",
                "| empty | 26 h | 0 | 0 | 0 |",
            ].join("\n"),
        );
    });

    it("all ok with --only-failures: no rows, the counts and a note that the ok rows were left out", () => {
        const verdicts = [environment("prod", 2, 0), environment("dev", 1, 0)];
        assert.strictEqual(
            verifyText(verdicts, options(2, true)),
            [
                "2 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z:",
                "prod (RPO 26 h): 2 ok, 0 breach",
                "  (2 ok not listed: --only-failures)",
                "dev (RPO 26 h): 1 ok, 0 breach",
                "  (1 ok not listed: --only-failures)",
                "Summary: 3 instance(s) in 2 environment(s): 3 ok, 0 breach (prod: 2 ok, 0 breach; dev: 1 ok, 0 breach)",
                "OK: every enrolled instance has a good set within its RPO.",
            ].join("\n"),
        );
        assert.strictEqual(
            verifyMarkdown(verdicts, options(2, true)),
            [
                "### vss-fleet verify: OK",
                "",
                "2 of 2 environment(s) of the manifest verified at 2026-11-28T08:00:00Z: 3 ok, 0 breach.",
                "",
                "| environment | RPO | instances | ok | breach |",
                "|---|---:|---:|---:|---:|",
                "| prod | 26 h | 2 | 2 | 0 |",
                "| dev | 26 h | 1 | 1 | 0 |",
                "| **total** |  | 3 | 3 | 0 |",
                "",
                "_ok rows not listed (--only-failures); the counts include them._",
            ].join("\n"),
        );
    });

    it("markdown lists breaches before ok rows and escapes user text", () => {
        const md = verifyMarkdown([environment("prod", 1, 1)], options(1));
        assert.strictEqual(
            md.slice(md.indexOf("<details>")),
            [
                "<details><summary>prod: 1 breach (RPO 26 h)</summary>",
                "",
                "- i-00000000000000001 (srv\\_1): no good set",
                "",
                "</details>",
                "",
                "<details><summary>prod: 1 ok</summary>",
                "",
                "- i-00000000000000000 (srv\\_0): newest good set 24.5 h old (2026-11-27T07:30:04Z)",
                "",
                "</details>",
            ].join("\n"),
        );
    });

    describe("the comment limit", () => {
        const verdicts = [environment("prod", 398, 2), environment("dev", 0, 3)];
        const whole = verifyMarkdown(verdicts, options(2), Infinity);

        it("a report exactly at the limit is whole; one character less cuts the ok rows first and says so", () => {
            assert.strictEqual(verifyMarkdown(verdicts, options(2), whole.length), whole);
            const cut = verifyMarkdown(verdicts, options(2), whole.length - 1);
            assert.ok(cut.length <= whole.length - 1, `${cut.length}`);
            assert.ok(cut.endsWith("_Lists were cut to fit a GitHub comment; `vss-fleet verify --json` has every instance._"));
            assert.match(cut, /- \.\.\. and \d+ more\n\n<\/details>/);
            // Both breach blocks survive whole: failures come before the ok lists.
            assert.ok(cut.includes("- i-00000000000000399 (srv\\_399): no good set\n"));
            assert.ok(cut.includes("- i-00000000000000002 (srv\\_2): no good set\n"));
        });

        it("5,000 instances stay under GitHub's limit with the count table whole and every block closed", () => {
            const big = [environment("prod", 4990, 10)];
            const md = verifyMarkdown(big, options(1));
            assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length}`);
            assert.ok(md.includes("| prod | 26 h | 5000 | 4990 | 10 |"));
            assert.strictEqual(md.split("<details>").length, md.split("</details>").length);
            const shown = md.split("\n").filter((l) => l.startsWith("- i-")).length;
            const more = Number(/- \.\.\. and (\d+) more/.exec(md)?.[1]);
            assert.strictEqual(shown + more, 5000, "every instance is listed or counted in 'N more'");
        });

        // Counterexamples fast-check found: a block opened without room for its "... and N more" line.
        for (const counts of [
            [
                [0, 0],
                [0, 4],
                [8, 11],
                [2, 0],
            ],
            [
                [5, 12],
                [2, 11],
            ],
        ]) {
            it(`environments of ${JSON.stringify(counts)} (ok, breach) fit a limit of 2000`, () => {
                const found = counts.map(([ok, breach], i) => environment(`env${i}`, ok, breach));
                const md = verifyMarkdown(found, options(found.length), 2000);
                assert.ok(md.length <= 2000, `${md.length}`);
                assert.strictEqual(md.split("<details>").length, md.split("</details>").length);
            });
        }

        for (const limit of [400, 1000, 4000, 20_000]) {
            it(`a limit of ${limit} is never exceeded`, () => {
                const md = verifyMarkdown(verdicts, options(2), limit);
                assert.ok(md.length <= limit, `${md.length} > ${limit}`);
                assert.strictEqual(md.split("<details>").length, md.split("</details>").length, "every block is closed");
            });
        }
    });

    it("property: the counts add up, and every instance is a row or counted as not listed", () => {
        const env = fc.record({ ok: fc.nat(12), breach: fc.nat(12) });
        fc.assert(
            fc.property(
                fc.array(env, { minLength: 1, maxLength: 4 }),
                fc.boolean(),
                fc.integer({ min: 2000, max: 20_000 }),
                (envs, only, limit) => {
                    const verdicts = envs.map((e, i) => environment(`env${i}`, e.ok, e.breach));
                    const ok = envs.reduce((n, e) => n + e.ok, 0);
                    const breach = envs.reduce((n, e) => n + e.breach, 0);
                    const text = verifyText(verdicts, options(envs.length, only)).split("\n");
                    const rows = text.filter((l) => /^ {2}(ok {4}|BREACH) i-/.test(l)).length;
                    const notListed = text.map((l) => /^ {2}\((\d+) ok not listed/.exec(l)).reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
                    assert.strictEqual(rows + notListed, ok + breach);
                    assert.strictEqual(rows, only ? breach : ok + breach);
                    assert.ok(text.includes(`Summary: ${summaryLine(verdicts)}`));
                    assert.ok(
                        summaryLine(verdicts).startsWith(
                            `${ok + breach} instance(s) in ${envs.length} environment(s): ${ok} ok, ${breach} breach (`,
                        ),
                    );
                    const md = verifyMarkdown(verdicts, options(envs.length, only), limit);
                    assert.ok(md.length <= limit);
                    assert.strictEqual(md.split("<details>").length, md.split("</details>").length);
                },
            ),
        );
    });
});
