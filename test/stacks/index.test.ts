/**
 * The program file itself, as `pulumi up -s prod` runs it: stacks/index.ts loaded under the mock
 * runtime with the shipped stacks/Pulumi.prod.yaml as its config, exporting the stack outputs.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { stackConfig } from "../../automation/offline/planStacks";
import { RecordingMocks } from "../../automation/offline/mockRuntime";
import { waitForRegistrations } from "../../automation/offline/pulumiInternals";

/** Resolves an output, as the engine would record it. */
function valueOf<T>(output: pulumi.Output<T> | T): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

describe("stacks/index.ts (the program pulumi up runs)", () => {
    let outputs: Record<string, unknown>;
    let mocks: RecordingMocks;

    before(async () => {
        mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "vss-fleet", "prod", false);
        pulumi.runtime.setAllConfig(stackConfig(path.join(__dirname, "..", "..", "stacks", "Pulumi.prod.yaml")));
        outputs = await import("../../stacks/index");
        await waitForRegistrations();
    });

    it("builds the prod environment from its stack file and exports its outputs", async () => {
        assert.strictEqual(outputs.environment, "prod");
        assert.strictEqual(outputs.region, "us-east-1");
        assert.strictEqual(outputs.accountId, "111111111111");
        assert.deepStrictEqual(outputs.targetTags, { Backup: "prod" });
        assert.deepStrictEqual(outputs.enrolledInstances, ["i-0a1b2c3d4e5f60003"]);
        assert.strictEqual(await valueOf(outputs.windowId as pulumi.Output<string>), "prod-backup-window-id");
        assert.strictEqual(await valueOf(outputs.documentName as pulumi.Output<string>), "prod-snapshot-document");
        assert.match(
            String(await valueOf(outputs.taskRoleArn as pulumi.Output<string>)),
            /^arn:aws:iam::111111111111:role\/vss-fleet\/prod\/prod-task-role$/,
        );
        assert.strictEqual(await valueOf(outputs.instanceProfileName as pulumi.Output<string>), "prod-instance-profile");
        // prod sets retention and drills, so it has the lifecycle and its alert topic.
        assert.strictEqual(
            await valueOf(outputs.alertTopicArn as pulumi.Output<string>),
            "arn:aws:sns:us-east-1:111111111111:prod-lifecycle-alerts",
        );
        assert.strictEqual(await valueOf(outputs.lifecycleFunctionName as pulumi.Output<string>), "prod-lifecycle-fn");
    });

    it("registers the environment, its enrollment tag and its provider", () => {
        const types = mocks.resources.map((r) => r.type);
        assert.ok(types.includes("vss-fleet:backup:BackupEnvironment"));
        assert.ok(types.includes("vss-fleet:backup:EnrolledInstances"));
        assert.strictEqual(types.filter((t) => t === "aws:ec2/tag:Tag").length, 1);
        assert.strictEqual(types.filter((t) => t === "pulumi:providers:aws").length, 1);
    });
});
