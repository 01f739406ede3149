/** The IAM commands through the real CLI: deploy-policy --bootstrap and guardrails (docs/iam.md). */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SCP_MAX_CHARACTERS } from "../../automation/commands/guardrails";
import { runCli } from "../helpers";

const FLEET = path.join(__dirname, "..", "security", "fleet.yaml");

interface Statement {
    readonly Sid: string;
    readonly Action: string | string[];
    readonly Effect: string;
    readonly Resource?: string | string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
}

describe("vss-fleet deploy-policy --bootstrap and vss-fleet guardrails", function () {
    this.timeout(60_000);

    it("deploy-policy writes target tags only on the instances the manifest lists", async () => {
        const { code, out } = await runCli("deploy-policy", FLEET, "--env", "prod");
        assert.strictEqual(code, 0);
        const policy = JSON.parse(out) as { Statement: Statement[] };
        assert.deepStrictEqual(policy.Statement.find((s) => s.Sid === "WriteOnlyTheTargetTagsWithTheirValues")?.Resource, [
            "arn:aws:ec2:us-east-1:111111111111:instance/i-0aaaaaaaaaaaaaaaa",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-0cccccccccccccccc",
        ]);
    });

    it("--bootstrap prints the boundary, where it goes, the deploy policy that demands it, and the CLI calls", async () => {
        const { code, out, err } = await runCli("deploy-policy", FLEET, "--env", "prod-eu", "--bootstrap");
        assert.strictEqual(code, 0, err);
        const bootstrap = JSON.parse(out) as {
            environment: string;
            boundary: { path: string; name: string; arn: string; policy: { Statement: Statement[] } };
            deployPolicy: { Statement: Statement[] };
            apply: string[];
        };
        assert.strictEqual(bootstrap.environment, "prod-eu");
        assert.strictEqual(bootstrap.boundary.arn, "arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-eu-boundary");
        assert.strictEqual(bootstrap.boundary.path, "/vss-fleet-boundary/");
        const create = bootstrap.deployPolicy.Statement.find((s) => s.Sid === "RolesInThePathOnlyWithTheBoundary");
        assert.deepStrictEqual(create?.Condition, { StringEquals: { "iam:PermissionsBoundary": bootstrap.boundary.arn } });
        assert.strictEqual(create?.Resource, "arn:aws:iam::111111111111:role/vss-fleet/prod-eu/*");
        assert.deepStrictEqual(bootstrap.apply, [
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-eu-boundary --policy-document file://vss-fleet-prod-eu-boundary.json",
            "aws iam create-policy-version --policy-arn arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-eu-boundary --policy-document file://vss-fleet-prod-eu-boundary.json --set-as-default",
            // The deploy policy in two managed policies of at most 6,144 characters (policyParts.test.ts).
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-eu-deploy-1 --policy-document file://vss-fleet-prod-eu-deploy-1.json",
            "aws iam attach-role-policy --role-name <deploy-role-name> --policy-arn arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-eu-deploy-1",
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-eu-deploy-2 --policy-document file://vss-fleet-prod-eu-deploy-2.json",
            "aws iam attach-role-policy --role-name <deploy-role-name> --policy-arn arn:aws:iam::111111111111:policy/vss-fleet-boundary/vss-fleet-prod-eu-deploy-2",
        ]);
        // The boundary pins deletes to the fleet tag the stacks write (the project name by default).
        const deletes = bootstrap.boundary.policy.Statement.find((s) => ([] as string[]).concat(s.Action).includes("ec2:DeleteSnapshot"));
        assert.deepStrictEqual(deletes?.Condition, {
            StringEquals: { "ec2:ResourceTag/vss-fleet:environment": "prod-eu", "ec2:ResourceTag/vss-fleet:fleet": "vss-fleet" },
        });
    });

    it("--bootstrap --fleet names another project's fleet tag when there is no project at hand", async () => {
        const nowhere = fs.mkdtempSync(path.join(os.tmpdir(), "vss-noproject-"));
        const { out } = await runCli("deploy-policy", FLEET, "--env", "prod", "--bootstrap", "--fleet", "acme", "--project-dir", nowhere);
        fs.rmSync(nowhere, { recursive: true });
        const statement = (JSON.parse(out) as { boundary: { policy: { Statement: Statement[] } } }).boundary.policy.Statement.find((s) =>
            ([] as string[]).concat(s.Action).includes("ec2:DeleteSnapshot"),
        );
        assert.strictEqual(statement?.Condition?.StringEquals["ec2:ResourceTag/vss-fleet:fleet"], "acme");
    });

    it("guardrails prints an SCP AWS accepts, for the partition asked", async () => {
        const { code, out } = await runCli("guardrails");
        assert.strictEqual(code, 0);
        assert.ok(out.trim().length <= SCP_MAX_CHARACTERS, `${out.length} characters`);
        const scp = JSON.parse(out) as { Statement: Statement[] };
        assert.ok(
            scp.Statement.every((s) => s.Effect === "Deny"),
            "an SCP of denies only: it grants nothing",
        );
        assert.deepStrictEqual(scp.Statement.find((s) => s.Sid === "OnlyTheFleetsRolesWriteFleetTags")?.Condition, {
            "ForAnyValue:StringLike": { "aws:TagKeys": ["vss-fleet:*", "AwsVssConfig", "AppConsistent"] },
            ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/vss-fleet/*" },
        });
        const gov = JSON.parse((await runCli("guardrails", "--partition", "aws-us-gov")).out) as { Statement: Statement[] };
        assert.match(JSON.stringify(gov), /arn:aws-us-gov:iam::\*:role\/vss-fleet\/\*/);
        assert.doesNotMatch(JSON.stringify(gov), /arn:aws:/);
    });

    it("guardrails fleet.yaml lets the roles the manifest lists under existingInstanceRoleNames tag their own snapshots", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-guardrails-"));
        const manifest = path.join(dir, "fleet.yaml");
        fs.writeFileSync(
            manifest,
            'version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    existingInstanceRoleNames: [WebServers, /app/SqlServers]\n',
        );
        const { code, out } = await runCli("guardrails", manifest);
        assert.strictEqual(code, 0);
        assert.ok(out.trim().length <= SCP_MAX_CHARACTERS, `${out.length} characters`);
        const scp = JSON.parse(out) as { Statement: Statement[] };
        const listed = ["arn:aws:iam::111111111111:role/WebServers", "arn:aws:iam::111111111111:role/app/SqlServers"];
        assert.deepStrictEqual(scp.Statement.find((s) => s.Sid === "OnlyTheFleetsRolesWriteFleetTags")?.Condition?.ArnNotLike, {
            "aws:PrincipalArn": ["arn:aws:iam::*:role/vss-fleet/*", ...listed],
        });
        assert.deepStrictEqual(scp.Statement.find((s) => s.Sid === "ExistingInstanceRolesTagOnlyTheirSnapshots")?.Condition?.ArnLike, {
            "aws:PrincipalArn": listed,
        });
    });

    it("guardrails refuses an unknown partition as invalid input", async () => {
        const { code, err } = await runCli("guardrails", "--partition", "aws-moon");
        assert.strictEqual(code, 2);
        assert.match(err, /aws-moon/);
    });
});
