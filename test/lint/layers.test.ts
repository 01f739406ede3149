/**
 * The layer rules of eslint.layers.mjs (the same objects `npm run lint` uses) refuse an import that
 * points up, and let the imports each layer needs through. Each case lints one line of source as if
 * it were a file at that path, so the proof does not depend on a bad file being in the tree.
 */
import * as assert from "assert";
import { ESLint, type Linter } from "eslint";
import { createRequire } from "node:module";
import * as path from "node:path";
import tseslint from "typescript-eslint";

const ROOT = path.join(__dirname, "..", "..");
const load = createRequire(__filename);

function linter(): ESLint {
    const { layers } = load(path.join(ROOT, "eslint.layers.mjs")) as { layers: Linter.Config[] };
    return new ESLint({
        cwd: ROOT,
        overrideConfigFile: true,
        overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as Linter.Parser } }, ...layers],
    });
}

/** The layer messages for `source` placed at `file` (empty when the import is allowed). */
async function refusals(file: string, source: string): Promise<string[]> {
    const [result] = await linter().lintText(source, { filePath: path.join(ROOT, file) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("lint: the layer rules", function () {
    this.timeout(60_000);

    const refused: [string, string, RegExp][] = [
        ["core/environment/bad.ts", 'import { childName } from "../../components/naming";', /core\/ is the bottom layer/],
        ["core/lifecycle/bad.ts", 'import * as pulumi from "@pulumi/pulumi";', /core\/ is the bottom layer/],
        ["core/lifecycle/bad.ts", 'import { Command } from "commander";', /core\/ is the bottom layer/],
        ["core/lifecycle/bad.ts", 'import { verifyText } from "../../automation/verify/verdicts";', /core\/ is the bottom layer/],
        ["core/environment/bad.ts", 'import type { InventoryInstance } from "../../policies/policyConfig";', /only the schedule grammar/],
        ["functions/lifecycle/bad.ts", 'import { verifyText } from "../../automation/verify/verdicts";', /functions\/ runs in Lambda/],
        ["functions/lifecycle/bad.ts", 'import { childName } from "../../components/naming";', /functions\/ runs in Lambda/],
        ["functions/lifecycle/bad.ts", 'import * as aws from "@pulumi/aws";', /functions\/ runs in Lambda/],
        ["components/bad.ts", 'import { handler } from "../functions/lifecycle/handler";', /components\/ sit on core\//],
        ["components/iam/bad.ts", 'import { main } from "../../automation/cli";', /components\/ sit on core\//],
        ["components/bad.ts", 'import { defineEnvironment } from "../stacks/program";', /components\/ sit on core\//],
        ["stacks/bad.ts", 'import { main } from "../automation/cli";', /stacks\/ is the Pulumi program/],
        ["policies/bad.ts", 'import { partitionOf } from "../core/environment";', /policies\/ is self-contained/],
        ["policies/lib/bad.ts", 'import { partitionOf } from "../../core/environment/aws";', /policies\/ is self-contained/],
        ["automation/bad.ts", 'import { specOf } from "../test/helpers";', /automation\/ is shipped code/],
    ];
    for (const [file, source, message] of refused) {
        it(`refuses in ${file}: ${source}`, async () => {
            const messages = await refusals(file, source);
            assert.strictEqual(messages.length, 1, messages.join("\n"));
            assert.match(messages[0], /^no-restricted-imports: /);
            assert.match(messages[0], message);
        });
    }

    const allowed: [string, string][] = [
        ["core/environment/schedule.ts", 'export * from "../../policies/lib/ssmSchedule";'],
        ["core/lifecycle/ok.ts", 'import { ENVIRONMENT_TAG_KEY } from "../environment/tags";'],
        ["functions/lifecycle/ok.ts", 'import { snapshotSets } from "../../core/lifecycle/sets";'],
        ["functions/lifecycle/ok.ts", 'import { EC2Client } from "@aws-sdk/client-ec2";'],
        ["components/iam/ok.ts", 'import { drillPayload } from "../lifecycle/eventPatterns";'],
        ["components/ok.ts", 'import { functionEnvironment } from "../core/lifecycle/functionConfig";'],
        ["stacks/ok.ts", 'import { BackupEnvironment } from "../components";'],
        ["policies/lib/ok.ts", 'import type { InventoryInstance } from "../config";'],
        ["automation/offline/ok.ts", 'import { defineEnvironment } from "../../stacks/program";'],
    ];
    for (const [file, source] of allowed) {
        it(`allows in ${file}: ${source}`, async () => {
            assert.deepStrictEqual(await refusals(file, source), []);
        });
    }

    it("the tree as committed has no layer violation", async () => {
        const results = await linter().lintFiles(["core", "functions", "components", "stacks", "policies", "automation"]);
        // Only the layer rule counts here: the other rules (and the disable comments naming them) are lint's own job.
        const problems = results.flatMap((r) =>
            r.messages
                .filter((m) => m.ruleId === "no-restricted-imports")
                .map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}: ${m.message}`),
        );
        assert.ok(results.length > 80, `linted only ${results.length} files`);
        assert.deepStrictEqual(problems, []);
    });
});
