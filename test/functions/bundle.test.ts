/**
 * The artifact Lambda runs: the esbuild bundle of handler.ts, loaded as Lambda would load index.js,
 * with the AWS SDK resolved from outside the bundle (as the nodejs22.x runtime provides it).
 */
import * as assert from "assert";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { PublishCommand } from "@aws-sdk/client-sns";
import { createRequire } from "node:module";
import * as path from "node:path";
import { lifecycleFunctionBundle } from "../../components/lifecycle/functionBundle";
import { functionEnvironment, readConfig } from "../../core/lifecycle/functionConfig";
import { verifyRunPayload } from "../../components/lifecycle/eventPatterns";
import {
    config,
    createMocks,
    instance,
    resetMocks,
    restoreMocks,
    RUN_START,
    serve,
    snapshot,
    volume,
    WINDOW_EXECUTION,
    type Mocks,
} from "./fixtures";

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<Record<string, unknown>>;

/** Loads the bundle text as a CommonJS module whose only outside imports are the AWS SDK. */
function loadBundle(code: string): { handler: Handler } {
    const seen: string[] = [];
    const projectRequire = createRequire(path.join(__dirname, "..", "..", "package.json"));
    const lambdaRequire = (id: string) => {
        seen.push(id);
        return projectRequire(id);
    };
    const module = { exports: {} as { handler: Handler } };
    new Function("module", "exports", "require", code)(module, module.exports, lambdaRequire);
    assert.ok(
        seen.every((id) => id.startsWith("@aws-sdk/") || ["process", "buffer"].includes(id)),
        `the bundle requires only the runtime's SDK and Node built-ins: ${seen.join(", ")}`,
    );
    return module.exports;
}

describe("the lifecycle function bundle", () => {
    let mocks: Mocks;
    let bundle: string;
    const saved = { ...process.env };
    before(() => {
        mocks = createMocks();
        bundle = lifecycleFunctionBundle();
    });
    afterEach(() => {
        resetMocks(mocks);
        process.env = { ...saved };
    });
    after(() => restoreMocks(mocks));

    it("is one self-contained CommonJS file that exports handler and leaves the AWS SDK to the runtime", () => {
        assert.ok(bundle.length < 1_000_000, `${bundle.length} bytes`);
        assert.strictEqual(lifecycleFunctionBundle(), bundle, "the same bytes every time: no spurious diffs on pulumi up");
        assert.strictEqual(typeof loadBundle(bundle).handler, "function");
    });

    it("verifies a run end to end when the window's task payload invokes it", async () => {
        Object.assign(process.env, functionEnvironment(config));
        serve(mocks, {
            instances: [instance("i-0a1b2c3d4e5f60001", "SQL01", "us-east-1a")],
            volumes: [volume("vol-0a00000000000a001", "i-0a1b2c3d4e5f60001", "/dev/sda1")],
            snapshots: [snapshot("vol-0a00000000000a001", "old", new Date(RUN_START.getTime() - 3 * 86_400_000))],
            invocations: { "i-0a1b2c3d4e5f60001": ["Failed", "Failed"] },
        });
        // What SSM sends once it has replaced {{WINDOW_EXECUTION_ID}}.
        const event = JSON.parse(verifyRunPayload().replace("{{WINDOW_EXECUTION_ID}}", WINDOW_EXECUTION));
        const log = console.log;
        console.log = () => undefined; // the handler logs its summary for CloudWatch Logs
        const summary = await loadBundle(bundle)
            .handler(event)
            .finally(() => (console.log = log));
        assert.deepStrictEqual(summary.failedInstances, ["i-0a1b2c3d4e5f60001"]);
        assert.strictEqual(mocks.sns.commandCalls(PublishCommand).length, 1);
        assert.strictEqual(mocks.cloudWatch.commandCalls(PutMetricDataCommand).length, 1);
    });

    it("ignores an event it does not know, before touching AWS, and without throwing (the on-failure destination would publish it)", async () => {
        Object.assign(process.env, functionEnvironment(config));
        const { handler } = loadBundle(bundle);
        const log = console.log;
        console.log = () => undefined;
        try {
            assert.deepStrictEqual(await handler({ action: "delete-everything" }), {
                action: "ignored",
                reason: "unexpected event: Invalid discriminator value. Expected 'verify-run' | 'drill'",
            });
            assert.deepStrictEqual(await handler({ action: "verify-run", windowExecutionId: "{{WINDOW_EXECUTION_ID}}" }), {
                action: "ignored",
                reason: "unexpected event: must be a window execution id",
            });
        } finally {
            console.log = log;
        }
        assert.strictEqual(mocks.ec2.calls().length + mocks.ssm.calls().length + mocks.sns.calls().length, 0);
    });

    it("fails loudly when deployed with broken environment variables", async () => {
        process.env = { ...saved, ...functionEnvironment(config), VSS_FLEET_TARGET_TAGS: "{not json" };
        await assert.rejects(
            loadBundle(bundle).handler({ action: "drill" }),
            /bad environment variables: VSS_FLEET_TARGET_TAGS: must be JSON/,
        );
    });
});

describe("the function's configuration contract", () => {
    it("reads back exactly what the stack writes", () => {
        const full = { ...config, retention: { days: 35, minSets: 7 }, drillInstancesPerRun: 2 };
        assert.deepStrictEqual(readConfig(functionEnvironment(full)), full);
        assert.deepStrictEqual(readConfig(functionEnvironment(config)), config);
    });

    it("stays far below Lambda's 4 KB of environment variables", () => {
        const tags = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`k${i}`.padEnd(128, "k"), "v".padEnd(256, "v")]));
        const size = Object.entries(functionEnvironment({ ...config, targetTags: tags })).reduce((n, [k, v]) => n + k.length + v.length, 0);
        assert.ok(size < 4096, `${size} bytes with 5 maximal target tags`);
    });
});
