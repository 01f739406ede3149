/**
 * existingInstanceRoleNames, attacked: the deploy role of an environment that lists existing server
 * roles (no boundary on them) may attach the administrator's snapshot policy to exactly those roles,
 * and nothing else to them, and that policy to nothing else. Each request runs through IAM's whole
 * evaluation (@cloud-copilot/iam-simulate) over the policy `vss-fleet deploy-policy` prints.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import { deployPolicy } from "../../automation/driver/deployRolePolicy";
import type { Decision } from "../iamSimulation";
import { specOf } from "../helpers";
import { ACCOUNT } from "./actors";
import { simulate } from "./simulate";

const spec = specOf({ existingInstanceRoleNames: ["WebServers", "/app/SqlServers"] });
const prodEu = specOf({ existingInstanceRoleNames: ["ReportServers"] }, "prod-eu");
const deploy = {
    principal: `arn:aws:iam::${ACCOUNT}:role/vss-fleet-deploy-prod`,
    identityPolicies: [{ name: "deploy", policy: deployPolicy(spec, []) }],
};
const iam = (rest: string) => `arn:aws:iam::${ACCOUNT}:${rest}`;
const SNAPSHOT_POLICY = iam("policy/vss-fleet-boundary/vss-fleet-prod-instance-snapshot");

const request = (action: string, resource: string, policyArn?: string) =>
    simulate({ ...deploy, action, resource, context: policyArn ? { "iam:PolicyARN": policyArn } : {} });

interface Scenario {
    readonly name: string;
    readonly expected: Decision;
    readonly run: () => Promise<Decision>;
}

const SCENARIOS: Scenario[] = [
    {
        name: "attaches the environment's snapshot policy to a listed role (the stack's job)",
        expected: "Allowed",
        run: () => request("iam:AttachRolePolicy", iam("role/WebServers"), SNAPSHOT_POLICY),
    },
    {
        name: "attaches it to a listed role in its own path, /app/SqlServers",
        expected: "Allowed",
        run: () => request("iam:AttachRolePolicy", iam("role/app/SqlServers"), SNAPSHOT_POLICY),
    },
    {
        name: "detaches it again (destroy, or a role taken off the list)",
        expected: "Allowed",
        run: () => request("iam:DetachRolePolicy", iam("role/WebServers"), SNAPSHOT_POLICY),
    },
    {
        name: "attacker: attaches AdministratorAccess to a listed role",
        expected: "ImplicitlyDenied",
        run: () => request("iam:AttachRolePolicy", iam("role/WebServers"), "arn:aws:iam::aws:policy/AdministratorAccess"),
    },
    {
        name: "attacker: attaches the snapshot policy to a role that is not listed",
        expected: "ImplicitlyDenied",
        run: () => request("iam:AttachRolePolicy", iam("role/DomainControllers"), SNAPSHOT_POLICY),
    },
    {
        name: "attacker: attaches it to a role of the listed name in another path",
        expected: "ImplicitlyDenied",
        run: () => request("iam:AttachRolePolicy", iam("role/SqlServers"), SNAPSHOT_POLICY),
    },
    {
        name: "attacker: attaches a policy it wrote in the environment's own path to a listed role",
        expected: "ImplicitlyDenied",
        run: () => request("iam:AttachRolePolicy", iam("role/WebServers"), iam("policy/vss-fleet/prod/prod-instance-snapshot-evil")),
    },
    {
        name: "attacker: attaches prod-eu's snapshot policy to a listed role",
        expected: "ImplicitlyDenied",
        run: () =>
            request("iam:AttachRolePolicy", iam("role/WebServers"), iam("policy/vss-fleet-boundary/vss-fleet-prod-eu-instance-snapshot")),
    },
    {
        name: "attacker: rewrites the snapshot policy the listed roles carry (a new default version)",
        expected: "ExplicitlyDenied",
        run: () => request("iam:CreatePolicyVersion", SNAPSHOT_POLICY),
    },
    {
        name: "attacker: deletes it to create one of the same name with other content",
        expected: "ExplicitlyDenied",
        run: () => request("iam:DeletePolicy", SNAPSHOT_POLICY),
    },
    {
        name: "attacker: writes an inline policy on a listed role",
        expected: "ImplicitlyDenied",
        run: () => request("iam:PutRolePolicy", iam("role/WebServers")),
    },
    {
        name: "attacker: attaches the snapshot policy to prod-eu's listed role",
        expected: "ImplicitlyDenied",
        run: () => request("iam:AttachRolePolicy", iam("role/ReportServers"), SNAPSHOT_POLICY),
    },
];

describe("existing instance roles (IAM simulation of the deploy role)", () => {
    for (const scenario of SCENARIOS) {
        it(`${scenario.expected}: ${scenario.name}`, async () => {
            assert.strictEqual(await scenario.run(), scenario.expected);
        });
    }

    it("without the field, the deploy role may attach nothing to a role outside the fleet's path", async () => {
        const plain = { ...deploy, identityPolicies: [{ name: "deploy", policy: deployPolicy(specOf({}), []) }] };
        const decision = await simulate({
            ...plain,
            action: "iam:AttachRolePolicy",
            resource: iam("role/WebServers"),
            context: { "iam:PolicyARN": SNAPSHOT_POLICY },
        });
        assert.strictEqual(decision, "ImplicitlyDenied");
    });

    it("bootstrap prints the policy for the administrator: the stack's instance policy, in the administrator's path", () => {
        const printed = bootstrap(spec, "vss-fleet", []);
        assert.deepStrictEqual(
            [printed.existingRolesPolicy?.path, printed.existingRolesPolicy?.name, printed.existingRolesPolicy?.arn],
            ["/vss-fleet-boundary/", "vss-fleet-prod-instance-snapshot", SNAPSHOT_POLICY],
        );
        assert.ok(printed.existingRolesPolicy?.policy.Statement.some((s) => s.Sid === "CreateSnapshotsOfOwnInstance"));
        // Created last, after the boundary and the deploy policy's parts; updated by its own command after an upgrade.
        assert.strictEqual(
            printed.apply[printed.apply.length - 1],
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-instance-snapshot --policy-document file://vss-fleet-prod-instance-snapshot.json",
        );
        assert.strictEqual(printed.existingRolesPolicy?.create, printed.apply[printed.apply.length - 1]);
        assert.strictEqual(
            printed.existingRolesPolicy?.update,
            `aws iam create-policy-version --policy-arn ${SNAPSHOT_POLICY} --policy-document file://vss-fleet-prod-instance-snapshot.json --set-as-default`,
        );
        assert.strictEqual(printed.apply.length, bootstrap(specOf({}), "vss-fleet", []).apply.length + 1);
        assert.strictEqual(bootstrap(prodEu, "vss-fleet", []).existingRolesPolicy?.name, "vss-fleet-prod-eu-instance-snapshot");
        assert.strictEqual(bootstrap(specOf({}), "vss-fleet", []).existingRolesPolicy, undefined);
        assert.ok(bootstrap(specOf({}), "vss-fleet", []).apply.every((line) => !line.includes("instance-snapshot")));
    });
});
