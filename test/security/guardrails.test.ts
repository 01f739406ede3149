/**
 * The organization's guardrail (vss-fleet guardrails), simulated as an SCP over the resolved plan:
 * without it an ordinary ops role can write the tags retention trusts; with it only the fleet's own
 * roles can, and the fleet keeps working.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import { guardrailPolicy, type PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import type { Decision } from "../iamSimulation";
import { ACCOUNT, instanceArn, instanceRole, lifecycleRole, OWN_INSTANCE, session, SNAPSHOT } from "./actors";
import { resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

const SCP = guardrailPolicy("aws");
const OPS = `arn:aws:iam::${ACCOUNT}:role/ops-automation`;
const VOLUME = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
/** An ordinary operations role: may tag and untag anything in EC2. */
const ops = (action: string, resource: string, context: Record<string, string | string[]>): Request => ({
    principal: OPS,
    identityPolicies: [
        {
            name: "ops",
            policy: {
                Version: "2012-10-17",
                Statement: [{ Sid: "Tagging", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "*" }],
            },
        },
    ],
    action,
    resource,
    context: { "aws:PrincipalArn": OPS, ...context },
});
const tagging = (tags: Record<string, string>) => ({
    "aws:TagKeys": Object.keys(tags),
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
});

describe("vss-fleet guardrails (the SCP, simulated)", function () {
    this.timeout(60_000);
    let fleet: Map<string, ResolvedEnvironment>;
    const boundaries = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        for (const env of fleet.values()) {
            const { boundary } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
        }
    });
    const prod = () => fleet.get("prod") as ResolvedEnvironment;
    const withAndWithout = async (request: Request): Promise<[Decision, Decision]> => [
        await simulate(request),
        await simulate({ ...request, scps: [SCP] }),
    ];

    it("an ops role tags a database team's snapshot as prod's: Allowed without the SCP, ExplicitlyDenied with it", async () => {
        const request = ops("ec2:CreateTags", SNAPSHOT, tagging({ "vss-fleet:environment": "prod", "vss-fleet:fleet": "vss-fleet" }));
        assert.deepStrictEqual(await withAndWithout(request), ["Allowed", "ExplicitlyDenied"]);
    });

    it("an ops role tags an unrelated volume as a drill volume: Allowed without, ExplicitlyDenied with", async () => {
        assert.deepStrictEqual(await withAndWithout(ops("ec2:CreateTags", VOLUME, tagging({ "vss-fleet:drill": "prod" }))), [
            "Allowed",
            "ExplicitlyDenied",
        ]);
    });

    it("an ops role sets AppConsistent=true, or removes AwsVssConfig: ExplicitlyDenied with the SCP", async () => {
        assert.deepStrictEqual(await withAndWithout(ops("ec2:CreateTags", SNAPSHOT, tagging({ AppConsistent: "true" }))), [
            "Allowed",
            "ExplicitlyDenied",
        ]);
        assert.deepStrictEqual(await withAndWithout(ops("ec2:DeleteTags", SNAPSHOT, { "aws:TagKeys": ["AwsVssConfig"] })), [
            "Allowed",
            "ExplicitlyDenied",
        ]);
    });

    it("an ops role creating a snapshot copy with the fleet's tags (tags inside a create call) is denied too", async () => {
        const request = ops("ec2:CreateTags", SNAPSHOT, {
            "ec2:CreateAction": "CopySnapshot",
            ...tagging({ "vss-fleet:environment": "prod" }),
        });
        assert.deepStrictEqual(await withAndWithout(request), ["Allowed", "ExplicitlyDenied"]);
    });

    it("an ops role's own tags stay its business: Allowed with the SCP", async () => {
        assert.strictEqual(await simulate({ ...ops("ec2:CreateTags", SNAPSHOT, tagging({ Owner: "ops" })), scps: [SCP] }), "Allowed");
        assert.strictEqual(await simulate({ ...ops("ec2:DeleteTags", SNAPSHOT, { "aws:TagKeys": ["Owner"] }), scps: [SCP] }), "Allowed");
    });

    it("the fleet's instance role still creates its snapshots with the fleet's tags, and marks them after", async () => {
        const role = instanceRole(prod());
        const asInstance = { ...session(role, OWN_INSTANCE, boundaries), scps: [SCP] };
        const context = { "aws:PrincipalArn": role.arn, "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE) };
        const create = tagging({ "vss-fleet:environment": "prod", AwsVssConfig: "Version=2.4" });
        assert.strictEqual(
            await simulate({
                ...asInstance,
                action: "ec2:CreateTags",
                resource: SNAPSHOT,
                context: { ...context, "ec2:CreateAction": "CreateSnapshots", ...create },
            }),
            "Allowed",
        );
        const mark = {
            ...context,
            "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            ...tagging({ AppConsistent: "true" }),
        };
        assert.strictEqual(await simulate({ ...asInstance, action: "ec2:CreateTags", resource: SNAPSHOT, context: mark }), "Allowed");
    });

    it("the fleet's own roles cannot rewrite an identity tag after creation, nor delete fleet tags", async () => {
        const role = lifecycleRole(prod());
        const asFunction = { ...session(role, "fn", boundaries), scps: [SCP] };
        const own = {
            "aws:PrincipalArn": role.arn,
            "ec2:ResourceTag/vss-fleet:environment": "prod",
            "ec2:ResourceTag/vss-fleet:fleet": "vss-fleet",
        };
        const stamp = { ...own, ...tagging({ "vss-fleet:drill-result": "passed" }) };
        assert.strictEqual(await simulate({ ...asFunction, action: "ec2:CreateTags", resource: SNAPSHOT, context: stamp }), "Allowed");
        const rewrite = { ...own, ...tagging({ "vss-fleet:environment": "dev" }) };
        // The SCP denies it even if a policy allowed it: give the role *:* to show the SCP alone holds.
        const star = { Version: "2012-10-17" as const, Statement: [{ Sid: "All", Effect: "Allow" as const, Action: "*", Resource: "*" }] };
        assert.strictEqual(
            await simulate({
                ...asFunction,
                boundary: undefined,
                identityPolicies: [{ name: "all", policy: star }],
                action: "ec2:CreateTags",
                resource: SNAPSHOT,
                context: rewrite,
            }),
            "ExplicitlyDenied",
        );
        assert.strictEqual(
            await simulate({
                ...asFunction,
                boundary: undefined,
                identityPolicies: [{ name: "all", policy: star }],
                action: "ec2:DeleteTags",
                resource: SNAPSHOT,
                context: { ...own, "aws:TagKeys": ["AppConsistent"] },
            }),
            "ExplicitlyDenied",
        );
    });

    it("no role enters the fleet's path without a vss-fleet boundary, and none loses it", async () => {
        const admin = {
            principal: `arn:aws:iam::${ACCOUNT}:role/Admin`,
            identityPolicies: [
                {
                    name: "admin",
                    policy: {
                        Version: "2012-10-17" as const,
                        Statement: [{ Sid: "All", Effect: "Allow" as const, Action: "*", Resource: "*" }],
                    },
                },
            ],
            scps: [SCP],
        };
        const path = `arn:aws:iam::${ACCOUNT}:role/vss-fleet/prod/sneaky`;
        assert.strictEqual(await simulate({ ...admin, action: "iam:CreateRole", resource: path }), "ExplicitlyDenied");
        const boundary = { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary` };
        assert.strictEqual(await simulate({ ...admin, action: "iam:CreateRole", resource: path, context: boundary }), "Allowed");
        assert.strictEqual(await simulate({ ...admin, action: "iam:DeleteRolePermissionsBoundary", resource: path }), "ExplicitlyDenied");
        assert.strictEqual(
            await simulate({ ...admin, action: "iam:CreateRole", resource: `arn:aws:iam::${ACCOUNT}:role/anything` }),
            "Allowed",
        );
    });
});
