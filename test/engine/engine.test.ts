/**
 * The engine tier: the shipped prod stack through the real Pulumi CLI and engine (v3.274.1, built
 * by scripts/pulumi-cli.sh), the real policy analyzer running policies/, a local file backend and
 * passphrase secrets. Only the AWS provider is a stand-in (test/engine/standin-aws-provider), whose
 * recorded calls show what the engine asked for. Skipped with a notice when the CLI is not built.
 */
import * as assert from "assert";
import * as path from "path";
import { CommandError, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { ENROLLED, prodPolicyConfig, stackOf, UNENROLLED } from "./program";
import { languageHostMissing, REPO, requireEngine, Sandbox, urnsOf } from "./sandbox";

function policyEvents(events: EngineEvent[]) {
    return events.flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
}

describe("engine tier: the prod stack through the real Pulumi engine", function () {
    this.timeout(240_000);
    let sandbox: Sandbox;
    let stack: Stack;
    let pack: string;
    let passing: string;
    let violating: string;

    before(async function () {
        requireEngine();
        sandbox = await Sandbox.create();
        stack = await stackOf(sandbox, "prod");
        pack = sandbox.policyPack();
        passing = sandbox.policyConfig("passing", prodPolicyConfig([ENROLLED]));
        violating = sandbox.policyConfig("violating", prodPolicyConfig([ENROLLED, UNENROLLED]));
    });

    after(() => sandbox?.dispose());

    it("previews the shipped stack with the policy pack: no violation, every resource to create", async () => {
        const events: EngineEvent[] = [];
        const result = await stack.preview({ policyPacks: [pack], policyPackConfigs: [passing], onEvent: (e) => events.push(e) });
        assert.deepStrictEqual(
            policyEvents(events).filter((p) => p.enforcementLevel === "mandatory"),
            [],
        );
        // 45 AWS resources, their 9 components and the stack.
        assert.deepStrictEqual(result.changeSummary, { create: 55 });
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), [], "a preview created something");
    });

    it("is blocked by the real analyzer when the inventory holds an unenrolled Windows instance", async () => {
        const events: EngineEvent[] = [];
        await assert.rejects(
            stack.preview({ policyPacks: [pack], policyPackConfigs: [violating], onEvent: (e) => events.push(e) }),
            (error: unknown) => error instanceof CommandError,
        );
        const mandatory = policyEvents(events).filter((p) => p.enforcementLevel === "mandatory");
        assert.deepStrictEqual(
            mandatory.map((p) => p.policyName),
            ["fleet-windows-instances-enrolled"],
        );
        assert.match(mandatory[0].message, /i-0badc0ffee0000001 \(sql07\) in 111111111111\/us-east-1 is not backed up by environment prod/);
    });

    it("`pulumi preview -s prod --policy-pack ./policies` on the project itself, or without a language host a plain refusal", async function () {
        const missing = languageHostMissing();
        if (missing) {
            // Here the proxy refuses the language host (docs/testing-engine.md): the real CLI must then
            // refuse the project's own program plainly, naming the missing runtime, not run it some other way.
            const refused = await sandbox.cli(["preview", "-s", "prod", "--policy-pack", path.join(REPO, "policies")]);
            assert.strictEqual(refused.code, 1);
            assert.match(refused.stdout + refused.stderr, /no language plugin 'pulumi-language-nodejs' found/);
            return;
        }
        // In the sandbox's project (its Pulumi.yaml points main at the repository's stacks/), so the
        // passphrase's salt is written to a copy of the stack file, never to the repository's.
        const policies = path.join(REPO, "policies");
        const result = await sandbox.cli(["preview", "-s", "prod", "--policy-pack", policies, "--policy-pack-config", passing]);
        assert.strictEqual(result.code, 0, result.stdout + result.stderr);
        const blocked = await sandbox.cli(
            ["preview", "-s", "prod", "--policy-pack", "./policies", "--policy-pack-config", violating],
            REPO,
        );
        assert.notStrictEqual(blocked.code, 0);
        assert.match(blocked.stdout + blocked.stderr, /fleet-windows-instances-enrolled/);
    });

    it("up creates each resource once, a second up changes nothing, a config change updates in place, destroy removes all", async () => {
        sandbox.clearCalls();
        await stack.up({ policyPacks: [pack], policyPackConfigs: [passing] });
        const created = urnsOf(sandbox.calls(), "Create");
        assert.strictEqual(created.length, 45);
        assert.deepStrictEqual([...new Set(created)].sort(), [...created].sort(), "a resource was created twice");

        sandbox.clearCalls();
        const again = await stack.up({ policyPacks: [pack], policyPackConfigs: [passing] });
        assert.deepStrictEqual(
            sandbox.calls().filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
            [],
        );
        assert.strictEqual(again.summary.resourceChanges?.create, undefined);

        sandbox.clearCalls();
        await stack.setConfig("vss-fleet:environment.maxErrors", { value: "3" }, true);
        const changed = await stack.up({ policyPacks: [pack], policyPackConfigs: [passing] });
        const updates = sandbox.calls().filter((c) => c.method === "Update" && !c.preview);
        assert.deepStrictEqual(
            updates.map((c) => [c.urn?.split("::").slice(2).join("::"), c.changes]),
            [
                [
                    "vss-fleet:backup:BackupEnvironment$vss-fleet:ssm:BackupWindow$aws:ssm/maintenanceWindowTask:MaintenanceWindowTask::prod-backup-task",
                    ["maxErrors"],
                ],
            ],
        );
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Create"), []);
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Delete"), []);
        assert.strictEqual(changed.summary.resourceChanges?.update, updates.length);

        sandbox.clearCalls();
        await stack.destroy();
        assert.deepStrictEqual(urnsOf(sandbox.calls(), "Delete").sort(), [...created].sort());
        const state = await stack.exportStack();
        assert.deepStrictEqual(state.deployment.resources ?? [], []);
    });

    it("the Automation API's up (--skip-preview) judges a stack policy only after every resource was created", async () => {
        // Why `vss-fleet apply` previews first (automation/driver/run.ts): this is what it used to run.
        sandbox.clearCalls();
        const events: EngineEvent[] = [];
        await assert.rejects(
            stack.up({ policyPacks: [pack], policyPackConfigs: [violating], onEvent: (e) => events.push(e) }),
            (error: unknown) => error instanceof CommandError,
        );
        assert.deepStrictEqual(
            policyEvents(events)
                .filter((p) => p.enforcementLevel === "mandatory")
                .map((p) => p.policyName),
            ["fleet-windows-instances-enrolled"],
        );
        assert.strictEqual(urnsOf(sandbox.calls(), "Create").length, 45, "the violation did not stop a single create");
        assert.strictEqual((await stack.exportStack()).deployment.resources?.length, 55);
        await stack.destroy();
    });
});
