/**
 * The deploy policy in managed policies that IAM accepts: every part within 6,144 characters, the
 * parts together granting exactly what the whole does (by IAM simulation), and an environment whose
 * instance list makes it too large for one role refused with a message, not handed out to fail.
 */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { bootstrap } from "../../../automation/driver/bootstrap";
import { deployPolicy } from "../../../automation/driver/deployRolePolicy";
import { deployPolicyParts, policyChars, splitPolicy } from "../../../automation/driver/policyParts";
import { UserInputError } from "../../../automation/errors";
import type { PolicyDocument, Statement } from "../../../components/iam";
import { specOf } from "../../helpers";

const ACCOUNT = "111111111111";
const instanceIds = (n: number) => Array.from({ length: n }, (_, i) => `i-${i.toString(16).padStart(17, "0")}`);
const spec = specOf({ targetTags: { Backup: "prod", Tier: "db" }, retention: { days: 35 } });

async function decideAll(
    policies: readonly PolicyDocument[],
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
) {
    const response = await runSimulation(
        {
            identityPolicies: policies.map((policy, i) => ({ name: `part-${i}`, policy: policy as unknown as Record<string, unknown> })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: {
                principal: `arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`,
                action,
                resource: { resource, accountId: ACCOUNT },
                contextVariables: context,
            },
        } as Parameters<typeof runSimulation>[0],
        {},
    );
    assert.notStrictEqual(response.resultType, "error", JSON.stringify(response));
    return (response as { overallResult: string }).overallResult;
}

describe("the deploy policy in managed policies that fit", () => {
    it("is larger than one managed policy for an environment with its lifecycle and 3 instances, so the split is needed", () => {
        const whole = deployPolicy(spec, instanceIds(3));
        assert.ok(policyChars(whole) > 6_144, `${policyChars(whole)}`);
    });

    it("puts every statement in exactly one part, each part within 6,144 characters", () => {
        const whole = deployPolicy(spec, instanceIds(3));
        const parts = splitPolicy(whole);
        assert.strictEqual(parts.length, 2);
        for (const part of parts) {
            assert.ok(policyChars(part) <= 6_144, `${policyChars(part)}`);
        }
        const sids = (statements: readonly Statement[]) => statements.map((s) => s.Sid).sort();
        assert.deepStrictEqual(sids(parts.flatMap((p) => p.Statement)), sids(whole.Statement));
    });

    it("fits exactly at the limit and not one character over it", () => {
        const statement = (sid: string, chars: number): Statement => {
            const base = JSON.stringify({ Sid: sid, Effect: "Allow", Action: "ec2:DescribeTags", Resource: "" }).length;
            return { Sid: sid, Effect: "Allow", Action: "ec2:DescribeTags", Resource: "x".repeat(chars - base) };
        };
        const empty = policyChars({ Version: "2012-10-17", Statement: [] });
        // Two statements and their comma fill the document to exactly 1,000 characters.
        const first = statement("A", 500);
        const second = statement("B", 1_000 - empty - 500 - 1);
        const whole: PolicyDocument = { Version: "2012-10-17", Statement: [first, second] };
        assert.strictEqual(policyChars(whole), 1_000);
        assert.strictEqual(splitPolicy(whole, 1_000).length, 1);
        assert.strictEqual(splitPolicy(whole, 999).length, 2);
    });

    it("cuts a statement larger than a policy by its resources, keeping its action and condition", () => {
        const whole = deployPolicy(spec, instanceIds(120));
        const parts = splitPolicy(whole);
        const tagStatements = parts.flatMap((p) => p.Statement).filter((s) => s.Sid.startsWith("WriteOnlyTheTargetTagsWithTheirValues"));
        assert.ok(tagStatements.length >= 2, `${tagStatements.length}`);
        const resources = tagStatements.flatMap((s) => s.Resource as string[]);
        assert.strictEqual(resources.length, 120);
        assert.strictEqual(new Set(resources).size, 120);
        for (const s of tagStatements) {
            assert.deepStrictEqual(s.Condition?.["ForAllValues:StringEquals"], { "aws:TagKeys": ["Backup", "Tier"] });
        }
        for (const part of parts) {
            assert.ok(policyChars(part) <= 6_144);
        }
    });

    it("grants together exactly what the whole grants (IAM simulation, allowed and denied requests alike)", async () => {
        const ids = instanceIds(120);
        const whole = deployPolicy(spec, ids);
        const parts = splitPolicy(whole);
        const iam = (rest: string) => `arn:aws:iam::${ACCOUNT}:${rest}`;
        const boundary = { "iam:PermissionsBoundary": iam("policy/vss-fleet-boundary/vss-fleet-prod-boundary") };
        const instance = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`;
        const requests: [string, string, Record<string, string | string[]>, string][] = [
            ["iam:CreateRole", iam("role/vss-fleet/prod/prod-task-role-1"), boundary, "Allowed"],
            ["iam:CreateRole", iam("role/vss-fleet/prod/prod-task-role-1"), {}, "ExplicitlyDenied"],
            ["iam:CreatePolicyVersion", iam("policy/vss-fleet-boundary/vss-fleet-prod-boundary"), {}, "ExplicitlyDenied"],
            ["ec2:CreateTags", instance(ids[0]), { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" }, "Allowed"],
            ["ec2:CreateTags", instance(ids[119]), { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" }, "Allowed"],
            ["ec2:CreateTags", instance(ids[119]), { "aws:TagKeys": ["Owner"], "aws:RequestTag/Owner": "x" }, "ImplicitlyDenied"],
            [
                "ec2:CreateTags",
                instance("i-0ffffffffffffffff"),
                { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" },
                "ImplicitlyDenied",
            ],
            ["ec2:DeleteTags", instance(ids[60]), { "aws:TagKeys": ["Tier"] }, "Allowed"],
            [
                "iam:AttachRolePolicy",
                iam("role/vss-fleet/prod/prod-task-role-1"),
                { ...boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
                "ImplicitlyDenied",
            ],
        ];
        for (const [action, resource, context, expected] of requests) {
            assert.strictEqual(await decideAll([whole], action, resource, context), expected, `whole: ${action} ${resource}`);
            assert.strictEqual(await decideAll(parts, action, resource, context), expected, `parts: ${action} ${resource}`);
        }
    });

    it("names the parts and attaches them under the boundary's path, which the deploy role cannot write", () => {
        const result = bootstrap(
            specOf({ targetTags: { Backup: "prod" }, deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/ci/vss-deploy-prod` }),
            "acme",
            instanceIds(3),
        );
        assert.deepStrictEqual(
            result.deployPolicies.map((p) => p.name),
            ["vss-fleet-prod-deploy-1", "vss-fleet-prod-deploy-2"],
        );
        assert.deepStrictEqual(result.apply.slice(2), [
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-deploy-1 --policy-document file://vss-fleet-prod-deploy-1.json",
            `aws iam attach-role-policy --role-name vss-deploy-prod --policy-arn arn:aws:iam::${ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-deploy-1`,
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-deploy-2 --policy-document file://vss-fleet-prod-deploy-2.json",
            `aws iam attach-role-policy --role-name vss-deploy-prod --policy-arn arn:aws:iam::${ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-deploy-2`,
        ]);
    });

    it("takes 250 enrolled instances in at most 8 policies, and refuses 400 with what to do instead", () => {
        const parts = deployPolicyParts("prod", deployPolicy(spec, instanceIds(250)), 250);
        assert.ok(parts.length <= 8, `${parts.length}`);
        assert.throws(
            () => deployPolicyParts("prod", deployPolicy(spec, instanceIds(400)), 400),
            (error: unknown) => {
                assert.ok(error instanceof UserInputError);
                const [message] = error.problems;
                assert.match(message, /^environment 'prod': its deploy policy is [\d,]+ characters, \d+ managed policies of 6,144/);
                assert.match(message, /The 400 instance\(s\) its `instances` list enrolls/);
                assert.match(message, /vss-fleet discover --write-enrollment/);
                return true;
            },
        );
    });
});
