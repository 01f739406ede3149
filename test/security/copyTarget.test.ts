/**
 * The copy-target role that prod's stack creates in the vault account 333333333333 (test/security/fleet.yaml),
 * as the offline plan resolves it, under the boundary `deploy-policy --bootstrap` prints for the vault:
 * only prod's lifecycle function can wear it; wearing it, one can copy, tag, read and delete only prod's
 * copies, never untag them, never go further; the vault's deploy role can make only that role.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import type { CopyTargetBootstrap } from "../../automation/driver/copyTargetBootstrap";
import type { PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import type { Decision } from "../iamSimulation";
import { ACCOUNT, FOREIGN_ACCOUNT, lifecycleRole, session, STAR } from "./actors";
import { resolvedFleet, roleOf, type ResolvedEnvironment, type ResolvedRole } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

const VAULT = "333333333333";
const TARGET = `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target`;
const COPY = "arn:aws:ec2:eu-central-1::snapshot/snap-0123456789abcdef1";
const SOURCE = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
const DEST_KEY = `arn:aws:kms:eu-central-1:${VAULT}:key/33333333-3333-3333-3333-333333333333`;
const SOURCE_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const own = { "ec2:ResourceTag/vss-fleet:environment": "prod", "ec2:ResourceTag/vss-fleet:fleet": DEFAULT_FLEET };
const copyTags = {
    "aws:RequestTag/vss-fleet:environment": "prod",
    "aws:RequestTag/vss-fleet:fleet": DEFAULT_FLEET,
    "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet"],
};
const ec2Via = { "kms:ViaService": "ec2.eu-central-1.amazonaws.com" };
/** A key policy that defers to IAM in its own account (the default one). */
const defaultKeyPolicy = (account: string): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "Default", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
});

interface World {
    readonly prod: ResolvedEnvironment;
    readonly target: ResolvedRole;
    readonly vault: CopyTargetBootstrap;
    readonly boundaries: Map<string, PolicyDocument>;
}

type Case = readonly [name: string, expected: Decision, request: (w: World) => Request];

/** A session of the copy-target role, with its planned policy and the vault's boundary for it. */
const wearer = (w: World) => session(w.target, "vss-fleet-prod-copy", w.boundaries);
const assume = (principal: string, identity: PolicyDocument, w: World): Request => ({
    principal,
    context: { "aws:PrincipalArn": principal },
    identityPolicies: [{ name: "identity", policy: identity }],
    action: "sts:AssumeRole",
    resource: TARGET,
    resourceAccount: VAULT,
    resourcePolicy: w.target.trust,
});

const WHO_MAY_WEAR_IT: readonly Case[] = [
    [
        "prod's lifecycle function assumes it",
        "Allowed",
        (w) => ({
            ...session(lifecycleRole(w.prod), "fn", w.boundaries),
            action: "sts:AssumeRole",
            resource: TARGET,
            resourceAccount: VAULT,
            resourcePolicy: w.target.trust,
            context: { "aws:PrincipalArn": lifecycleRole(w.prod).arn },
        }),
    ],
    [
        "an administrator of prod's account (Allow *) assumes it",
        "ImplicitlyDenied",
        (w) => assume(`arn:aws:iam::${ACCOUNT}:role/Admin`, STAR, w),
    ],
    [
        "a role named like prod's lifecycle role under prod-eu's path assumes it",
        "ImplicitlyDenied",
        (w) => assume(`arn:aws:iam::${ACCOUNT}:role/vss-fleet/prod-eu/prod-lifecycle-role-0a1b2c3`, STAR, w),
    ],
    [
        "prod-eu's lifecycle role, with an attacker's Allow * and no boundary, assumes it (the trust alone refuses)",
        "ImplicitlyDenied",
        (w) => ({
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-eu-lifecycle-role-0a1b2c3/fn`,
            identityPolicies: [{ name: "attacker", policy: STAR }],
            context: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/vss-fleet/prod-eu/prod-eu-lifecycle-role-0a1b2c3` },
            action: "sts:AssumeRole",
            resource: TARGET,
            resourceAccount: VAULT,
            resourcePolicy: w.target.trust,
        }),
    ],
    [
        "a role at prod's lifecycle path in another account assumes it",
        "ImplicitlyDenied",
        (w) => assume(`arn:aws:iam::${FOREIGN_ACCOUNT}:role/vss-fleet/prod/prod-lifecycle-role-0a1b2c3`, STAR, w),
    ],
];

const WEARING_IT: readonly Case[] = [
    ["copies a shared prod snapshot into eu-central-1, tagged for prod", "Allowed", (w) => req(w, "ec2:CopySnapshot", COPY, copyTags)],
    // A snapshot ARN names no account; the other account's consent is the share (createVolumePermission), not IAM.
    ["reads the shared source for that copy", "Allowed", (w) => req(w, "ec2:CopySnapshot", SOURCE, copyTags)],
    ["copies without the fleet's tags", "ImplicitlyDenied", (w) => req(w, "ec2:CopySnapshot", COPY, {})],
    [
        "copies tagged for prod-eu",
        "ImplicitlyDenied",
        (w) => req(w, "ec2:CopySnapshot", COPY, { ...copyTags, "aws:RequestTag/vss-fleet:environment": "prod-eu" }),
    ],
    [
        "copies into us-west-2, where prod keeps no copies in the vault",
        "ImplicitlyDenied",
        (w) => req(w, "ec2:CopySnapshot", "arn:aws:ec2:us-west-2::snapshot/snap-0123456789abcdef1", copyTags),
    ],
    [
        "tags a copy while creating it",
        "Allowed",
        (w) => req(w, "ec2:CreateTags", COPY, { ...copyTags, "ec2:CreateAction": "CopySnapshot" }),
    ],
    ["tags the vault's other snapshots (retagging one as prod's)", "ImplicitlyDenied", (w) => req(w, "ec2:CreateTags", COPY, copyTags)],
    ["lists snapshots", "Allowed", (w) => req(w, "ec2:DescribeSnapshots", "*", {})],
    ["deletes prod's copy", "Allowed", (w) => req(w, "ec2:DeleteSnapshot", COPY, own)],
    ["deletes the vault's own snapshot", "ImplicitlyDenied", (w) => req(w, "ec2:DeleteSnapshot", COPY, {})],
    [
        "deletes prod-eu's copy",
        "ImplicitlyDenied",
        (w) => req(w, "ec2:DeleteSnapshot", COPY, { ...own, "ec2:ResourceTag/vss-fleet:environment": "prod-eu" }),
    ],
    [
        "untags prod's copy (so retention no longer sees it)",
        "ExplicitlyDenied",
        (w) => req(w, "ec2:DeleteTags", COPY, { ...own, "aws:TagKeys": ["vss-fleet:environment"] }),
    ],
    [
        "shares prod's copy with another account",
        "ImplicitlyDenied",
        (w) => req(w, "ec2:ModifySnapshotAttribute", COPY, { ...own, "ec2:Add/userId": FOREIGN_ACCOUNT }),
    ],
    ["unlocks a locked snapshot", "ImplicitlyDenied", (w) => req(w, "ec2:UnlockSnapshot", COPY, own)],
    ["assumes the vault's administrator role", "ImplicitlyDenied", (w) => req(w, "sts:AssumeRole", `arn:aws:iam::${VAULT}:role/Admin`, {})],
    [
        "deletes the vault's Recycle Bin rule for prod's copies",
        "ImplicitlyDenied",
        (w) =>
            req(w, "rbin:DeleteRule", `arn:aws:rbin:eu-central-1:${VAULT}:rule/abcdefghijk`, {
                "aws:ResourceTag/vss-fleet:environment": "prod",
            }),
    ],
    ["creates a role in the vault", "ImplicitlyDenied", (w) => req(w, "iam:CreateRole", `arn:aws:iam::${VAULT}:role/vss-fleet/prod/x`, {})],
    [
        "re-encrypts a copy with the vault key through EC2",
        "Allowed",
        (w) => ({ ...req(w, "kms:CreateGrant", DEST_KEY, ec2Via), resourcePolicy: defaultKeyPolicy(VAULT) }),
    ],
    [
        "decrypts with the vault key directly",
        "ImplicitlyDenied",
        (w) => ({ ...req(w, "kms:Decrypt", DEST_KEY, {}), resourcePolicy: defaultKeyPolicy(VAULT) }),
    ],
    [
        "reads the source key through EC2, with the printed statement in its key policy",
        "Allowed",
        (w) => ({
            ...req(w, "kms:Decrypt", SOURCE_KEY, ec2Via, ACCOUNT),
            resourcePolicy: withStatement(defaultKeyPolicy(ACCOUNT), w.vault),
        }),
    ],
    [
        "reads the source key through EC2 without that statement",
        "ImplicitlyDenied",
        (w) => ({ ...req(w, "kms:Decrypt", SOURCE_KEY, ec2Via, ACCOUNT), resourcePolicy: defaultKeyPolicy(ACCOUNT) }),
    ],
    [
        "with an attacker's Allow * in its policy, deletes the vault's own snapshot (the boundary holds)",
        "ImplicitlyDenied",
        (w) => ({ ...req(w, "ec2:DeleteSnapshot", COPY, {}), identityPolicies: [{ name: "attacker", policy: STAR }] }),
    ],
    [
        "with an attacker's Allow * in its policy, assumes the vault's administrator role",
        "ImplicitlyDenied",
        (w) => ({
            ...req(w, "sts:AssumeRole", `arn:aws:iam::${VAULT}:role/Admin`, {}),
            identityPolicies: [{ name: "attacker", policy: STAR }],
        }),
    ],
];

const deployer = (w: World) => ({
    principal: `arn:aws:sts::${VAULT}:assumed-role/vss-fleet-deploy-prod-copies/pipeline`,
    identityPolicies: [{ name: "deploy", policy: (w.vault.deployRole as { policy: PolicyDocument }).policy }],
});
const BOUNDARY = `arn:aws:iam::${VAULT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary`;

const THE_VAULTS_DEPLOY_ROLE: readonly Case[] = [
    [
        "creates the copy-target role with its boundary",
        "Allowed",
        (w) => ({ ...deployer(w), action: "iam:CreateRole", resource: TARGET, context: { "iam:PermissionsBoundary": BOUNDARY } }),
    ],
    ["creates it without the boundary", "ImplicitlyDenied", (w) => ({ ...deployer(w), action: "iam:CreateRole", resource: TARGET })],
    [
        "creates another role in prod's path",
        "ImplicitlyDenied",
        (w) => ({
            ...deployer(w),
            action: "iam:CreateRole",
            resource: `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target-2`,
            context: { "iam:PermissionsBoundary": BOUNDARY },
        }),
    ],
    [
        "creates the Recycle Bin rule for prod's snapshots in eu-central-1",
        "Allowed",
        (w) => ({
            ...deployer(w),
            action: "rbin:CreateRule",
            resource: `arn:aws:rbin:eu-central-1:${VAULT}:rule/abcdefghijk`,
            context: { "aws:RequestTag/vss-fleet:environment": "prod", "rbin:Request/ResourceType": "EBS_SNAPSHOT" },
        }),
    ],
    [
        "rewrites the copy-target role's trust",
        "ExplicitlyDenied",
        (w) => ({ ...deployer(w), action: "iam:UpdateAssumeRolePolicy", resource: TARGET }),
    ],
    ["rewrites the boundary", "ExplicitlyDenied", (w) => ({ ...deployer(w), action: "iam:CreatePolicyVersion", resource: BOUNDARY })],
];

function req(w: World, action: string, resource: string, context: Record<string, string | string[]>, resourceAccount = VAULT): Request {
    // A session's aws:PrincipalArn is its role's ARN, path included, which the session ARN does not show.
    return { ...wearer(w), action, resource, resourceAccount, context: { "aws:PrincipalArn": w.target.arn, ...context } };
}

function withStatement(policy: PolicyDocument, vault: CopyTargetBootstrap): PolicyDocument {
    return { ...policy, Statement: [...policy.Statement, vault.sourceKeyPolicyStatement as PolicyDocument["Statement"][number]] };
}

describe("the vault's copy-target role (IAM simulation over the resolved plan and the vault's bootstrap)", function () {
    this.timeout(60_000);
    let world: World;
    before(async () => {
        const fleet = await resolvedFleet();
        const boundaries = new Map<string, PolicyDocument>();
        for (const env of fleet.values()) {
            const { boundary } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
        }
        const prod = fleet.get("prod") as ResolvedEnvironment;
        const vault = (bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).copyTargets ?? []).find((t) => t.accountId === VAULT);
        assert.ok(vault, "the bootstrap prints the vault's part");
        boundaries.set(vault.boundary.arn, vault.boundary.policy);
        world = { prod, target: roleOf(prod, `prod-copy-target-${VAULT}-role`), vault, boundaries };
    });

    it("is planned at the ARN the function assumes, in the vault, with the vault's boundary", () => {
        assert.strictEqual(world.target.arn, TARGET);
        assert.strictEqual(world.target.permissionsBoundary, BOUNDARY);
        assert.deepStrictEqual(
            world.target.policies.map((p) => p.name),
            [`prod-copy-target-${VAULT}-permissions`],
        );
    });

    it("is deployed by prod's stack through a provider that assumes the vault's deploy role and refuses any other account", () => {
        const providers = world.prod.plan.resources.filter((r) => r.type === "pulumi:providers:aws");
        assert.deepStrictEqual(
            providers.map((p) => [p.name, p.inputs.allowedAccountIds, p.inputs.assumeRoles ?? null]),
            [
                ["prod-aws", '["111111111111"]', null],
                [
                    `prod-copy-target-${VAULT}-eu-central-1-aws`,
                    `["${VAULT}"]`,
                    `[{"roleArn":"arn:aws:iam::${VAULT}:role/vss-fleet-deploy-prod-copies","sessionName":"vss-fleet-prod-copy-target"}]`,
                ],
            ],
        );
    });

    it("keeps the vault's deleted copies recoverable: a Recycle Bin rule for prod's snapshots in eu-central-1", () => {
        const rules = world.prod.plan.resources
            .filter((r) => r.type === "aws:rbin/rule:Rule")
            .map((r) => [r.name, r.inputs.resourceTags])
            .sort();
        assert.deepStrictEqual(rules, [
            [`prod-copy-target-${VAULT}-eu-central-1-recycle-bin`, [{ resourceTagKey: "vss-fleet:environment", resourceTagValue: "prod" }]],
            ["prod-recycle-bin", [{ resourceTagKey: "vss-fleet:environment", resourceTagValue: "prod" }]],
        ]);
    });

    for (const [group, cases] of [
        ["who may wear it", WHO_MAY_WEAR_IT],
        ["wearing it", WEARING_IT],
        ["the vault's deploy role", THE_VAULTS_DEPLOY_ROLE],
    ] as const) {
        describe(group, () => {
            for (const [name, expected, request] of cases) {
                it(`${name}: ${expected}`, async () => {
                    assert.strictEqual(await simulate(request(world)), expected);
                });
            }
        });
    }
});
