/**
 * The target tags decide which servers a window runs the document on (as SYSTEM). With the manifest,
 * `vss-fleet guardrails` protects their keys on instances like the fleet's own tags: an outsider allowed
 * ec2:CreateTags can no longer enroll another team's server nor silently drop an enrolled one; the
 * environments' deploy roles (deployRoleArn) and the --enroller roles still can. "(fixed)" scenarios are
 * Allowed under the SCP `guardrails` printed before (test/security/before/guardrails.json) and
 * ExplicitlyDenied under the one it prints now.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { targetTagGuard } from "../../automation/commands/guardrails";
import { guardrailPolicy, type PolicyDocument } from "../../components/iam";
import { ACCOUNT } from "./actors";
import { FLEET_MANIFEST, resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

const BEFORE = JSON.parse(fs.readFileSync(path.join(__dirname, "before", "guardrails.json"), "utf8")) as PolicyDocument;
const OPS = `arn:aws:iam::${ACCOUNT}:role/ops-automation`;
const DEPLOY_PROD = `arn:aws:iam::${ACCOUNT}:role/vss-fleet-deploy-prod`;
const ENROLLER = `arn:aws:iam::${ACCOUNT}:role/server-onboarding`;
const instance = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`;
/** prod enrolls i-0aaaaaaaaaaaaaaaa (fleet.yaml); i-0dddddddddddddddd is the database team's. */
const ENROLLED = instance("i-0aaaaaaaaaaaaaaaa");
const DATABASE = instance("i-0dddddddddddddddd");
const TAG_ANYTHING: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Tagging", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:RunInstances"], Resource: "*" }],
};
const tagging = (tags: Record<string, string>) => ({
    "aws:TagKeys": Object.keys(tags),
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
});
const as = (
    principal: string,
    policy: PolicyDocument,
    action: string,
    resource: string,
    context: Record<string, string | string[]>,
    scp: PolicyDocument,
): Request => ({
    principal,
    identityPolicies: [{ name: "identity", policy }],
    scps: [scp],
    action,
    resource,
    context: { "aws:PrincipalArn": principal, ...context },
});

describe("guardrails with the manifest: the target tag keys (IAM simulation)", function () {
    this.timeout(60_000);
    let prod: ResolvedEnvironment;
    let scp: PolicyDocument;
    before(async () => {
        prod = (await resolvedFleet()).get("prod") as ResolvedEnvironment;
        const targets = await targetTagGuard(FLEET_MANIFEST, [DEPLOY_PROD, ENROLLER]);
        scp = guardrailPolicy("aws", [], targets);
    });

    it("takes every environment's target tag keys (the default key where an environment names none) and the named roles", async () => {
        const targets = await targetTagGuard(FLEET_MANIFEST, [ENROLLER]);
        assert.ok(targets.keys.includes("Backup") && targets.keys.includes("Tier"), targets.keys.join(","));
        assert.ok(targets.enrollers.includes(ENROLLER));
        assert.ok(targets.withoutDeployRole.includes("prod"));
        assert.ok(targets.enrollers.includes("arn:aws:iam::333333333333:role/vss-fleet-deploy-prod-copies") === false);
    });

    it("refuses an --enroller that is not a role ARN, naming it", async () => {
        await assert.rejects(
            targetTagGuard(FLEET_MANIFEST, ["server-onboarding"]),
            /--enroller "server-onboarding": must be an IAM role ARN/,
        );
    });

    const attacks: [string, string, string, Record<string, string | string[]>][] = [
        [
            "an ops role enrolls the database team's server into prod's window (Backup=prod, Tier=gold)",
            "ec2:CreateTags",
            DATABASE,
            tagging({ Backup: "prod", Tier: "gold" }),
        ],
        [
            "an ops role enrolls it with one key of two (Tier=gold beside a Backup tag it has)",
            "ec2:CreateTags",
            DATABASE,
            tagging({ Tier: "gold" }),
        ],
        ["an ops role silently drops an enrolled server (deletes Backup)", "ec2:DeleteTags", ENROLLED, { "aws:TagKeys": ["Backup"] }],
        [
            "an ops role moves an enrolled server to another environment (Backup=prod-eu)",
            "ec2:CreateTags",
            ENROLLED,
            tagging({ Backup: "prod-eu" }),
        ],
        [
            "an ops role hides the key among its own tags (Owner, Backup)",
            "ec2:CreateTags",
            DATABASE,
            tagging({ Owner: "dba", Backup: "prod" }),
        ],
    ];
    for (const [name, action, resource, context] of attacks) {
        it(`${name} (fixed): Allowed under the SCP before, ExplicitlyDenied now`, async () => {
            assert.strictEqual(await simulate(as(OPS, TAG_ANYTHING, action, resource, context, BEFORE)), "Allowed");
            assert.strictEqual(await simulate(as(OPS, TAG_ANYTHING, action, resource, context, scp)), "ExplicitlyDenied");
        });
    }

    it("prod's deploy role (the manifest's) still enrolls its listed instance under the SCP: Allowed", async () => {
        const request = as(DEPLOY_PROD, prod.deployPolicy, "ec2:CreateTags", ENROLLED, tagging({ Backup: "prod", Tier: "gold" }), scp);
        assert.strictEqual(await simulate(request), "Allowed");
        assert.strictEqual(
            await simulate({
                ...request,
                action: "ec2:DeleteTags",
                context: { "aws:PrincipalArn": DEPLOY_PROD, "aws:TagKeys": ["Backup", "Tier"] },
            }),
            "Allowed",
        );
    });
    it("the --enroller role runs `discover --write-enrollment create-tags` lines: Allowed", async () => {
        assert.strictEqual(
            await simulate(as(ENROLLER, TAG_ANYTHING, "ec2:CreateTags", DATABASE, tagging({ Backup: "prod", Tier: "gold" }), scp)),
            "Allowed",
        );
    });
    it("the same role's session (assumed-role ARN) too: Allowed", async () => {
        const session = `arn:aws:sts::${ACCOUNT}:assumed-role/server-onboarding/alice`;
        assert.strictEqual(
            await simulate({
                ...as(session, TAG_ANYTHING, "ec2:CreateTags", DATABASE, tagging({ Backup: "prod" }), scp),
                context: { "aws:PrincipalArn": ENROLLER, ...tagging({ Backup: "prod" }) },
            }),
            "Allowed",
        );
    });
    it("an ops role's own tags on instances stay its business: Allowed", async () => {
        assert.strictEqual(await simulate(as(OPS, TAG_ANYTHING, "ec2:CreateTags", DATABASE, tagging({ Owner: "dba" }), scp)), "Allowed");
        assert.strictEqual(await simulate(as(OPS, TAG_ANYTHING, "ec2:DeleteTags", ENROLLED, { "aws:TagKeys": ["Owner"] }, scp)), "Allowed");
    });
    it("a team launching its own server already tagged (inside RunInstances) is not refused: Allowed", async () => {
        const context = { ...tagging({ Backup: "prod" }), "ec2:CreateAction": "RunInstances" };
        assert.strictEqual(
            await simulate(as(OPS, TAG_ANYTHING, "ec2:CreateTags", instance("i-0eeeeeeeeeeeeeeee"), context, scp)),
            "Allowed",
        );
    });
    it("the target keys on snapshots and volumes are not the guard's concern: Allowed", async () => {
        const volume = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
        assert.strictEqual(await simulate(as(OPS, TAG_ANYTHING, "ec2:CreateTags", volume, tagging({ Backup: "prod" }), scp)), "Allowed");
    });
    it("without the manifest the SCP carries no target-tag statement (it knows no keys)", () => {
        assert.ok(!guardrailPolicy("aws").Statement.some((statement) => statement.Sid === "OnlyNamedEnrollersWriteTargetTags"));
    });
});
