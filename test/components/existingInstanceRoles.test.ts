import * as assert from "assert";
import { runUnderMocks } from "../../automation/offline/mockRuntime";
import { parseEnvironment } from "../../core/environment";
import { defineEnvironment } from "../../stacks/program";
import { specOf } from "../helpers";

const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ADMIN_POLICY = "arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-instance-snapshot";

async function attachments(overrides: Record<string, unknown>) {
    const spec = specOf(overrides);
    const { resources } = await runUnderMocks(() => defineEnvironment(spec, "vss-fleet"), { project: "vss-fleet", stack: spec.name });
    const rows = resources.filter((r) => r.type === ATTACHMENT).map((r) => [r.name, r.inputs.role, r.inputs.policyArn] as string[]);
    // Registered as their inputs resolve, so in no fixed order.
    return rows.sort(([a], [b]) => a.localeCompare(b));
}

describe("existingInstanceRoleNames", () => {
    it("attaches the administrator's snapshot policy to each listed role by name, beside the stack's own role", async () => {
        assert.deepStrictEqual(await attachments({ existingInstanceRoleNames: ["WebServers", "/app/SqlServers"] }), [
            ["prod-instance-existing-SqlServers", "SqlServers", ADMIN_POLICY],
            ["prod-instance-existing-WebServers", "WebServers", ADMIN_POLICY],
            ["prod-instance-snapshot", "prod-instance-role", "arn:aws:iam::111111111111:policy/vss-fleet/prod/prod-instance-snapshot"],
            ["prod-instance-ssm-core", "prod-instance-role", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        ]);
    });

    it("without the field: no attachment to any role but the stack's own", async () => {
        assert.deepStrictEqual(
            (await attachments({})).map(([name]) => name),
            ["prod-instance-snapshot", "prod-instance-ssm-core"],
        );
    });

    const problems = (roles: unknown) => {
        const result = parseEnvironment("prod", { region: "us-east-1", accountId: "111111111111", existingInstanceRoleNames: roles });
        return result.ok ? [] : result.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };

    it("accepts a name or a /path/name; refuses an ARN, a path without a name, a role twice (even in two paths), none, or 21", () => {
        assert.deepStrictEqual(problems(["WebServers", "/app/team-a/Sql.Servers@1"]), []);
        assert.deepStrictEqual(problems(["arn:aws:iam::111111111111:role/WebServers"]), [
            "existingInstanceRoleNames.0: must be an IAM role name, or its path and name such as /app/WebServers",
        ]);
        assert.deepStrictEqual(problems(["/app/"]), [
            "existingInstanceRoleNames.0: must be an IAM role name, or its path and name such as /app/WebServers",
        ]);
        assert.deepStrictEqual(problems(["WebServers", "/app/WebServers"]), ["existingInstanceRoleNames: a role is listed twice"]);
        assert.strictEqual(problems([]).length, 1);
        assert.deepStrictEqual(problems(Array.from({ length: 20 }, (_, i) => `R${i}`)), []);
        assert.strictEqual(problems(Array.from({ length: 21 }, (_, i) => `R${i}`)).length, 1);
        assert.strictEqual(problems(["x".repeat(64)]).length, 0);
        assert.strictEqual(problems(["x".repeat(65)]).length, 1);
    });
});
