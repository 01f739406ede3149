/**
 * The other half of the escalation suite: over the same resolved plan, with the boundaries the
 * bootstrap applies, every call the fleet itself makes is still ALLOWED (a boundary that broke the
 * fleet would "pass" every escalation scenario), and the attacker's best attempts under the new
 * design (inside the path, with the boundary) get nowhere beyond it.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import type { PolicyDocument } from "../../components/iam";
import { boundaryPolicyArn, iamPath } from "../../components/naming";
import { DEFAULT_FLEET } from "../../core/environment";
import type { Decision } from "../iamSimulation";
import {
    ACCOUNT,
    deployer,
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
import { AUTONAME_SUFFIX, resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

type Fleet = Map<string, ResolvedEnvironment>;
interface Case {
    readonly name: string;
    readonly expected: Decision;
    readonly request: (fleet: Fleet, boundaries: ReadonlyMap<string, PolicyDocument>) => Request;
}

const get = (fleet: Fleet, name: string) => fleet.get(name) as ResolvedEnvironment;
const PROD_BOUNDARY = boundaryPolicyArn("aws", ACCOUNT, "prod");
const inPath = (env: string, name: string) => `arn:aws:iam::${ACCOUNT}:role${iamPath(env)}${name}`;
const ownSnapshotTags = { "ec2:ResourceTag/vss-fleet:environment": "prod", "ec2:ResourceTag/vss-fleet:fleet": DEFAULT_FLEET };

const FLEET_CALLS: Case[] = [
    {
        name: "deploy-prod creates a role in its path carrying its boundary",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:CreateRole",
            resource: inPath("prod", `prod-instance-role${AUTONAME_SUFFIX}`),
            context: { "iam:PermissionsBoundary": PROD_BOUNDARY },
        }),
    },
    {
        name: "deploy-prod attaches AmazonSSMManagedInstanceCore to its instance role",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:AttachRolePolicy",
            resource: instanceRole(get(f, "prod")).arn,
            context: { "iam:PermissionsBoundary": PROD_BOUNDARY, "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
        }),
    },
    {
        name: "deploy-prod enrolls an instance the manifest lists, writing both target tags",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ec2:CreateTags",
            resource: instanceArn("i-0cccccccccccccccc"),
            context: { "aws:TagKeys": ["Backup", "Tier"], "aws:RequestTag/Backup": "prod", "aws:RequestTag/Tier": "gold" },
        }),
    },
    {
        name: "deploy-prod passes its lifecycle role to Lambda",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:PassRole",
            resource: lifecycleRole(get(f, "prod")).arn,
            context: { "iam:PassedToService": "lambda.amazonaws.com" },
        }),
    },
    {
        name: "a prod instance snapshots itself with the environment tags and its own instance id",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateSnapshots",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/AwsVssConfig": "Version=2.4",
                "aws:RequestTag/vss-fleet:instance-id": OWN_INSTANCE,
                "aws:TagKeys": ["vss-fleet:environment", "AwsVssConfig", "vss-fleet:instance-id"],
            },
        }),
    },
    {
        name: "a prod instance creates its aws-vss snapshots with the tags the window's task passes, its run's execution id included",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:CreateAction": "CreateSnapshots",
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/vss-fleet:fleet": "vss-fleet",
                "aws:RequestTag/vss-fleet:engine": "aws-vss",
                "aws:RequestTag/vss-fleet:window-execution": "1a2b3c4d-1234-1234-1234-123456789012",
                "aws:RequestTag/AwsVssConfig": "Version=2.4",
                "aws:TagKeys": [
                    "vss-fleet:environment",
                    "vss-fleet:fleet",
                    "vss-fleet:engine",
                    "vss-fleet:window-execution",
                    "AwsVssConfig",
                ],
            },
        }),
    },
    {
        name: "a prod instance marks a fresh VSS snapshot of its own AppConsistent=true once",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:ResourceTag/vss-fleet:instance-id": OWN_INSTANCE,
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "aws:RequestTag/AppConsistent": "true",
                "aws:RequestTag/Device": "/dev/sda1",
                "aws:TagKeys": ["AppConsistent", "Device"],
            },
        }),
    },
    {
        name: "a prod instance writes command output to its own account's bucket",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "s3:PutObject",
            resource: "arn:aws:s3:::example-prod-ssm-output/vss-fleet/prod/cmd/out.txt",
            context: { "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE), "s3:ResourceAccount": ACCOUNT },
        }),
    },
    {
        name: "a prod instance keeps what AmazonSSMManagedInstanceCore gives the agent",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ssmmessages:OpenControlChannel",
            resource: "*",
        }),
    },
    {
        name: "the prod task role sends the environment's document to a targeted instance",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(taskRole(get(f, "prod")), "mw-exec", b),
            action: "ssm:SendCommand",
            resource: instanceArn(OTHER_INSTANCE),
            context: { "ssm:resourceTag/Backup": "prod", "ssm:resourceTag/Tier": "gold" },
        }),
    },
    {
        name: "the prod task role sends the environment's own document",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(taskRole(get(f, "prod")), "mw-exec", b),
            action: "ssm:SendCommand",
            // The name the plan resolved (the mock keeps the logical name; a deployment adds a suffix).
            resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:document/prod-snapshot-document`,
        }),
    },
    {
        name: "the prod lifecycle role deletes a snapshot of its environment and fleet",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "ec2:DeleteSnapshot",
            resource: SNAPSHOT,
            context: ownSnapshotTags,
        }),
    },
    {
        name: "the prod lifecycle role restores a drill volume as gp3 at baseline",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "ec2:CreateVolume",
            resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/*`,
            context: {
                "aws:RequestTag/vss-fleet:drill": "prod",
                "aws:TagKeys": ["vss-fleet:drill"],
                "ec2:VolumeType": "gp3",
                "ec2:VolumeSize": "200",
            },
        }),
    },
    {
        name: "the prod lifecycle role stamps a drill result on its environment's snapshot",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: { ...ownSnapshotTags, "aws:TagKeys": ["vss-fleet:drill-result"], "aws:RequestTag/vss-fleet:drill-result": "passed" },
        }),
    },
    {
        name: "a dev (diskshadow) instance snapshots itself with its own instance id",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "dev")), OWN_INSTANCE, b),
            action: "ec2:CreateSnapshots",
            resource: "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0",
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE, "eu-west-1", "222222222222"),
                "aws:RequestTag/vss-fleet:environment": "dev",
                "aws:RequestTag/vss-fleet:instance-id": OWN_INSTANCE,
                "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:instance-id"],
            },
        }),
    },
];

/** The attacker's best moves under the new design: inside the path, with the boundary, and what the result can do. */
const BEST_ATTEMPTS: Case[] = [
    {
        name: "deploy-prod creates a role in its path WITHOUT the boundary",
        expected: "ExplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:CreateRole", resource: inPath("prod", "prod-backdoor") }),
    },
    {
        name: "deploy-prod creates a role in its path with prod-eu's boundary",
        expected: "ExplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:CreateRole",
            resource: inPath("prod", "prod-backdoor"),
            context: { "iam:PermissionsBoundary": boundaryPolicyArn("aws", ACCOUNT, "prod-eu") },
        }),
    },
    {
        name: "deploy-prod widens its own boundary policy",
        expected: "ExplicitlyDenied",
        request: (f) => ({ ...deployer(get(f, "prod")), action: "iam:CreatePolicyVersion", resource: PROD_BOUNDARY }),
    },
    {
        name: "deploy-prod removes the boundary from its lifecycle role",
        expected: "ExplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "iam:DeleteRolePermissionsBoundary",
            resource: lifecycleRole(get(f, "prod")).arn,
            context: { "iam:PermissionsBoundary": PROD_BOUNDARY },
        }),
    },
    {
        name: "deploy-prod-eu writes an inline policy on prod's instance role (the other direction)",
        expected: "ImplicitlyDenied",
        request: (f) => ({
            ...deployer(get(f, "prod-eu")),
            action: "iam:PutRolePolicy",
            resource: instanceRole(get(f, "prod")).arn,
            context: { "iam:PermissionsBoundary": PROD_BOUNDARY },
        }),
    },
    ...(
        [
            ["creates an IAM user", "iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/backdoor`, {}],
            ["assumes another role", "sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`, {}],
            ["reads another account's bucket", "s3:GetObject", "arn:aws:s3:::payroll/2026.csv", { "s3:ResourceAccount": FOREIGN_ACCOUNT }],
            ["deletes a database team's snapshot", "ec2:DeleteSnapshot", SNAPSHOT, { "ec2:ResourceTag/team": "database" }],
            ["deletes prod-eu's snapshot", "ec2:DeleteSnapshot", SNAPSHOT, { "ec2:ResourceTag/vss-fleet:environment": "prod-eu" }],
            ["terminates an instance", "ec2:TerminateInstances", instanceArn(OTHER_INSTANCE), {}],
        ] as const
    ).map(([what, action, resource, context]): Case => ({
        name: `a role deploy-prod made in its path with the boundary and an inline *:* ${what}`,
        expected: "ImplicitlyDenied",
        request: (_f, b) => ({
            principal: inPath("prod", "prod-backdoor"),
            identityPolicies: [{ name: "backdoor", policy: STAR }],
            boundary: b.get(PROD_BOUNDARY),
            action,
            resource,
            context: { ...context },
        }),
    })),
    {
        name: "the prod task role, after the deploy role added *:* to it, runs a shell document of the account's",
        expected: "ImplicitlyDenied",
        request: (f, b) => {
            const own = session(taskRole(get(f, "prod")), "mw-exec", b);
            return {
                ...own,
                identityPolicies: [...own.identityPolicies, { name: "injected", policy: STAR }],
                action: "ssm:SendCommand",
                resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:document/RunAnything`,
            };
        },
    },
    {
        name: "the prod task role, after the deploy role added *:* to it, runs a document of prod-eu's",
        expected: "ImplicitlyDenied",
        request: (f, b) => {
            const own = session(taskRole(get(f, "prod")), "mw-exec", b);
            return {
                ...own,
                identityPolicies: [...own.identityPolicies, { name: "injected", policy: STAR }],
                action: "ssm:SendCommand",
                resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:document/prod-eu-snapshot-document${AUTONAME_SUFFIX}`,
            };
        },
    },
    {
        name: "the prod lifecycle role creates a gp3 drill volume with 16000 IOPS",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "ec2:CreateVolume",
            resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/*`,
            context: {
                "aws:RequestTag/vss-fleet:drill": "prod",
                "aws:TagKeys": ["vss-fleet:drill"],
                "ec2:VolumeType": "gp3",
                "ec2:VolumeSize": "200",
                "ec2:VolumeIops": "16000",
            },
        }),
    },
    {
        name: "a dev (diskshadow) instance marks another instance's snapshot AppConsistent after creation",
        expected: "ImplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "dev")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0",
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE, "eu-west-1", "222222222222"),
                "ec2:ResourceTag/vss-fleet:environment": "dev",
                "aws:RequestTag/AppConsistent": "true",
                "aws:TagKeys": ["AppConsistent"],
            },
        }),
    },
    {
        // RESIDUAL, said in docs/iam.md: IAM has no key linking a snapshot to the instance whose
        // volume it copies, and the AWS provider marks after creation; AWSEC2VssSnapshotPolicy has
        // the same gap. verify and retention distrust marks that contradict the volume's attachment.
        name: "RESIDUAL: a prod (aws-vss) instance marks another instance's still-unmarked snapshot AppConsistent",
        expected: "Allowed",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "aws:RequestTag/AppConsistent": "true",
                "aws:TagKeys": ["AppConsistent"],
            },
        }),
    },
    {
        // RESIDUAL, said in docs/iam.md: RegisterTaskWithMaintenanceWindow takes no condition key, so
        // IAM cannot require a service role; a task without one runs as Systems Manager's
        // service-linked role. Detect it (CloudTrail), or keep the deploy role out of reach.
        name: "RESIDUAL: deploy-prod registers a task on its own window (IAM cannot require the task's service role)",
        expected: "Allowed",
        request: (f) => ({
            ...deployer(get(f, "prod")),
            action: "ssm:RegisterTaskWithMaintenanceWindow",
            resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0123456789abcdef0`,
            context: { "aws:ResourceTag/vss-fleet:environment": "prod" },
        }),
    },
    {
        name: "a prod instance marks another instance's snapshot that names that instance (vss-fleet:instance-id)",
        expected: "ExplicitlyDenied",
        request: (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "ec2:ResourceTag/vss-fleet:instance-id": OTHER_INSTANCE,
                "aws:RequestTag/AppConsistent": "true",
                "aws:TagKeys": ["AppConsistent"],
            },
        }),
    },
];

describe("the fleet still works, and the attacker's best moves fail (IAM simulation over the resolved plan)", function () {
    this.timeout(60_000);
    let fleet: Fleet;
    const boundaries = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        for (const env of fleet.values()) {
            const { boundary, copyTargets } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
            for (const target of copyTargets ?? []) {
                boundaries.set(target.boundary.arn, target.boundary.policy);
            }
        }
    });

    it("puts every IAM role, policy and instance profile under the environment's path, and a boundary on every role", () => {
        for (const env of fleet.values()) {
            const iam = env.plan.resources.filter((r) => /^aws:iam\/(role|policy|instanceProfile):/.test(r.type));
            // Instance, task and lifecycle roles, the snapshot policy, the instance profile; prod also the vault's copy-target role.
            assert.strictEqual(iam.length, env.spec.name === "prod" ? 6 : 5, env.spec.name);
            for (const resource of iam) {
                assert.strictEqual(resource.inputs.path, `/vss-fleet/${env.spec.name}/`, resource.name);
            }
            for (const role of env.roles) {
                // Each role's boundary is in the role's own account (the copy-target role's in the vault's).
                const account = role.logicalName.startsWith("prod-copy-target-") ? "333333333333" : env.spec.accountId;
                assert.strictEqual(role.permissionsBoundary, boundaryPolicyArn("aws", account, env.spec.name), role.logicalName);
                assert.ok(boundaries.has(role.permissionsBoundary), "the bootstrap defines it");
            }
        }
    });

    for (const [group, cases] of [
        ["what the fleet does", FLEET_CALLS],
        ["the attacker's best moves", BEST_ATTEMPTS],
    ] as const) {
        describe(group, () => {
            for (const c of cases) {
                it(`${c.name}: ${c.expected}`, async () => {
                    assert.strictEqual(await simulate(c.request(fleet, boundaries)), c.expected);
                });
            }
        });
    }
});
