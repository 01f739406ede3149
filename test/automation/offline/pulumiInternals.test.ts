/**
 * The offline engine switches off Pulumi's debug bookkeeping only while a program runs under the
 * mocks, and puts every piece back afterwards, also when the program throws: a real program in the
 * same process (the engine tier's inline programs) must keep its source positions and leak report.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../../automation/offline/mockRuntime";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the internal module the engine patches
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
const protobufPath = require.resolve("google-protobuf", { paths: [require.resolve("@pulumi/pulumi")] });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the protobuf runtime Pulumi's own messages use
const protobuf = require(protobufPath) as { Message: { prototype: { toString: unknown } } };
const message = protobuf.Message.prototype;
const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };

describe("the offline engine's Pulumi internals", () => {
    it("switches the bookkeeping off inside a run and restores all three pieces after it", async () => {
        const before = [resource.callsites, debuggable.debuggablePromise, message.toString];
        let inside: unknown[] = [];
        await runUnderMocks(
            () => {
                inside = [resource.callsites, debuggable.debuggablePromise, message.toString];
                assert.deepStrictEqual(resource.callsites(), []);
            },
            { project: "p", stack: "s" },
        );
        assert.ok(
            inside.every((fn, i) => fn !== before[i]),
            "all three replaced during the run",
        );
        assert.deepStrictEqual([resource.callsites, debuggable.debuggablePromise, message.toString], before);
        assert.ok(resource.callsites().length > 0, "source positions are back");
    });

    it("restores them when the program throws", async () => {
        const before = [resource.callsites, debuggable.debuggablePromise, message.toString];
        await assert.rejects(
            runUnderMocks(
                () => {
                    throw new Error("boom");
                },
                { project: "p", stack: "s" },
            ),
            /boom/,
        );
        assert.deepStrictEqual([resource.callsites, debuggable.debuggablePromise, message.toString], before);
    });
});
