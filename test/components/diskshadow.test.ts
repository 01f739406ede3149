import * as assert from "assert";
import * as fs from "fs";
import type { Node, Tree } from "web-tree-sitter";
import { buildDocument, DISKSHADOW_SCRIPT, renderDocument, type DocumentContext } from "../../components/document";
import {
    ancestors,
    commandName,
    commandParameters,
    commands,
    descendants,
    functionNamed,
    parsePowerShell,
    syntaxProblems,
} from "./powershellAst";

const context: DocumentContext = {
    environment: "prod",
    fleet: "acme",
    engine: "diskshadow",
    vss: { excludeBootVolume: false, noWriters: false, copyOnly: false, saveVssMetadata: true },
    snapshotTags: { CostCenter: "42" },
};
const matches = (pattern: string, value: string) => new RegExp(pattern, "u").test(value);

describe("the diskshadow engine's script (parsed with a real PowerShell grammar)", () => {
    let file: Tree;
    let embedded: Tree;
    const document = buildDocument(context);
    const runCommand = document.mainSteps[0].inputs.runCommand as string[];

    before(async () => {
        file = await parsePowerShell(fs.readFileSync(DISKSHADOW_SCRIPT, "utf8"));
        embedded = await parsePowerShell(runCommand.join("\n"));
    });

    it("ships Pester tests for its pure functions that parse too (they run on Windows CI, not here)", async () => {
        const pester = await parsePowerShell(fs.readFileSync(DISKSHADOW_SCRIPT.replace(/\.ps1$/, ".Tests.ps1"), "utf8"));
        assert.deepStrictEqual(syntaxProblems(pester), []);
        const described = descendants(pester.rootNode, "command")
            .filter((c) => commandName(c) === "Describe")
            .map((c) => c.text.split("\n")[0]);
        for (const name of [
            "ConvertTo-EbsVolumeId",
            "Get-EbsVolumeMap",
            "New-DiskShadowScript",
            "New-SnapshotTagList",
            "Invoke-WithRetry",
        ]) {
            assert.ok(
                described.some((d) => d.includes(name)),
                name,
            );
        }
    });

    it("parses without ERROR or MISSING nodes, as a file and as embedded in the document", () => {
        assert.deepStrictEqual(syntaxProblems(file), []);
        assert.deepStrictEqual(syntaxProblems(embedded), []);
        assert.strictEqual(runCommand.join("\n"), fs.readFileSync(DISKSHADOW_SCRIPT, "utf8").replace(/\r\n/g, "\n"));
    });

    it("calls CreateSnapshots exactly once, inside the retry wrapper's action", () => {
        const calls = commands(file.rootNode, "New-EC2SnapshotBatch");
        assert.strictEqual(calls.length, 1);
        const retry = ancestors(calls[0]).find((n) => n.type === "command" && commandName(n) === "Invoke-WithRetry");
        assert.ok(retry, "New-EC2SnapshotBatch runs inside Invoke-WithRetry");
        assert.ok(commandParameters(retry).includes("-action"));
        assert.deepStrictEqual(commands(file.rootNode, "New-EC2Snapshot"), [], "never one snapshot call per volume");
    });

    it("tags and records DISKSHADOW's own set id (%VSS_SHADOW_SET%), recording it before the EC2 call", () => {
        const step = functionNamed(file, "Invoke-SnapshotStep");
        assert.ok(step);
        assert.ok(descendants(step, "variable").some((v) => v.text === "$env:VSS_SHADOW_SET"));
        const record = commands(step, "Add-Content").find((c) => c.text.includes("$SetRegistry"));
        const snapshot = commands(step, "New-EC2SnapshotBatch")[0];
        assert.ok(record && snapshot && record.startIndex < snapshot.startIndex, "recorded first, so a failed call still gets cleaned up");
        const tagging = commands(step, "New-SnapshotTagList")[0];
        assert.ok(tagging && /-ShadowSetId \$setId/.test(tagging.text));
        assert.deepStrictEqual(
            commands(file.rootNode).filter((c) => /NewGuid/.test(c.text) && /ShadowSet/i.test(c.text)),
            [],
        );
    });

    it("deletes the set right after the snapshot step, and stale sets by DISKSHADOW's own delete", () => {
        const builder = functionNamed(file, "New-DiskShadowScript");
        assert.ok(builder && /'create', "exec `"\$ExecCommand`"", 'delete shadows set %VSS_SHADOW_SET%', 'end backup'/.test(builder.text));
        const cleanup = functionNamed(file, "Remove-StaleShadowSets");
        assert.ok(cleanup && /delete shadows set \$_/.test(cleanup.text) && commands(cleanup, "diskshadow.exe").length === 1);
    });

    it("retries only throttling, with exponential backoff and jitter", () => {
        const retry = functionNamed(file, "Invoke-WithRetry");
        assert.ok(retry);
        assert.match(retry.text, /RequestLimitExceeded/);
        const sleep = commands(retry, "Start-Sleep")[0];
        assert.ok(sleep && /Get-Random/.test(sleep.text) && /Pow\(2, \$attempt\)/.test(sleep.text));
    });

    it("deletes the shadow set in a finally block, whether or not the snapshot worked", () => {
        const run = functionNamed(file, "Invoke-Run");
        assert.ok(run);
        const finallyClauses = descendants(run, "finally_clause");
        assert.strictEqual(finallyClauses.length, 1);
        assert.strictEqual(commands(finallyClauses[0], "Remove-StaleShadowSets").length, 1);
        assert.ok(commands(finallyClauses[0], "Write-Output").length === 1, "the JSON summary is printed even on failure");
    });

    it("reads instance metadata only with an IMDSv2 token", () => {
        const imds = commands(file.rootNode, "Invoke-RestMethod").filter((c) => /\$ImdsBase|169\.254\.169\.254/.test(c.text));
        assert.ok(imds.length >= 2);
        for (const call of imds) {
            assert.ok(commandParameters(call).includes("-headers"), call.text);
            const keys = descendants(call, "key_expression").map((k) => k.text.replace(/['"]/g, ""));
            const isTokenRequest = /api\/token/.test(call.text);
            assert.ok(
                isTokenRequest ? keys.includes("X-aws-ec2-metadata-token-ttl-seconds") : keys.includes("X-aws-ec2-metadata-token"),
                call.text,
            );
            if (isTokenRequest) {
                assert.match(call.text, /-Method Put/);
            }
        }
    });

    it("carries no credentials: the instance profile is the only identity", () => {
        const parameters = descendants(file.rootNode, "command_parameter").map((p) => p.text.toLowerCase());
        for (const forbidden of ["-accesskey", "-secretkey", "-sessiontoken", "-profilename"]) {
            assert.ok(!parameters.includes(forbidden), forbidden);
        }
        assert.deepStrictEqual(commands(file.rootNode, "Set-AWSCredential"), []);
        assert.doesNotMatch(fs.readFileSync(DISKSHADOW_SCRIPT, "utf8"), /AKIA[0-9A-Z]{16}|aws_secret_access_key/i);
    });

    it("validates every script parameter before use", () => {
        const parameters = descendants(file.rootNode, "script_parameter").filter((p) =>
            ancestors(p).some((a) => a.type === "param_block" && a.parent?.type === "program"),
        );
        assert.strictEqual(parameters.length, 2);
        for (const parameter of parameters) {
            const validators = descendants(parameter, "attribute_name").map((a) => a.text);
            assert.ok(
                validators.some((v) => /^Validate/.test(v)),
                parameter.text,
            );
        }
    });

    it("reads only SSM parameters that the document passes as environment variables", () => {
        const used = new Set(
            descendants(file.rootNode, "variable")
                .map((v: Node) => /^\$env:SSM_(\w+)$/i.exec(v.text)?.[1])
                .filter((v): v is string => !!v),
        );
        assert.ok(used.size >= 5);
        for (const name of used) {
            assert.strictEqual(document.parameters[name]?.interpolationType, "ENV_VAR", name);
        }
        assert.doesNotMatch(runCommand.join("\n"), /\{\{/, "no parameter is interpolated into the code");
    });

    it("builds the DISKSHADOW script with writers taking part, every volume in one set", () => {
        const builder = functionNamed(file, "New-DiskShadowScript");
        assert.ok(builder);
        assert.match(builder.text, /'set context persistent'/);
        assert.match(builder.text, /'set context persistent nowriters'/);
        assert.doesNotMatch(builder.text, /clientaccessible/i);
        for (const step of ["begin backup", "add volume", "create", "exec", "end backup"]) {
            assert.ok(builder.text.includes(step), step);
        }
    });
});

describe("the diskshadow engine's document", () => {
    const document = buildDocument(context);

    it("is one Windows-only PowerShell step bounded by executionTimeout", () => {
        assert.strictEqual(document.schemaVersion, "2.2");
        assert.deepStrictEqual(
            document.mainSteps.map((s) => [s.action, s.precondition, s.inputs.timeoutSeconds]),
            [["aws:runPowerShellScript", { StringEquals: ["platformType", "Windows"] }, "{{executionTimeout}}"]],
        );
    });

    it("has validated parameters whose defaults satisfy their own patterns", () => {
        for (const [name, parameter] of Object.entries(document.parameters)) {
            assert.ok(parameter.allowedPattern || parameter.allowedValues, `${name} is unconstrained`);
            if (parameter.allowedPattern) {
                assert.ok(matches(parameter.allowedPattern, parameter.default ?? ""), name);
            }
        }
        assert.strictEqual(document.parameters.SaveVssMetadata.default, "True");
        assert.strictEqual(document.parameters.DryRun.default, "False");
        assert.ok(!matches(document.parameters.StartDelayMaxSeconds.allowedPattern!, "901"));
        assert.ok(!matches(document.parameters.Tags.allowedPattern!, "Key=Owner,Value=me"), "the vss-fleet tags cannot be dropped");
    });

    it("stays well under SSM's 64 KB", () => {
        const bytes = Buffer.byteLength(renderDocument(context));
        assert.ok(bytes < 32 * 1024, `${bytes} bytes`);
    });
});
