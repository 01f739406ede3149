/**
 * Pulumi auto-names a resource "<logical name>-<7 random hex>" and refuses (at preview) a name that
 * would exceed the provider's maximum. So the longest environment name (40 characters) must leave
 * every auto-named resource within AWS's limit for its type.
 */
import * as assert from "assert";
import { runUnderMocks } from "../../automation/offline/mockRuntime";
import { defineEnvironment } from "../../stacks/program";
import { specOf } from "../helpers";

/** Name limits from the AWS API references (CreateRole, CreateFunction, PutRule, CreateTopic, ...). */
const NAME_LIMITS: Record<string, number> = {
    "aws:iam/role:Role": 64,
    "aws:iam/policy:Policy": 128,
    "aws:iam/instanceProfile:InstanceProfile": 128,
    "aws:iam/rolePolicy:RolePolicy": 128,
    "aws:lambda/function:Function": 64,
    "aws:cloudwatch/eventRule:EventRule": 64,
    "aws:sns/topic:Topic": 256,
    "aws:ssm/document:Document": 128,
    "aws:ssm/maintenanceWindow:MaintenanceWindow": 128,
};
/** "-" and 7 random characters. */
const AUTONAME_SUFFIX = 8;

describe("resource names for the longest environment name", () => {
    it("fit AWS's limits once Pulumi adds its random suffix", async () => {
        const name = "e".repeat(39) + "1";
        const spec = specOf(
            {
                notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts" },
                retention: { days: 35 },
                restoreDrill: { schedule: "cron(0 6 ? * SUN *)" },
            },
            name,
        );
        const { resources } = await runUnderMocks(() => defineEnvironment(spec, "vss-fleet"), { project: "vss-fleet", stack: name });
        const checked = resources.filter((r) => NAME_LIMITS[r.type] !== undefined);
        assert.ok(checked.length >= 12, `checked ${checked.length} resources`);
        for (const r of checked) {
            const physical = typeof r.inputs.name === "string" ? r.inputs.name.length : r.name.length + AUTONAME_SUFFIX;
            assert.ok(physical <= NAME_LIMITS[r.type], `${r.type} ${r.name}: ${physical} > ${NAME_LIMITS[r.type]} characters`);
        }
    });
});
