/**
 * Hostile or odd YAML in a manifest or an AWS export: each refused with exit 2's UserInputError, its
 * position and key, never a stack trace, a crash or a silently different value.
 */
import * as assert from "assert";
import { UserInputError } from "../../automation/errors";
import { parseInventoryFile } from "../../automation/inventory/describeInstances";
import { parseManifest } from "../../automation/manifest/load";

const HEAD = `version: 1
environments:
  prod:
    region: us-east-1
    accountId: "111111111111"
`;

function problemsOf(parse: () => unknown): string[] {
    try {
        parse();
    } catch (error) {
        assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${String(error)}`);
        return [...error.problems];
    }
    return assert.fail("the input was accepted");
}

const manifestProblems = (text: string) => problemsOf(() => parseManifest("fleet.yaml", text));

/** Six levels of nine: 531,441 strings from 60 lines of YAML. */
function aliasBomb(indent: string): string {
    const lines = [`${indent}l0: &l0 ["x","x","x","x","x","x","x","x","x"]`];
    for (let i = 1; i <= 5; i++) {
        lines.push(
            `${indent}l${i}: &l${i} [${Array(9)
                .fill(`*l${i - 1}`)
                .join(",")}]`,
        );
    }
    return lines.join("\n") + "\n";
}

describe("hostile YAML is refused with its position", () => {
    it("an alias bomb in a manifest: the alias that crosses the limit, not a stack trace", () => {
        const text = `${HEAD}    snapshotTags:\n${aliasBomb("      ")}`;
        assert.deepStrictEqual(manifestProblems(text), [
            "fleet.yaml:11:16: environments.prod.snapshotTags.l4[0]: alias *l3 takes the expanded aliases past 10000 nodes; " +
                "aliases that multiply (an alias bomb) are refused: write the values out",
        ]);
    });

    it("an alias bomb in an inventory file", () => {
        const text = `{"Reservations": [], "x": {\n${aliasBomb("  ").replace(/\n(?=.)/g, ",\n")}}}\n`;
        const problems = problemsOf(() => parseInventoryFile("inv.json", text));
        assert.strictEqual(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^inv\.json:6:12: x\.l4\[0\]: alias \*l3 takes the expanded aliases past 10000 nodes/);
    });

    it("a few small aliases are fine (they are plain YAML)", () => {
        const fleet = parseManifest(
            "fleet.yaml",
            `version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: &acct "111111111111"\n  dev:\n    region: eu-west-1\n    accountId: *acct\n`,
        );
        assert.deepStrictEqual(
            fleet.environments.map((e) => [e.spec.name, e.spec.accountId]),
            [
                ["prod", "111111111111"],
                ["dev", "111111111111"],
            ],
        );
    });

    for (const [what, value, tag] of [
        ["a custom tag", "!custom prod", "!custom"],
        ["a js/function tag", "!!js/function 'function () {}'", "!!js/function"],
        ["even YAML's own str tag", "!!str prod", "!!str"],
    ] as const) {
        it(`${what} is refused, not ignored`, () => {
            assert.deepStrictEqual(manifestProblems(`${HEAD}    targetTags: { Backup: ${value}, Tier: db }\n`), [
                `fleet.yaml:6:${value.indexOf(" ") + 28}: environments.prod.targetTags.Backup: YAML tag '${tag}' is not supported: a manifest is plain data; remove the tag`,
            ]);
        });
    }

    it("a merge key says merge keys are unsupported (not 'unknown key')", () => {
        const text = `version: 1\nbase: &base { region: us-east-1 }\nenvironments:\n  prod:\n    <<: *base\n    accountId: "111111111111"\n`;
        assert.deepStrictEqual(manifestProblems(text), [
            "fleet.yaml:5:5: environments.prod.<<: merge keys (<<) are not supported: write the keys out, or put shared settings under 'defaults'",
        ]);
    });

    it("deep flow nesting: a position and the limit, not 'Maximum call stack size exceeded'", () => {
        const problems = manifestProblems(`${HEAD}    snapshotTags: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
        assert.deepStrictEqual(problems, ["fleet.yaml:6:51: nested deeper than 32 levels (the limit for this input)"]);
    });

    it("deep block nesting", () => {
        const lines = Array.from({ length: 40 }, (_, i) => `${" ".repeat(4 + 2 * i)}k${i}:`);
        const problems = manifestProblems(`${HEAD}${lines.join("\n")} x\n`);
        assert.strictEqual(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^fleet\.yaml:36:65: environments\.prod\.k0\.k1\.k2.*\.k29: nested deeper than 32 levels/);
    });

    it("an apostrophe in plain text does not hide deep nesting from the scan", () => {
        const problems = manifestProblems(`${HEAD}    reason: don't\n    x: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
        assert.deepStrictEqual(problems, ["fleet.yaml:7:40: nested deeper than 32 levels (the limit for this input)"]);
    });

    it("a manifest over 1 MiB: its size and the limit", () => {
        const problems = manifestProblems(`${HEAD}# ${"x".repeat(1024 * 1024)}\n`);
        assert.deepStrictEqual(problems, ["fleet.yaml: is 1048664 bytes; the limit is 1048576 bytes (1 MiB)"]);
    });
});

describe("__proto__ never touches a prototype", () => {
    it("as a target tag key: refused, so the environment never selects more instances than written", () => {
        assert.deepStrictEqual(manifestProblems(`${HEAD}    targetTags: { __proto__: prod, Backup: daily }\n`), [
            "fleet.yaml:6:19: environments.prod.targetTags.__proto__: key '__proto__' is refused: it names a JavaScript object's prototype, not data",
        ]);
    });

    for (const [where, text, position] of [
        ["an environment name", `version: 1\nenvironments:\n  __proto__:\n    region: us-east-1\n`, "3:3: environments.__proto__"],
        ["a scope tag", `${HEAD}    scope: { tags: { __proto__: prod, Env: prod } }\n`, "6:22: environments.prod.scope.tags.__proto__"],
        [
            "an exemption",
            `${HEAD}    exemptions:\n      - { __proto__: x, instanceId: i-0123456789abcdef0, reason: r, expires: "2027-01-01" }\n`,
            "7:11: environments.prod.exemptions[0].__proto__",
        ],
        ["defaults", `version: 1\ndefaults:\n  __proto__: { region: us-east-1 }\nenvironments: {}\n`, "3:3: defaults.__proto__"],
    ] as const) {
        it(`as ${where}`, () => {
            assert.deepStrictEqual(manifestProblems(text), [
                `fleet.yaml:${position}: key '__proto__' is refused: it names a JavaScript object's prototype, not data`,
            ]);
        });
    }

    it("an inventory tag named __proto__ is data: kept as a tag, never a prototype", () => {
        const text = JSON.stringify({
            Reservations: [
                {
                    OwnerId: "111111111111",
                    Instances: [
                        {
                            InstanceId: "i-0123456789abcdef0",
                            Placement: { AvailabilityZone: "us-east-1a" },
                            Tags: [
                                { Key: "__proto__", Value: "prod" },
                                { Key: "constructor", Value: "x" },
                                { Key: "Backup", Value: "daily" },
                            ],
                        },
                    ],
                },
            ],
        });
        const [instance] = parseInventoryFile("inv.json", text);
        assert.deepStrictEqual(Object.entries(instance.tags), [
            ["__proto__", "prod"],
            ["constructor", "x"],
            ["Backup", "daily"],
        ]);
        assert.strictEqual(Object.getPrototypeOf(instance.tags), null);
    });
});
