/**
 * Round-4 review, beyond the boundary (boundaryAttacks.test.ts): the Recycle Bin rules, names that are
 * another environment's plus a word the grants use, and the guardrail SCP with existingInstanceRoleNames.
 * Each "(fixed)" attack is Allowed with the policies the CLI printed before this change (test/security/
 * before/, captured from `deploy-policy --bootstrap` over fleet.yaml) or with `guardrails` before it
 * took the manifest, and Denied now; the controls stay Allowed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bootstrap } from "../../automation/driver/bootstrap";
import { deployPolicy } from "../../automation/driver/deployRolePolicy";
import { loadManifest } from "../../automation/manifest/load";
import { guardrailPolicy, instanceSnapshotPolicy, type PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import { specOf } from "../helpers";
import { resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

const BEFORE = path.join(__dirname, "before");
const printedBefore = (file: string) => JSON.parse(fs.readFileSync(path.join(BEFORE, file), "utf8")) as PolicyDocument;

const VAULT = "333333333333";
const ownRule = (env: string) => ({ "aws:ResourceTag/vss-fleet:environment": env, "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" });
const rule = (region: string, account: string) => `arn:aws:rbin:${region}:${account}:rule/a1b2c3d4e5f`;

describe("round-4 attacks beyond the boundary (IAM simulation)", function () {
    this.timeout(60_000);
    let fleet: Map<string, ResolvedEnvironment>;
    before(async () => {
        fleet = await resolvedFleet();
    });
    const env = (name: string) => fleet.get(name) as ResolvedEnvironment;

    describe("the Recycle Bin rules: a deploy role never loosens the net under every delete", () => {
        const deployer = (name: string, policy: PolicyDocument, action: string) => {
            const e = env(name);
            return simulate({
                principal: `arn:aws:iam::${e.spec.accountId}:role/vss-fleet-deploy-${name}`,
                identityPolicies: [{ name: "deploy", policy }],
                action,
                resource: rule(e.spec.region, e.spec.accountId),
                context: ownRule(name),
            });
        };
        for (const name of ["prod", "dev"]) {
            for (const [action, what] of [
                ["rbin:DeleteRule", "deletes its own rule"],
                ["rbin:UpdateRule", "shortens its own rule to 1 day"],
            ] as const) {
                it(`deploy-${name} ${what} (fixed): Allowed before, ImplicitlyDenied now`, async () => {
                    assert.strictEqual(await deployer(name, printedBefore(`deploy-${name}.json`), action), "Allowed");
                    assert.strictEqual(await deployer(name, env(name).deployPolicy, action), "ImplicitlyDenied");
                });
            }
            it(`deploy-${name} unlocks a locked rule: ImplicitlyDenied (never granted)`, async () => {
                assert.strictEqual(await deployer(name, env(name).deployPolicy, "rbin:UnlockRule"), "ImplicitlyDenied");
            });
            it(`deploy-${name} still creates its rule tagged for it, and reads it: Allowed`, async () => {
                const e = env(name);
                const create = await simulate({
                    principal: `arn:aws:iam::${e.spec.accountId}:role/vss-fleet-deploy-${name}`,
                    identityPolicies: [{ name: "deploy", policy: e.deployPolicy }],
                    action: "rbin:CreateRule",
                    resource: rule(e.spec.region, e.spec.accountId),
                    context: { "aws:RequestTag/vss-fleet:environment": name, "rbin:Request/ResourceType": "EBS_SNAPSHOT" },
                });
                assert.strictEqual(create, "Allowed");
                assert.strictEqual(await deployer(name, e.deployPolicy, "rbin:GetRule"), "Allowed");
            });
        }

        const vaultDeployer = (policy: PolicyDocument, action: string) =>
            simulate({
                principal: `arn:aws:sts::${VAULT}:assumed-role/vss-fleet-deploy-prod-copies/pipeline`,
                identityPolicies: [{ name: "deploy", policy }],
                action,
                resource: rule("eu-central-1", VAULT),
                context: ownRule("prod"),
            });
        const vaultPolicyNow = () => {
            const prod = env("prod");
            const vault = (bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).copyTargets ?? []).find((t) => t.accountId === VAULT);
            return (vault?.deployRole as { policy: PolicyDocument }).policy;
        };
        for (const action of ["rbin:DeleteRule", "rbin:UpdateRule"]) {
            it(`the vault's deploy role ${action === "rbin:DeleteRule" ? "deletes" : "shortens"} the vault's rule (fixed): Allowed before, ImplicitlyDenied now`, async () => {
                assert.strictEqual(await vaultDeployer(printedBefore("vault-deploy-prod.json"), action), "Allowed");
                assert.strictEqual(await vaultDeployer(vaultPolicyNow(), action), "ImplicitlyDenied");
            });
        }

        it("the bootstrap prints the locked Region-level rule (AWS locks no tag-level rule) and the administrator's calls for recycleBinDays", () => {
            const prod = env("prod");
            const printed = bootstrap(prod.spec, DEFAULT_FLEET, prod.instances);
            assert.strictEqual(
                printed.recycleBin.lockedRule,
                "aws rbin create-rule --region us-east-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=7,RetentionPeriodUnit=DAYS " +
                    "--lock-configuration 'UnlockDelay={UnlockDelayValue=7,UnlockDelayUnit=DAYS}' " +
                    "--description 'vss-fleet: deleted EBS snapshots of this region stay recoverable for 7 days (locked)'",
            );
            assert.ok(printed.recycleBin.changeDays.some((line) => line.startsWith("aws rbin unlock-rule --region us-east-1 ")));
            assert.ok(printed.recycleBin.changeDays.some((line) => line.startsWith("aws rbin lock-rule --region us-east-1 ")));
            const vault = (printed.copyTargets ?? []).find((t) => t.accountId === VAULT);
            assert.ok(
                vault?.apply.some(
                    (line) => line.startsWith("aws rbin create-rule --region eu-central-1 ") && line.includes("--lock-configuration"),
                ),
            );
        });
    });

    describe("an environment named another's plus a word the grants use", () => {
        const manifest = (names: readonly string[]) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-names-"));
            const file = path.join(dir, "fleet.yaml");
            const envs = names.map(
                (n) => `  ${n}:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: ${n} }\n`,
            );
            fs.writeFileSync(file, `version: 1\nenvironments:\n${envs.join("")}`);
            return file;
        };
        const refusal = (names: readonly string[]) => {
            const file = manifest(names);
            try {
                loadManifest(file);
                return "";
            } catch (error) {
                return (error as { lines?: string[] }).lines?.join("\n") ?? String(error);
            }
        };

        it("refuses prod and prod-lc side by side, at prod-lc's line", () => {
            const file = manifest(["prod", "prod-lc"]);
            assert.throws(
                () => loadManifest(file),
                (error: Error) => {
                    const text = String((error as { lines?: string[] }).lines ?? error.message);
                    assert.match(
                        text,
                        new RegExp(
                            `${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:7:3: environments\\.prod-lc: 'prod-lc' is environment 'prod'`,
                        ),
                    );
                    return true;
                },
            );
        });
        it("refuses prod-lifecycle-x and prod-snapshot too, but keeps prod and prod-eu, and lc-prod", () => {
            assert.match(refusal(["prod", "prod-lifecycle-x"]), /'prod-lifecycle-x' is environment 'prod'/);
            assert.match(refusal(["prod-snapshot", "prod"]), /'prod-snapshot' is environment 'prod'/);
            assert.strictEqual(refusal(["prod", "prod-eu", "lc-prod", "prod-lcd"]), "");
        });
        it("(fixed) prod's deploy role changes prod-lc's rules and alarms: Allowed when both validated, now such a manifest is refused", async () => {
            const prod = specOf({}, "prod");
            const decision = await simulate({
                principal: "arn:aws:iam::111111111111:role/vss-fleet-deploy-prod",
                identityPolicies: [{ name: "deploy", policy: deployPolicy(prod, []) }],
                action: "events:DeleteRule",
                resource: "arn:aws:events:us-east-1:111111111111:rule/prod-lc-lc-alarms-0a1b2c3",
            });
            // The grant is a name pattern (the suffix is random), so only refusing the name closes it.
            assert.strictEqual(decision, "Allowed");
            assert.match(refusal(["prod", "prod-lc"]), /'prod-lc' is environment 'prod'/);
        });
    });

    describe("the guardrail SCP with existingInstanceRoleNames", () => {
        const WEB = "arn:aws:iam::111111111111:role/WebServers";
        const SQL = "arn:aws:iam::111111111111:role/app/SqlServers";
        const spec = specOf({ existingInstanceRoleNames: ["WebServers", "/app/SqlServers"] });
        const snapshotPolicy = instanceSnapshotPolicy({
            partition: "aws",
            region: spec.region,
            accountId: spec.accountId,
            environment: spec.name,
            engine: spec.engine,
            logging: spec.logging,
        });
        const server = (role: string, scps: PolicyDocument[], context: Record<string, string | string[]>): Request => ({
            principal: `arn:aws:sts::111111111111:assumed-role/${role.split("/").pop()}/i-0aaaaaaaaaaaaaaaa`,
            identityPolicies: [{ name: "snapshot", policy: snapshotPolicy }],
            scps,
            action: "ec2:CreateTags",
            resource: "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
            context: {
                "aws:PrincipalArn": role,
                "ec2:SourceInstanceARN": "arn:aws:ec2:us-east-1:111111111111:instance/i-0aaaaaaaaaaaaaaaa",
                ...context,
            },
        });
        const inCreate = {
            "ec2:CreateAction": "CreateSnapshots",
            "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet", "AwsVssConfig"],
            "aws:RequestTag/vss-fleet:environment": "prod",
        };
        const mark = {
            "aws:TagKeys": ["AppConsistent", "Device"],
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
        };
        const withManifest = () => guardrailPolicy("aws", [WEB, SQL]);

        for (const [role, label] of [
            [WEB, "WebServers"],
            [SQL, "/app/SqlServers"],
        ] as const) {
            it(`a server running as ${label} tags its new snapshots inside CreateSnapshots (fixed): ExplicitlyDenied by the SCP before, Allowed with the manifest's`, async () => {
                assert.strictEqual(await simulate(server(role, [guardrailPolicy("aws")], inCreate)), "ExplicitlyDenied");
                assert.strictEqual(await simulate(server(role, [withManifest()], inCreate)), "Allowed");
            });
        }
        it("a server running as WebServers marks its VSS snapshot AppConsistent and Device after creation (fixed)", async () => {
            assert.strictEqual(await simulate(server(WEB, [guardrailPolicy("aws")], mark)), "ExplicitlyDenied");
            assert.strictEqual(await simulate(server(WEB, [withManifest()], mark)), "Allowed");
        });
        it("but the listed role writes no other protected tag after creation (a drill stamp, an environment tag): ExplicitlyDenied", async () => {
            const star: Request["identityPolicies"] = [
                {
                    name: "star",
                    policy: { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }] },
                },
            ];
            for (const keys of [["vss-fleet:drill-result"], ["vss-fleet:environment"], ["AppConsistent", "vss-fleet:drilled-at"]]) {
                const request = { ...server(WEB, [withManifest()], { "aws:TagKeys": keys }), identityPolicies: star };
                assert.strictEqual(await simulate(request), "ExplicitlyDenied", keys.join());
            }
            const remove = {
                ...server(WEB, [withManifest()], { "aws:TagKeys": ["AppConsistent"] }),
                identityPolicies: star,
                action: "ec2:DeleteTags",
            };
            assert.strictEqual(await simulate(remove), "ExplicitlyDenied", "DeleteTags");
        });
        it("a role that is not listed still cannot write them: ExplicitlyDenied", async () => {
            const other = "arn:aws:iam::111111111111:role/DomainControllers";
            assert.strictEqual(await simulate(server(other, [withManifest()], inCreate)), "ExplicitlyDenied");
        });
    });
});

describe("round-4: who may assume a role under /vss-fleet/ (the guardrail SCP)", function () {
    this.timeout(60_000);
    const BACKDOOR = "arn:aws:iam::111111111111:role/vss-fleet/prod/prod-backdoor";
    const DEPLOY = "arn:aws:iam::111111111111:role/vss-fleet-deploy-prod";
    const trustsDeployRole: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [{ Sid: "Pipeline", Effect: "Allow", Principal: { AWS: DEPLOY }, Action: "sts:AssumeRole" }],
    };
    const assume = (principal: string, resource: string, scp: PolicyDocument, trust: PolicyDocument): Request => ({
        principal,
        identityPolicies: [
            {
                name: "assume",
                policy: { Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] },
            },
        ],
        resourcePolicy: trust,
        scps: [scp],
        action: "sts:AssumeRole",
        resource: resource,
        context: { "aws:PrincipalArn": principal },
    });
    const scpBefore = printedBefore("guardrails.json");

    it("deploy-prod assumes a role it made in its path trusting itself, wearing the whole boundary (fixed): Allowed before, ExplicitlyDenied now", async () => {
        assert.strictEqual(await simulate(assume(DEPLOY, BACKDOOR, scpBefore, trustsDeployRole)), "Allowed");
        assert.strictEqual(await simulate(assume(DEPLOY, BACKDOOR, guardrailPolicy("aws"), trustsDeployRole)), "ExplicitlyDenied");
    });
    it("prod's lifecycle role still assumes its copy-target role in the vault: Allowed", async () => {
        const lifecycle = "arn:aws:iam::111111111111:role/vss-fleet/prod/prod-lifecycle-role-0a1b2c3";
        const target = "arn:aws:iam::333333333333:role/vss-fleet/prod/prod-copy-target";
        const trust: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [{ Sid: "Lifecycle", Effect: "Allow", Principal: { AWS: lifecycle }, Action: "sts:AssumeRole" }],
        };
        assert.strictEqual(
            await simulate({ ...assume(lifecycle, target, guardrailPolicy("aws"), trust), resourceAccount: VAULT }),
            "Allowed",
        );
    });
});

describe("round-4: one environment's heartbeat is not another's to publish", function () {
    this.timeout(60_000);
    const PROD_LIFECYCLE = "arn:aws:sts::111111111111:assumed-role/prod-lifecycle-role-0a1b2c3/fn";
    const publish = async (policy: PolicyDocument, namespace: string, boundary?: PolicyDocument) =>
        simulate({
            principal: PROD_LIFECYCLE,
            identityPolicies: [{ name: "lifecycle", policy }],
            boundary,
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": namespace },
        });
    let now: PolicyDocument;
    let boundaryNow: PolicyDocument;
    before(async () => {
        const prod = (await resolvedFleet()).get("prod") as ResolvedEnvironment;
        const role = prod.roles.find((r) => r.logicalName === "prod-lifecycle-role");
        now = role?.policies.find((p) => p.name === "prod-lifecycle-permissions")?.policy as PolicyDocument;
        boundaryNow = bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).boundary.policy;
    });

    it("prod's lifecycle role publishes FailedInstances for prod-eu, keeping prod-eu's dead-man alarm quiet (fixed): Allowed before, ImplicitlyDenied now", async () => {
        // Before, every environment published into VssFleet with an Environment dimension IAM cannot see.
        assert.strictEqual(await publish(printedBefore("lifecycle-prod.json"), "VssFleet", printedBefore("boundary-prod.json")), "Allowed");
        assert.strictEqual(await publish(now, "VssFleet/prod-eu", boundaryNow), "ImplicitlyDenied");
        assert.strictEqual(await publish(now, "VssFleet", boundaryNow), "ImplicitlyDenied");
    });
    it("a role holding prod's whole boundary publishes prod-eu's heartbeat: ImplicitlyDenied", async () => {
        assert.strictEqual(await publish(STAR_POLICY, "VssFleet/prod-eu", boundaryNow), "ImplicitlyDenied");
    });
    it("prod's lifecycle role still publishes its own metrics, also under the guardrail SCP: Allowed", async () => {
        assert.strictEqual(await publish(now, "VssFleet/prod", boundaryNow), "Allowed");
        const role = "arn:aws:iam::111111111111:role/vss-fleet/prod/prod-lifecycle-role-0a1b2c3";
        const underScp = await simulate({
            principal: PROD_LIFECYCLE,
            identityPolicies: [{ name: "lifecycle", policy: now }],
            boundary: boundaryNow,
            scps: [guardrailPolicy("aws")],
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "VssFleet/prod", "aws:PrincipalArn": role },
        });
        assert.strictEqual(underScp, "Allowed");
    });
    it("a server running the CloudWatch agent publishes into VssFleet/prod under the guardrail SCP: ExplicitlyDenied", async () => {
        const agent = "arn:aws:iam::111111111111:role/web-servers";
        const decision = await simulate({
            principal: agent,
            identityPolicies: [{ name: "agent", policy: STAR_POLICY }],
            scps: [guardrailPolicy("aws")],
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "VssFleet/prod", "aws:PrincipalArn": agent },
        });
        assert.strictEqual(decision, "ExplicitlyDenied");
    });
});

const STAR_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }],
};

describe("round-4: copies only of the environment's own snapshots", function () {
    this.timeout(60_000);
    const DATABASE_SNAPSHOT = "arn:aws:ec2:us-east-1::snapshot/snap-0ddddddddddddddd0";
    const copyOf = (policy: PolicyDocument, boundary: PolicyDocument, source: Record<string, string>) =>
        simulate({
            principal: "arn:aws:sts::111111111111:assumed-role/prod-lifecycle-role-0a1b2c3/fn",
            identityPolicies: [{ name: "lifecycle", policy }],
            boundary,
            action: "ec2:CopySnapshot",
            resource: DATABASE_SNAPSHOT,
            context: {
                ...source,
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/vss-fleet:fleet": DEFAULT_FLEET,
                "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet"],
            },
        });
    let now: PolicyDocument;
    let boundaryNow: PolicyDocument;
    before(async () => {
        const prod = (await resolvedFleet()).get("prod") as ResolvedEnvironment;
        const role = prod.roles.find((r) => r.logicalName === "prod-lifecycle-role");
        now = role?.policies.find((p) => p.name === "prod-lifecycle-permissions")?.policy as PolicyDocument;
        boundaryNow = bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).boundary.policy;
    });

    it("prod's lifecycle role copies a database team's snapshot into a prod-tagged copy (which it may then share with the vault) (fixed): Allowed before, ImplicitlyDenied now", async () => {
        const database = { "ec2:ResourceTag/team": "database" };
        assert.strictEqual(await copyOf(printedBefore("lifecycle-prod.json"), printedBefore("boundary-prod.json"), database), "Allowed");
        assert.strictEqual(await copyOf(now, boundaryNow, database), "ImplicitlyDenied");
        assert.strictEqual(await copyOf(STAR_POLICY, boundaryNow, database), "ImplicitlyDenied", "holding the whole boundary");
    });
    it("prod's lifecycle role still copies its own snapshot (the source's authorisation): Allowed", async () => {
        const own = { "ec2:ResourceTag/vss-fleet:environment": "prod", "ec2:ResourceTag/vss-fleet:fleet": DEFAULT_FLEET };
        assert.strictEqual(await copyOf(now, boundaryNow, own), "Allowed");
    });
});
