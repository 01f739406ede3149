/**
 * Contract: the real pack (policies/index.ts) under Pulumi's own policy host, spoken to over gRPC as
 * the engine speaks to it, and the in-process runner (automation/offline/policyRuntime.ts) must
 * report the same diagnostics for the same stack and config. This is what lets the offline engine
 * claim the policy server's semantics.
 */
import * as assert from "assert";
import type { EnforcementLevel } from "@pulumi/policy";
import {
    effectiveConfig,
    evaluatePolicies,
    UNKNOWN_VALUES,
    type AnalyzedResource,
    type PackConfig,
    type Violation,
} from "../../automation/offline/policyRuntime";
import { POLICY_PACK_NAME, vssFleetPolicies } from "../../policies/policies";
import { PolicyHost } from "./policyHost";
import { resource } from "./harness";

const WINDOWS_AMI = "ami-0windows0000000001";
const environments = [{ name: "prod", targetTags: { Backup: "prod" } }];

const config: PackConfig = {
    "windows-instance-enrolled": { environments, windowsAmiIds: [WINDOWS_AMI], resolveAmis: false },
    "windows-instance-can-run-snapshot": { environments, windowsAmiIds: [WINDOWS_AMI], resolveAmis: false },
    "fleet-windows-instances-enrolled": {
        environment: { ...environments[0], accountId: "111111111111", region: "us-east-1" },
        inventory: [{ instanceId: "i-0000000000000000a", accountId: "111111111111", region: "us-east-1", platform: "windows", tags: {} }],
    },
    "ssm-document-not-public": "advisory",
    "windows-instance-requires-imdsv2": { windowsAmiIds: [WINDOWS_AMI], resolveAmis: false },
};

/** One stack that trips every policy at least once, with one value unknown as in a preview. */
const role = resource("aws:iam/role:Role", "app-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMFullAccess"] });
const stack: AnalyzedResource[] = [
    resource("aws:ec2/instance:Instance", "sql-1", { ami: WINDOWS_AMI, tags: { Name: "sql-1" } }),
    resource("aws:ec2/instance:Instance", "sql-2", { ami: WINDOWS_AMI, tags: { Backup: "prod" } }),
    resource("aws:ec2/instance:Instance", "web-1", { ami: "ami-0linux000000000001", tags: {} }),
    resource("aws:ec2/instance:Instance", "sql-4", {
        ami: WINDOWS_AMI,
        tags: { Backup: "prod" },
        metadataOptions: { httpTokens: "optional" },
    }),
    resource("aws:ec2/instance:Instance", "sql-5", {
        ami: WINDOWS_AMI,
        tags: { Backup: "prod" },
        metadataOptions: { httpTokens: "required" },
    }),
    resource("aws:ec2/instance:Instance", "sql-3", { ami: WINDOWS_AMI, tags: UNKNOWN_VALUES.string }),
    role,
    resource("aws:iam/policy:Policy", "classic", {
        policy: JSON.stringify({
            Statement: [{ Sid: "Classic", Effect: "Allow", Action: ["ec2:CreateSnapshot", "iam:PassRole"], Resource: "*" }],
        }),
    }),
    resource("aws:ssm/document:Document", "shared", { permissions: { type: "Share", accountIds: "All" } }),
    resource("aws:ssm/maintenanceWindow:MaintenanceWindow", "window", { schedule: "cron(0 4 * * * *)", duration: 1, cutoff: 1 }),
    resource("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "task", { taskType: "RUN_COMMAND", maxConcurrency: "1" }),
];

const sortKey = (v: Violation) => `${v.policy}|${v.urn ?? ""}|${v.message}`;
const sorted = (list: Violation[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

describe("contract: the real pack under Pulumi's policy host", function () {
    this.timeout(120_000);
    let host: PolicyHost;

    before(async () => {
        host = await PolicyHost.start();
        const policies = vssFleetPolicies();
        const engineConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
        for (const policy of policies) {
            // The engine always sends a level (protobuf's default, 0, would mean advisory).
            const { level, properties } = effectiveConfig(policy, config);
            engineConfig[policy.name] = { enforcementLevel: level ?? policy.enforcementLevel ?? "advisory", properties };
        }
        await host.configure(engineConfig);
    });
    after(() => host?.stop());

    it("serves every policy of vssFleetPolicies() at its declared level, with its config schema", async () => {
        const info = await host.info();
        assert.strictEqual(info.name, POLICY_PACK_NAME);
        assert.strictEqual(info.version, "0.1.0");
        const expected = vssFleetPolicies().map((p) => [p.name, p.enforcementLevel, Object.keys(p.configSchema?.properties ?? {}).sort()]);
        const served = info.policiesList.map((p) => [
            p.name,
            (["advisory", "mandatory", "disabled", "remediate"] as const)[p.enforcementlevel],
            Object.keys(p.configschema?.properties?.fieldsMap ? Object.fromEntries(p.configschema.properties.fieldsMap) : {}).sort(),
        ]);
        assert.deepStrictEqual(served, expected);
    });

    it("reports the same stack-policy diagnostics as the offline runner", async () => {
        const offline = await evaluatePolicies(
            vssFleetPolicies().filter((p) => "validateStack" in p),
            stack,
            { packName: POLICY_PACK_NAME, packVersion: "0.1.0", config },
        );
        const served = await host.analyzeStack(stack);
        assert.ok(served.length >= 4, `the stack should trip the stack policies: ${JSON.stringify(served)}`);
        assert.ok(served.some((v) => v.enforcementLevel === "advisory" && /can't run policy 'windows-instance-enrolled'/.test(v.message)));
        assert.deepStrictEqual(
            served
                .filter((v) => v.policy === "windows-instance-requires-imdsv2")
                .map((v) => [v.enforcementLevel, v.message.split("\n")[1].split(" is a Windows")[0]])
                .sort(),
            [
                ["advisory", "sql-1"],
                ["advisory", "sql-2"],
                ["advisory", "sql-3"],
                ["advisory", "sql-4"],
            ],
            "sql-3's tags are unknown but its AMI is not, so it is judged too; sql-5 requires IMDSv2",
        );
        assert.deepStrictEqual(sorted(offline.violations), sorted(served));
    });

    it("reports the same resource-policy diagnostics as the offline runner, resource by resource", async () => {
        const resourcePolicies = vssFleetPolicies().filter((p) => "validateResource" in p);
        for (const r of stack) {
            const offline = await evaluatePolicies(resourcePolicies, [r], { packName: POLICY_PACK_NAME, packVersion: "0.1.0", config });
            const served = await host.analyze(r);
            assert.deepStrictEqual(sorted(offline.violations), sorted(served), r.name);
        }
    });
});
