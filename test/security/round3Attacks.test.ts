/**
 * Round-3 attack review: what one role could do with the IAM this round added (alarms, rules and
 * subscriptions of the lifecycle, the aws-vss window-execution tag, the vault's copy-target role and
 * deploy role), simulated over the resolved plan of test/security/fleet.yaml. Scenarios named
 * "RESIDUAL" are Allowed on purpose: IAM cannot express the fix (docs/iam.md, "Found and not fixed").
 * The deploy-role cases marked "(fixed)" were Allowed before automation/driver/deployRolePolicy.ts's
 * lifecycleReachStatements.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import { guardrailPolicy, type PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import { lifecycleAlarmPrefix } from "../../core/lifecycle/functionConfig";
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
    taskRole,
} from "./actors";
import { AUTONAME_SUFFIX, resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

type Fleet = Map<string, ResolvedEnvironment>;
type Boundaries = ReadonlyMap<string, PolicyDocument>;
type Case = readonly [name: string, expected: Decision, request: (f: Fleet, b: Boundaries) => Request];

const get = (f: Fleet, name: string) => f.get(name) as ResolvedEnvironment;
const PROD_FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:prod-lifecycle-fn${AUTONAME_SUFFIX}`;
const PROD_EU_FN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:prod-eu-lifecycle-fn${AUTONAME_SUFFIX}`;
const PROD_ALARM = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:prod-lifecycle-alarm-no-verified-run${AUTONAME_SUFFIX}`;
const PROD_RULE = `arn:aws:events:us-east-1:${ACCOUNT}:rule/prod-lc-alarms${AUTONAME_SUFFIX}`;
/** prod-eu uses an existing topic other teams also read (fleet.yaml), plus one HTTPS endpoint. */
const TEAM_TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:team-alerts`;
const PROD_EU_ENDPOINT = "https://alerts.example.com/sns";
const WINDOW_EXECUTION = "1a2b3c4d-1234-1234-1234-123456789012";

const deployProd = (f: Fleet, action: string, resource: string, context: Request["context"] = {}): Request => ({
    ...deployer(get(f, "prod")),
    action,
    resource,
    context,
});
const deployProdEu = (f: Fleet, action: string, resource: string, context: Request["context"] = {}): Request => ({
    ...deployer(get(f, "prod-eu")),
    action,
    resource,
    context,
});

const DEPLOY_ROLE: readonly Case[] = [
    ["deploy-prod creates its lifecycle alarm without actions", "Allowed", (f) => deployProd(f, "cloudwatch:PutMetricAlarm", PROD_ALARM)],
    [
        "deploy-prod gives its lifecycle alarm an action that terminates an instance (fixed)",
        "ImplicitlyDenied",
        (f) =>
            deployProd(f, "cloudwatch:PutMetricAlarm", PROD_ALARM, {
                "cloudwatch:AlarmActions": ["arn:aws:automate:us-east-1:ec2:terminate"],
            }),
    ],
    [
        "deploy-prod gives its lifecycle alarm an action that runs another team's Auto Scaling policy (fixed)",
        "ImplicitlyDenied",
        (f) =>
            deployProd(f, "cloudwatch:PutMetricAlarm", PROD_ALARM, {
                "cloudwatch:AlarmActions": [
                    `arn:aws:autoscaling:us-east-1:${ACCOUNT}:scalingPolicy:1a2b:autoScalingGroupName/db:policyName/scale-in-to-zero`,
                ],
            }),
    ],
    [
        "deploy-prod gives its lifecycle alarm an action that notifies another account's topic (fixed)",
        "ImplicitlyDenied",
        (f) =>
            deployProd(f, "cloudwatch:PutMetricAlarm", PROD_ALARM, {
                "cloudwatch:AlarmActions": [`arn:aws:sns:us-east-1:${FOREIGN_ACCOUNT}:exfil`],
            }),
    ],
    [
        "deploy-prod points its rule at its lifecycle function",
        "Allowed",
        (f) => deployProd(f, "events:PutTargets", PROD_RULE, { "events:TargetArn": [PROD_FN] }),
    ],
    [
        "deploy-prod points its rule at another account's event bus, which would receive every event the rule matches (fixed)",
        "ImplicitlyDenied",
        (f) =>
            deployProd(f, "events:PutTargets", PROD_RULE, {
                "events:TargetArn": [`arn:aws:events:us-east-1:${FOREIGN_ACCOUNT}:event-bus/default`],
            }),
    ],
    [
        "deploy-prod adds prod-eu's function as a second target of its rule (fixed)",
        "ImplicitlyDenied",
        (f) => deployProd(f, "events:PutTargets", PROD_RULE, { "events:TargetArn": [PROD_FN, PROD_EU_FN] }),
    ],
    [
        "deploy-prod passes its lifecycle role to EventBridge (a target's RoleArn)",
        "ImplicitlyDenied",
        (f) => deployProd(f, "iam:PassRole", lifecycleRole(get(f, "prod")).arn, { "iam:PassedToService": "events.amazonaws.com" }),
    ],
    [
        "deploy-prod lets EventBridge invoke its function",
        "Allowed",
        (f) => deployProd(f, "lambda:AddPermission", PROD_FN, { "lambda:Principal": "events.amazonaws.com" }),
    ],
    [
        "deploy-prod lets anyone ('*') invoke its function with a forged payload (fixed)",
        "ImplicitlyDenied",
        (f) => deployProd(f, "lambda:AddPermission", PROD_FN, { "lambda:Principal": "*" }),
    ],
    [
        "deploy-prod lets another account invoke its function (fixed)",
        "ImplicitlyDenied",
        (f) => deployProd(f, "lambda:AddPermission", PROD_FN, { "lambda:Principal": FOREIGN_ACCOUNT }),
    ],
    [
        "deploy-prod-eu subscribes the manifest's HTTPS endpoint to the existing team topic",
        "Allowed",
        (f) => deployProdEu(f, "sns:Subscribe", TEAM_TOPIC, { "sns:Protocol": "https", "sns:Endpoint": PROD_EU_ENDPOINT }),
    ],
    [
        "deploy-prod-eu subscribes another account's queue to the existing team topic, reading other teams' alerts (fixed)",
        "ImplicitlyDenied",
        (f) =>
            deployProdEu(f, "sns:Subscribe", TEAM_TOPIC, {
                "sns:Protocol": "sqs",
                "sns:Endpoint": `arn:aws:sqs:eu-west-1:${FOREIGN_ACCOUNT}:exfil`,
            }),
    ],
    [
        "deploy-prod-eu subscribes an HTTPS endpoint the manifest does not list to the team topic (fixed)",
        "ImplicitlyDenied",
        (f) => deployProdEu(f, "sns:Subscribe", TEAM_TOPIC, { "sns:Protocol": "https", "sns:Endpoint": "https://attacker.example.net/" }),
    ],
    ["deploy-prod-eu changes the team topic's policy", "ImplicitlyDenied", (f) => deployProdEu(f, "sns:SetTopicAttributes", TEAM_TOPIC)],
    [
        "RESIDUAL: deploy-prod-eu unsubscribes another team's endpoint from the existing team topic (IAM scopes Unsubscribe to the topic, not the subscription)",
        "Allowed",
        (f) => deployProdEu(f, "sns:Unsubscribe", TEAM_TOPIC),
    ],
    [
        "RESIDUAL: deploy-prod lets EventBridge invoke its function without naming the rule (no condition key carries AddPermission's SourceArn)",
        "Allowed",
        (f) => deployProd(f, "lambda:AddPermission", PROD_FN, { "lambda:Principal": "events.amazonaws.com" }),
    ],
];

const RUNTIME_ROLES: readonly Case[] = [
    [
        "the prod lifecycle role publishes to another account's topic (an on-failure destination the deploy role could set)",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "sns:Publish",
            resource: `arn:aws:sns:us-east-1:${FOREIGN_ACCOUNT}:exfil`,
            resourceAccount: FOREIGN_ACCOUNT,
        }),
    ],
    [
        "the prod lifecycle role publishes to the team topic prod-eu uses",
        "ImplicitlyDenied",
        (f, b) => ({ ...session(lifecycleRole(get(f, "prod")), "fn", b), action: "sns:Publish", resource: TEAM_TOPIC }),
    ],
    [
        "the prod lifecycle role publishes prod-eu's heartbeat metric, silencing prod-eu's dead-man alarm (fixed in round 4: a namespace per environment)",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(lifecycleRole(get(f, "prod")), "fn", b),
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "VssFleet/prod-eu" },
        }),
    ],
    [
        "the prod task role invokes prod-eu's lifecycle function (a forged relay event)",
        "ImplicitlyDenied",
        (f, b) => ({ ...session(taskRole(get(f, "prod")), "window", b), action: "lambda:InvokeFunction", resource: PROD_EU_FN }),
    ],
    [
        "the prod task role lets another account invoke its function",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(taskRole(get(f, "prod")), "window", b),
            action: "lambda:AddPermission",
            resource: PROD_FN,
            context: { "lambda:Principal": FOREIGN_ACCOUNT },
        }),
    ],
    [
        "a prod instance writes vss-fleet:window-execution on its own snapshot after creation (backdating a set)",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:ResourceTag/vss-fleet:environment": "prod",
                "ec2:ResourceTag/AwsVssConfig": "Version=2.4",
                "aws:RequestTag/vss-fleet:window-execution": WINDOW_EXECUTION,
                "aws:TagKeys": ["vss-fleet:window-execution"],
            },
        }),
    ],
    [
        "a prod instance snapshots another instance with a window-execution tag",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateSnapshots",
            resource: instanceArn(OTHER_INSTANCE),
            context: {
                "ec2:SourceInstanceARN": instanceArn(OTHER_INSTANCE),
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/vss-fleet:window-execution": WINDOW_EXECUTION,
                "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:window-execution"],
            },
        }),
    ],
    [
        "RESIDUAL: a prod instance names any window execution in its own CreateSnapshots (IAM cannot check the value; provenance calls it a contradiction while SSM's history lasts)",
        "Allowed",
        (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "ec2:CreateTags",
            resource: SNAPSHOT,
            context: {
                "ec2:SourceInstanceARN": instanceArn(OWN_INSTANCE),
                "ec2:CreateAction": "CreateSnapshots",
                "aws:RequestTag/vss-fleet:environment": "prod",
                "aws:RequestTag/AwsVssConfig": "Version=2.4",
                "aws:RequestTag/vss-fleet:window-execution": "ffffffff-0000-0000-0000-000000000000",
                "aws:TagKeys": ["vss-fleet:environment", "AwsVssConfig", "vss-fleet:window-execution"],
            },
        }),
    ],
];

/** A server running the CloudWatch agent (CloudWatchAgentServerPolicy: cloudwatch:PutMetricData on "*"). */
const AGENT = `arn:aws:iam::${ACCOUNT}:role/web-servers`;
const heartbeat = (principal: string, policies: Request["identityPolicies"], scps?: PolicyDocument[]): Request => ({
    principal,
    identityPolicies: policies,
    action: "cloudwatch:PutMetricData",
    resource: "*",
    context: { "cloudwatch:namespace": "VssFleet/prod", "aws:PrincipalArn": principal },
    ...(scps ? { scps } : {}),
});
const agentPolicy: Request["identityPolicies"] = [
    {
        name: "CloudWatchAgentServerPolicy",
        policy: {
            Version: "2012-10-17",
            Statement: [{ Sid: "Agent", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }],
        },
    },
];

/** Anyone in the account: the dead-man alarm takes any sample of FailedInstances as a verified run. */
const ANYONE: readonly Case[] = [
    [
        "a server running the CloudWatch agent publishes prod's heartbeat, keeping its dead-man alarm quiet, without the guardrail SCP",
        "Allowed",
        () => heartbeat(AGENT, agentPolicy),
    ],
    [
        "the same, under the guardrail SCP (OnlyTheFleetsRolesPublishItsMetrics) (fixed)",
        "ExplicitlyDenied",
        () => heartbeat(AGENT, agentPolicy, [guardrailPolicy("aws")]),
    ],
    [
        "the prod lifecycle role still publishes its metrics under the guardrail SCP",
        "Allowed",
        (f, b) => {
            const role = lifecycleRole(get(f, "prod"));
            return {
                ...heartbeat(role.arn, [], [guardrailPolicy("aws")]),
                ...session(role, "fn", b),
                context: { "cloudwatch:namespace": "VssFleet/prod", "aws:PrincipalArn": role.arn },
            };
        },
    ],
    [
        "a prod instance publishes prod's heartbeat (its role grants no metrics)",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(instanceRole(get(f, "prod")), OWN_INSTANCE, b),
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "VssFleet/prod" },
        }),
    ],
    [
        "the prod task role publishes prod's heartbeat",
        "ImplicitlyDenied",
        (f, b) => ({
            ...session(taskRole(get(f, "prod")), "window", b),
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "VssFleet/prod" },
        }),
    ],
];

const VAULT = "333333333333";
const TARGET = `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target`;
const VAULT_BOUNDARY = `arn:aws:iam::${VAULT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary`;
const VAULT_RULE = `arn:aws:rbin:eu-central-1:${VAULT}:rule/abcdefghijk`;
const ownVaultRule = { "aws:ResourceTag/vss-fleet:environment": "prod", "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" };

function vaultDeployer(f: Fleet, action: string, resource: string, context: Request["context"] = {}): Request {
    const prod = get(f, "prod");
    const vault = (bootstrap(prod.spec, DEFAULT_FLEET, prod.instances).copyTargets ?? []).find((t) => t.accountId === VAULT);
    return {
        principal: `arn:aws:sts::${VAULT}:assumed-role/vss-fleet-deploy-prod-copies/pipeline`,
        identityPolicies: [{ name: "deploy", policy: (vault?.deployRole as { policy: PolicyDocument }).policy }],
        action,
        resource,
        context,
    };
}

/** The vault's deploy role, which prod's stack assumes: what it could do to the copies it is there to keep. */
const THE_VAULTS_DEPLOY_ROLE: readonly Case[] = [
    [
        "RESIDUAL: the vault's deploy role deletes the copy-target role and creates it again trusting itself (CreateRole's trust has no condition key)",
        "Allowed",
        (f) => vaultDeployer(f, "iam:CreateRole", TARGET, { "iam:PermissionsBoundary": VAULT_BOUNDARY }),
    ],
    [
        "the vault's deploy role shortens the vault's Recycle Bin rule (fixed in round 4: never granted UpdateRule, round4.test.ts)",
        "ImplicitlyDenied",
        (f) => vaultDeployer(f, "rbin:UpdateRule", VAULT_RULE, ownVaultRule),
    ],
    [
        "the vault's deploy role deletes the vault's Recycle Bin rule (fixed in round 4)",
        "ImplicitlyDenied",
        (f) => vaultDeployer(f, "rbin:DeleteRule", VAULT_RULE, ownVaultRule),
    ],
    [
        "the vault's deploy role unlocks a locked Recycle Bin rule",
        "ImplicitlyDenied",
        (f) => vaultDeployer(f, "rbin:UnlockRule", VAULT_RULE, ownVaultRule),
    ],
    [
        "the vault's deploy role deletes a copy itself",
        "ImplicitlyDenied",
        (f) => vaultDeployer(f, "ec2:DeleteSnapshot", `arn:aws:ec2:eu-central-1::snapshot/snap-0123456789abcdef1`),
    ],
];

describe("round-3 attacks (IAM simulation over the resolved plan of test/security/fleet.yaml)", function () {
    this.timeout(60_000);
    let fleet: Fleet;
    const boundaries = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        for (const env of fleet.values()) {
            const { boundary } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
        }
    });

    it("names every planned alarm with the prefix the relay and the deploy role trust (lifecycleAlarmPrefix)", () => {
        for (const env of fleet.values()) {
            const alarms = env.plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.name);
            assert.ok(alarms.length >= 4, `${env.spec.name} plans its alarms`);
            assert.deepStrictEqual(
                alarms.filter((name) => !name.startsWith(lifecycleAlarmPrefix(env.spec.name))),
                [],
            );
        }
        assert.strictEqual(lifecycleAlarmPrefix("prod"), "prod-lifecycle-alarm-");
    });

    for (const [group, cases] of [
        ["the deploy role", DEPLOY_ROLE],
        ["the roles the stacks create", RUNTIME_ROLES],
        ["the vault's deploy role", THE_VAULTS_DEPLOY_ROLE],
        ["anyone in the account", ANYONE],
    ] as const) {
        describe(group, () => {
            for (const [name, expected, request] of cases) {
                it(`${name}: ${expected}`, async () => {
                    assert.strictEqual(await simulate(request(fleet, boundaries)), expected);
                });
            }
        });
    }
});
