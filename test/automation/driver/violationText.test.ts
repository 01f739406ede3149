/**
 * The driver's summaries name what each policy violation is about, as `plan` does: the engine's
 * policy event carries "<policy description>\n<violation>\n" (as the real CLI sends it, see the
 * engine tier), and the text and markdown show the violation, not the empty line after it.
 */
import * as assert from "assert";
import type { EnvironmentRun } from "../../../automation/driver/run";
import { driverJson, driverMarkdown, driverText } from "../../../automation/output/driverFormats";

/** A policy event's message exactly as pulumi v3.274.1 reported it for the shipped pack. */
const ENROLLED_MESSAGE =
    "Every existing Windows instance in the environment's account, region and scope is enrolled or exempted.\n" +
    "Windows instance i-0badc0ffee0000001 (sql07) in 111111111111/us-east-1 is not backed up by environment prod. " +
    "Tag it Backup=prod, list it under the environment's instances, or exempt it with a reason and an expiry date.\n";
const LOGGING_MESSAGE = "The snapshot task keeps its output | logs.\nprod-backup-task sends no output to S3 or CloudWatch.\n";

const blocked: EnvironmentRun = {
    name: "prod",
    status: "blocked",
    changes: {},
    violations: [
        {
            policy: "fleet-windows-instances-enrolled",
            enforcementLevel: "mandatory",
            message: ENROLLED_MESSAGE,
            urn: "urn:pulumi:prod::vss-fleet::pulumi:pulumi:Stack::vss-fleet-prod",
        },
        { policy: "snapshot-task-logging", enforcementLevel: "advisory", message: LOGGING_MESSAGE },
        { policy: "described-only", enforcementLevel: "advisory", message: "Only a description.\n" },
    ],
    durationMs: 4000,
    attempts: 1,
};
const run = { operation: "preview" as const, environmentsInManifest: 1, environments: [blocked] };

describe("the driver's summaries show each policy violation", () => {
    it("text: the instance, the environment and the fix after the policy's name", () => {
        assert.deepStrictEqual(driverText(run).split("\n").slice(2), [
            "    BLOCK fleet-windows-instances-enrolled: Windows instance i-0badc0ffee0000001 (sql07) in 111111111111/us-east-1 is not " +
                "backed up by environment prod. Tag it Backup=prod, list it under the environment's instances, or exempt it with a " +
                "reason and an expiry date.",
            "    advise snapshot-task-logging: prod-backup-task sends no output to S3 or CloudWatch.",
            "    advise described-only: Only a description.",
        ]);
    });

    it("markdown: the same, with a table-breaking '|' escaped", () => {
        const md = driverMarkdown({
            ...run,
            environments: [{ ...blocked, violations: [blocked.violations[0], { ...blocked.violations[1], message: "d\na | b\n" }] }],
        });
        assert.deepStrictEqual(md.slice(md.indexOf("#### prod")).split("\n"), [
            "#### prod",
            "",
            "- :no_entry: **fleet-windows-instances-enrolled**: Windows instance i-0badc0ffee0000001 (sql07) in 111111111111/us-east-1 " +
                "is not backed up by environment prod. Tag it Backup=prod, list it under the environment's instances, or exempt it " +
                "with a reason and an expiry date.",
            "- :information_source: **snapshot-task-logging**: a \\| b",
        ]);
    });

    it("JSON keeps the whole message", () => {
        const json = JSON.parse(driverJson(run, 1)) as { environments: { violations: { message: string }[] }[] };
        assert.strictEqual(json.environments[0].violations[0].message, ENROLLED_MESSAGE);
    });
});
