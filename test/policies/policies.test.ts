/** The whole pack (policies/policies.ts) against the stacks vss-fleet itself builds. */
import * as assert from "assert";
import { runUnderMocks } from "../../automation/offline/mockRuntime";
import { defineEnvironment } from "../../stacks/program";
import { specOf } from "../helpers";
import { enrollment } from "./fixtures";
import { resource } from "./harness";

describe("our own stacks pass our own pack", () => {
    for (const overrides of [
        {},
        { logging: { s3BucketName: "out" }, notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:a" } },
    ]) {
        it(`no mandatory violation for an environment ${JSON.stringify(overrides)}`, async () => {
            const spec = specOf({ targetTags: { Backup: "prod" }, ...overrides });
            const { resources } = await runUnderMocks(() => defineEnvironment(spec, "acme"), { project: "vss-fleet", stack: "prod" });
            const stack = resources.filter((r) => r.custom).map((r) => resource(r.type, r.name, r.inputs));
            const { evaluatePolicies } = await import("../../automation/offline/policyRuntime");
            const { vssFleetPolicies } = await import("../../policies/policies");
            const result = await evaluatePolicies(vssFleetPolicies(), stack, {
                packName: "vss-fleet",
                config: {
                    "windows-instance-enrolled": { ...enrollment, environments: [{ name: spec.name, targetTags: spec.targetTags }] },
                },
            });
            assert.deepStrictEqual(
                result.violations.filter((v) => v.enforcementLevel === "mandatory"),
                [],
            );
            const advisories = result.violations.map((v) => v.policy);
            assert.deepStrictEqual(advisories, "logging" in overrides ? [] : ["snapshot-task-logging"]);
        });
    }
});
