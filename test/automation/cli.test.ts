/** The command modules share one shape, and the help shows the complete exit-code table. */
import * as assert from "assert";
import { COMMANDS } from "../../automation/commands";
import { EXIT_CODES } from "../../automation/exitCodes";
import { runCli } from "../helpers";

describe("the command modules", () => {
    it("are the fifteen commands, each with a description, examples that use it, and options keyed as commander parses them", () => {
        assert.deepStrictEqual(
            COMMANDS.map((c) => c.name),
            [
                "init",
                "validate",
                "plan",
                "schema",
                "preview",
                "apply",
                "drift",
                "destroy",
                "render",
                "deploy-policy",
                "guardrails",
                "verify",
                "restore",
                "preview-stacks",
                "discover",
            ],
        );
        for (const command of COMMANDS) {
            assert.ok(command.description.endsWith("."), command.name);
            assert.ok(command.examples.length > 0, command.name);
            for (const example of command.examples) {
                assert.ok(example.startsWith(`vss-fleet ${command.name}`), example);
            }
            for (const option of command.options) {
                assert.strictEqual(option.build().attributeName(), option.key, `${command.name} ${option.build().flags}`);
            }
        }
    });

    it("the exit-code table is complete: 0, 1, 2 and 3, and --help prints it", async () => {
        assert.deepStrictEqual(
            EXIT_CODES.map((e) => e.code),
            [0, 1, 2, 3],
        );
        const { code, out } = await runCli("--help");
        assert.strictEqual(code, 0);
        assert.match(
            out,
            /\nExit codes:\n {2}0 {2}ok \(advisories allowed\)\n {2}1 {2}a mandatory violation, .*\n {2}2 {2}invalid input: .*\n {2}3 {2}drift found/,
        );
        assert.match(out, /preview-stacks/);
    });

    it("a command's --help ends with its examples", async () => {
        const { code, out } = await runCli("render", "--help");
        assert.strictEqual(code, 0);
        assert.match(out, /\nExamples:\n {2}\$ vss-fleet render fleet.yaml\n {2}\$ vss-fleet render fleet.yaml --check\n$/);
    });
});
