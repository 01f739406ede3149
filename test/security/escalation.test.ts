/**
 * The escalation suite: each attack path of issue 12 as a request simulated over the RESOLVED plan of
 * test/security/fleet.yaml (prod and prod-eu side by side in one account, dev in another), with the
 * roles' real trust, inline and attached policies, AmazonSSMManagedInstanceCore included.
 */
import * as assert from "assert";
import type { PolicyDocument } from "../../components/iam";
import type { Decision } from "../iamSimulation";
import {
    ACCOUNT,
    DATABASE_INSTANCE,
    deployer,
    ENROLLED_INSTANCE,
    FOREIGN_ACCOUNT,
    instanceArn,
    instanceRole,
    lifecycleRole,
    OTHER_INSTANCE,
    OWN_INSTANCE,
    session,
    SNAPSHOT,
    STAR,
    taskRole,
} from "./actors";
import { bootstrap } from "../../automation/driver/bootstrap";
import { DEFAULT_FLEET } from "../../core/environment";
import { AUTONAME_SUFFIX, resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

interface Scenario {
    readonly name: string;
    readonly expected: Decision;
    readonly request: (fleet: Map<string, ResolvedEnvironment>, boundaries: ReadonlyMap<string, PolicyDocument>) => Request;
}

const get = (fleet: Map<string, ResolvedEnvironment>, name: string) => fleet.get(name) as ResolvedEnvironment;
const fromInstance = (id: string) => ({ "ec2:SourceInstanceARN": instanceArn(id) });
const iamArn = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;

const DEPLOY_ROLE: Scenario[] = [
    {
        name: "deploy-prod creates prod-backdoor outside the fleet's path, with no boundary",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:CreateRole", resource: iamArn("role/prod-backdoor") }),
    },
    {
        name: "deploy-prod writes an inline *:* policy on prod-backdoor",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:PutRolePolicy", resource: iamArn("role/prod-backdoor") }),
    },
    {
        name: "deploy-prod overwrites prod-instance-role's trust policy",
        expected: "ExplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:UpdateAssumeRolePolicy", resource: instanceRole(get(f, "prod")).arn }),
    },
    {
        name: "deploy-prod writes an inline policy on prod-database-admin, a role vss-fleet never created",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:PutRolePolicy", resource: iamArn("role/prod-database-admin") }),
    },
    {
        name: "deploy-prod deletes prod-database-admin",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:DeleteRole", resource: iamArn("role/prod-database-admin") }),
    },
    {
        name: "deploy-prod writes an inline policy on prod-eu's instance role",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:PutRolePolicy", resource: instanceRole(get(f, "prod-eu")).arn }),
    },
    {
        name: "deploy-prod deletes prod-eu's lifecycle role",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:DeleteRole", resource: lifecycleRole(get(f, "prod-eu")).arn }),
    },
    {
        name: "deploy-prod writes a new default version of prod-eu's instance snapshot policy",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:CreatePolicyVersion",
            resource: get(f, "prod-eu").managedPolicies.get("prod-eu-instance-snapshot") as string,
        }),
    },
    {
        // Step one of the lifecycle attack; it stays allowed (deploying code is the role's job).
        name: "deploy-prod replaces the prod lifecycle function's code",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "lambda:UpdateFunctionCode",
            resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:prod-lifecycle-fn${AUTONAME_SUFFIX}`,
        }),
    },
    {
        // Step two; it stays allowed on the fleet's own roles, so what matters is what the role can then do (below).
        name: "deploy-prod writes an inline policy on the prod lifecycle role",
        expected: "Allowed",
        request: (f) => {
            const role = lifecycleRole(get(f, "prod"));
            const boundary = role.permissionsBoundary;
            return {
                ...deployer(get(f, "prod")),
                action: "iam:PutRolePolicy",
                resource: role.arn,
                context: boundary ? { "iam:PermissionsBoundary": boundary } : {},
            };
        },
    },
    {
        name: "deploy-prod passes the prod instance role to Lambda",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:PassRole",
            resource: instanceRole(get(f, "prod")).arn,
            context: { "iam:PassedToService": "lambda.amazonaws.com" },
        }),
    },
    {
        name: "deploy-prod enrolls a database instance the manifest does not list (Backup=prod)",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ec2:CreateTags",
            resource: instanceArn(DATABASE_INSTANCE),
            context: { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" },
        }),
    },
    {
        name: "deploy-prod deletes every tag of a database instance (DeleteTags with no keys)",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "ec2:DeleteTags", resource: instanceArn(DATABASE_INSTANCE) }),
    },
    {
        name: "deploy-prod deletes every tag of an instance it enrolls (DeleteTags with no keys)",
        expected: "ImplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "ec2:DeleteTags", resource: instanceArn(ENROLLED_INSTANCE) }),
    },
    {
        name: "deploy-prod writes a target tag key with another environment's value (Backup=dev)",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ec2:CreateTags",
            resource: instanceArn(ENROLLED_INSTANCE),
            context: { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "dev" },
        }),
    },
    {
        name: "deploy-prod writes both target tag keys, one with the right value and one wrong (Tier=silver)",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ec2:CreateTags",
            resource: instanceArn(ENROLLED_INSTANCE),
            context: { "aws:TagKeys": ["Backup", "Tier"], "aws:RequestTag/Backup": "prod", "aws:RequestTag/Tier": "silver" },
        }),
    },
    {
        name: "deploy-prod stamps vss-fleet:environment=prod on another team's maintenance window",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ssm:AddTagsToResource",
            resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0f0f0f0f0f0f0f0f0`,
            context: { "aws:TagKeys": ["vss-fleet:environment"], "aws:RequestTag/vss-fleet:environment": "prod" },
        }),
    },
];

const RUNTIME_ROLES: Scenario[] = [
    {
        name: "the prod task role cancels any command in the account",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({ ...session(taskRole(get(f, "prod")), "mw-exec", b), action: "ssm:CancelCommand", resource: "*" }),
    },
    {
        name: "a prod instance writes command output to a bucket of the same name in another account",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "s3:PutObject",
            resource: "arn:aws:s3:::example-prod-ssm-output/vss-fleet/prod/cmd/out.txt",
            resourceAccount: FOREIGN_ACCOUNT,
            resourcePolicy: {
                Version: "2012-10-17",
                Statement: [{ Sid: "Squatter", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:PutObject", Resource: "*" }],
            },
            context: { ...fromInstance(OWN_INSTANCE), "s3:ResourceAccount": FOREIGN_ACCOUNT },
        }),
    },
    {
        name: "the prod lifecycle role creates a 16 TiB io2 drill volume with 64000 IOPS",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "prod-lifecycle-fn", b),
            action: "ec2:CreateVolume",
            resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/*`,
            context: {
                "aws:RequestTag/vss-fleet:drill": "prod",
                "aws:TagKeys": ["vss-fleet:drill"],
                "ec2:VolumeType": "io2",
                "ec2:VolumeSize": "16384",
                "ec2:VolumeIops": "64000",
            },
        }),
    },
    {
        name: "a prod instance creates snapshots carrying another instance's vss-fleet:instance-id",
        expected: "ExplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateSnapshots",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/AwsVssConfig": "Version=2.4",
                "aws:RequestTag/vss-fleet:instance-id": OTHER_INSTANCE,
                "aws:TagKeys": ["vss-fleet:environment", "AwsVssConfig", "vss-fleet:instance-id"],
            },
        }),
    },
    {
        name: "a prod instance tags its new snapshots with another instance's vss-fleet:instance-id in the create call",
        expected: "ExplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "ec2:CreateAction": "CreateSnapshots",
                "aws:RequestTag/vss-fleet:instance-id": OTHER_INSTANCE,
                "aws:TagKeys": ["vss-fleet:instance-id"],
            },
        }),
    },
    {
        name: "a prod instance creates snapshots already tagged AppConsistent=true",
        expected: "ExplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "ec2:CreateAction": "CreateSnapshots",
                "aws:RequestTag/AppConsistent": "true",
                "aws:TagKeys": ["AppConsistent"],
            },
        }),
    },
    {
        name: "a prod instance creates snapshots carrying a drill tag",
        expected: "ExplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "ec2:CreateAction": "CreateSnapshots",
                "aws:RequestTag/vss-fleet:drill-result": "passed",
                "aws:TagKeys": ["vss-fleet:drill-result"],
            },
        }),
    },
    {
        name: "a prod instance flips AppConsistent=false to true on another instance's snapshot",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "ec2:ResourceTag/AppConsistent": "false",
                "aws:RequestTag/AppConsistent": "true",
                "aws:TagKeys": ["AppConsistent"],
            },
        }),
    },
    {
        name: "a prod instance rewrites Device on another instance's snapshot",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                ...fromInstance(OWN_INSTANCE),
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "ec2:ResourceTag/Device": "/dev/sda1",
                "aws:RequestTag/Device": "xvdf",
                "aws:TagKeys": ["Device"],
            },
        }),
    },
];

/** Once the deploy role wrote an inline *:* on a role (it may, on the fleet's own roles), what can that role do? */
const INJECTED: Scenario[] = [
    {
        name: "prod-backdoor, as the deploy role can make it (*:* inline), creates an IAM user",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            principal: iamArn("role/prod-backdoor"),
            identityPolicies: [{ name: "backdoor", policy: STAR }],
            boundary: requiredBoundary(get(f, "prod"), b),
            action: "iam:CreateUser",
            resource: iamArn("user/backdoor"),
        }),
    },
    {
        name: "the prod lifecycle role, after the deploy role added *:* to it, deletes a database team's snapshot",
        expected: "ImplicitlyDenied",
        request: (f, b) => {
            const role = lifecycleRole(get(f, "prod"));
            const own = session(role, "prod-lifecycle-fn", b);
            return {
                ...own,
                identityPolicies: [...own.identityPolicies, { name: "injected", policy: STAR }],
                action: "ec2:DeleteSnapshot",
                resource: SNAPSHOT,
                context: { "ec2:ResourceTag/team": "database" },
            };
        },
    },
    {
        name: "the prod lifecycle role, after the deploy role added *:* to it, attaches AdministratorAccess to itself",
        expected: "ImplicitlyDenied",
        request: (f, b) => {
            const role = lifecycleRole(get(f, "prod"));
            const own = session(role, "prod-lifecycle-fn", b);
            return {
                ...own,
                identityPolicies: [...own.identityPolicies, { name: "injected", policy: STAR }],
                action: "iam:AttachRolePolicy",
                resource: role.arn,
                context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
            };
        },
    },
];

/** The boundary a role must carry when the deploy role creates it: the iam:PermissionsBoundary its CreateRole grant demands. */
function requiredBoundary(env: ResolvedEnvironment, boundaries: ReadonlyMap<string, PolicyDocument>): PolicyDocument | undefined {
    for (const statement of env.deployPolicy.Statement) {
        const actions = ([] as string[]).concat(statement.Action);
        const demanded = statement.Condition?.StringEquals?.["iam:PermissionsBoundary"];
        if (actions.includes("iam:CreateRole") && typeof demanded === "string") {
            return boundaries.get(demanded);
        }
    }
    return undefined;
}

describe("escalation suite (IAM simulation over the resolved plan of test/security/fleet.yaml)", function () {
    // The offline plan of three environments runs the real program under mocks.
    this.timeout(60_000);
    let fleet: Map<string, ResolvedEnvironment>;
    const boundaries = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        // What the administrator applied once per environment (vss-fleet deploy-policy --bootstrap).
        for (const env of fleet.values()) {
            const { boundary } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
        }
    });

    for (const [group, scenarios] of [
        ["deploy role", DEPLOY_ROLE],
        ["roles the stacks create", RUNTIME_ROLES],
        ["a role the deploy role wrote *:* into", INJECTED],
    ] as const) {
        describe(group, () => {
            for (const scenario of scenarios) {
                it(`${scenario.name}: ${scenario.expected}`, async () => {
                    assert.strictEqual(await simulate(scenario.request(fleet, boundaries)), scenario.expected);
                });
            }
        });
    }
});
