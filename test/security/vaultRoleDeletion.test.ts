/**
 * The vault must not depend on the source account's roles: the deploy role a copy names
 * (copies[].deployRoleArn) creates the copy-target role but can no longer delete it, so it cannot
 * delete it and create it again trusting itself (iam:CreateRole has no key on the trust) to wear it
 * against the vault's copies. "(fixed)" is Allowed with the policy `deploy-policy --bootstrap` printed
 * before (test/security/before/vault-deploy-prod.json) and ImplicitlyDenied now; creating the role,
 * with its boundary, stays Allowed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { bootstrap } from "../../automation/driver/bootstrap";
import type { PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import { resolvedFleet } from "./resolvedFleet";
import { simulate } from "./simulate";

const VAULT = "333333333333";
const BEFORE = JSON.parse(fs.readFileSync(path.join(__dirname, "before", "vault-deploy-prod.json"), "utf8")) as PolicyDocument;
const TARGET = `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target`;
const BOUNDARY = `arn:aws:iam::${VAULT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary`;

describe("the vault's deploy role and the copy-target role (IAM simulation)", function () {
    this.timeout(60_000);
    let now: PolicyDocument;
    let roleArn: string;
    before(async () => {
        const prod = (await resolvedFleet()).get("prod");
        assert.ok(prod);
        const vault = (bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).copyTargets ?? []).find((t) => t.accountId === VAULT);
        assert.ok(vault?.deployRole);
        now = vault.deployRole.policy;
        roleArn = vault.roleArn;
    });
    const vaultDeployer = (policy: PolicyDocument, action: string, context: Record<string, string> = {}) =>
        simulate({
            principal: `arn:aws:sts::${VAULT}:assumed-role/vss-fleet-deploy-prod-copies/pipeline`,
            identityPolicies: [{ name: "deploy", policy }],
            action,
            resource: roleArn,
            context,
        });

    it("the copy-target role is the one the scenarios name", () => {
        assert.strictEqual(roleArn, TARGET);
    });
    it("the vault's deploy role deletes the copy-target role, to create it again trusting itself (fixed): Allowed before, ImplicitlyDenied now", async () => {
        assert.strictEqual(await vaultDeployer(BEFORE, "iam:DeleteRole", { "iam:PermissionsBoundary": BOUNDARY }), "Allowed");
        assert.strictEqual(await vaultDeployer(now, "iam:DeleteRole", { "iam:PermissionsBoundary": BOUNDARY }), "ImplicitlyDenied");
    });
    it("it still creates the copy-target role with its boundary, and writes its inline policy: Allowed", async () => {
        assert.strictEqual(await vaultDeployer(now, "iam:CreateRole", { "iam:PermissionsBoundary": BOUNDARY }), "Allowed");
        assert.strictEqual(await vaultDeployer(now, "iam:PutRolePolicy", { "iam:PermissionsBoundary": BOUNDARY }), "Allowed");
    });
    it("it still cannot rewrite the role's trust: ExplicitlyDenied", async () => {
        assert.strictEqual(await vaultDeployer(now, "iam:UpdateAssumeRolePolicy"), "ExplicitlyDenied");
    });
});
