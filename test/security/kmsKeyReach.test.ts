/**
 * The lifecycle role's KMS reach for copies when the manifest names keys by alias or key id (an IAM
 * policy names a key only by ARN): the named keys through EC2, never the account's other keys.
 */
import * as assert from "assert";
import { policyDocument, protectionStatements, type PolicyDocument } from "../../components/iam";
import { simulate } from "./simulate";

const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/vss-fleet/prod/prod-lifecycle`;
const KEY_ID = "22222222-2222-2222-2222-222222222222";
const through = { "kms:ViaService": "ec2.us-west-2.amazonaws.com" };
const key = (region: string, id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
const OTHER = "99999999-9999-9999-9999-999999999999";

function lifecycleKmsPolicy(sourceKmsKeyId: string, copyKey: string): PolicyDocument {
    return policyDocument(
        protectionStatements({
            partition: "aws",
            region: "us-east-1",
            accountId: ACCOUNT,
            environment: "prod",
            fleet: "vss-fleet",
            protection: {
                sourceAccountId: ACCOUNT,
                sourceKmsKeyId,
                copies: [{ region: "us-west-2", kmsKeyId: copyKey, retention: { days: 30, minSets: 7 } }],
            },
        }),
    );
}

const KEY_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Default", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

async function decide(policy: PolicyDocument, resource: string, context: Record<string, string | string[]>) {
    return simulate({
        principal: ROLE,
        identityPolicies: [{ name: "protection", policy }],
        resourcePolicy: KEY_POLICY,
        action: "kms:Decrypt",
        resource,
        context,
    });
}

describe("the lifecycle role's KMS reach for copies (IAM simulation)", function () {
    this.timeout(60_000);
    const policy = lifecycleKmsPolicy("alias/fleet-volumes", KEY_ID);

    it("names no key of every region (no kms:*:<account>:key/*)", () => {
        const resources = policy.Statement.flatMap((s) => [s.Resource ?? []].flat());
        assert.deepStrictEqual(
            resources.filter((r) => r.includes(":kms:")),
            [key("us-west-2", KEY_ID), `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`],
        );
    });

    const cases: [string, "Allowed" | "ImplicitlyDenied", string, Record<string, string | string[]>][] = [
        ["the copy key named by id, in its copy's region", "Allowed", key("us-west-2", KEY_ID), through],
        ["another key of the copy's region", "ImplicitlyDenied", key("us-west-2", OTHER), through],
        ["the same key id in a third region", "ImplicitlyDenied", key("eu-west-1", KEY_ID), through],
        [
            "the volumes' key that carries the alias",
            "Allowed",
            key("us-east-1", OTHER),
            { ...through, "kms:ResourceAliases": ["alias/fleet-volumes"] },
        ],
        [
            "a key of the volumes' region with another alias",
            "ImplicitlyDenied",
            key("us-east-1", OTHER),
            { ...through, "kms:ResourceAliases": ["alias/payroll"] },
        ],
        ["a key of the volumes' region with no alias", "ImplicitlyDenied", key("us-east-1", OTHER), through],
        [
            "a key with that alias in another region",
            "ImplicitlyDenied",
            key("eu-west-1", OTHER),
            { ...through, "kms:ResourceAliases": ["alias/fleet-volumes"] },
        ],
        ["the copy key directly, not through EC2", "ImplicitlyDenied", key("us-west-2", KEY_ID), {}],
    ];
    for (const [name, expected, resource, context] of cases) {
        it(`decrypts with ${name}: ${expected}`, async () => {
            assert.strictEqual(await decide(policy, resource, context), expected);
        });
    }
});
