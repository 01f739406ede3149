/**
 * An independent attack run from one environment into another, over exactly what a user prints: the
 * CLI is run as a process (`deploy-policy --bootstrap` per environment, `plan --offline --json`,
 * `guardrails`) over crossEnvironment/fleet.yaml (dev, prod and prod-eu in one account, prod and prod-eu
 * in one region, both copying to one vault with compliance locks, prod-eu enrolling servers that keep
 * their own instance role). Every principal of each environment, plus an outsider who may only tag and
 * a CloudWatch agent, is played against every OTHER environment's servers, snapshots, alerts, window,
 * document, function, Recycle Bin rule and vault copies, with the guardrail SCP attached. A deploy role
 * is played as holding its whole boundary: it may write any policy into the roles it manages.
 * Attacks listed in OPEN are Allowed today; they are kept as a record (each with why and a fix) so
 * that closing one fails this file until it moves out of OPEN.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PolicyDocument } from "../../components/iam";
import type { Decision } from "../iamSimulation";
import { STAR } from "./actors";
import { AWS_MANAGED_POLICIES } from "./managedPolicies";
import { simulate, type Request } from "./simulate";

const ROOT = path.join(__dirname, "..", "..");
const MANIFEST = path.join(__dirname, "crossEnvironment", "fleet.yaml");
const INVENTORY = path.join(__dirname, "crossEnvironment", "inventory.json");
const VAULT = "333333333333";
const VAULT_REGION = "eu-central-1";
const FLEET = "vss-fleet";
const SUFFIX = "-0a1b2c3";
const INSTANCES: Record<string, string> = { prod: "i-0aaaaaaaaaaaaaaaa", "prod-eu": "i-0eeeeeeeeeeeeeeee", dev: "i-0ffffffffffffffff" };
/** The tag each environment's window targets (dev has no targetTags: VSS-Snapshot=dev). */
const TARGET: Record<string, [string, string]> = {
    prod: ["Backup", "prod"],
    "prod-eu": ["Backup", "prod-eu"],
    dev: ["VSS-Snapshot", "dev"],
};

type Json = Record<string, unknown>;
interface Printed {
    readonly boot: Map<string, Json>;
    readonly plan: {
        environments: { name: string; region: string; accountId: string; resources: { type: string; name: string; inputs: Json }[] }[];
    };
    readonly guardrails: PolicyDocument;
}

function cli(...args: string[]): string {
    const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "vss-fleet.js"), ...args], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(result.status, 0, `vss-fleet ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
}

function print(manifest = MANIFEST): Printed {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-xenv-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: ${FLEET}\nruntime: nodejs\n`);
    const boot = new Map<string, Json>();
    for (const env of ["dev", "prod", "prod-eu"]) {
        boot.set(env, JSON.parse(cli("deploy-policy", manifest, "--env", env, "--bootstrap", "--project-dir", project)) as Json);
    }
    const plan = JSON.parse(cli("plan", manifest, "--offline", "--json", "--inventory", INVENTORY)) as Printed["plan"];
    const guardrails = JSON.parse(cli("guardrails", manifest)) as PolicyDocument;
    return { boot, plan, guardrails };
}

interface Actor {
    readonly who: string;
    readonly principal: string;
    readonly identityPolicies: { name: string; policy: PolicyDocument }[];
    readonly boundary?: PolicyDocument;
    /** Context every request of this actor carries (an instance's own ARN). */
    readonly context?: Record<string, string | string[]>;
}
interface Victim {
    readonly name: string;
    readonly region: string;
    readonly account: string;
    readonly topic: string;
    readonly topicDeployed: string;
    readonly alarm: string;
    readonly fn: string;
    readonly document: string;
    /** The victim's volume key and its key policy (the account's root statement and the copy grants printed by the bootstrap). */
    readonly key?: { readonly arn: string; readonly policy: PolicyDocument };
    /** The same key's policy had prod and prod-eu used one volume key (one CMK per account and region is common). */
    readonly sharedKeyPolicy?: PolicyDocument;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const doc = (v: unknown) => JSON.parse(String(v)) as PolicyDocument;

/** Every principal an environment's stack and bootstrap create, as the printed policies define them. */
function actorsOf(printed: Printed, env: string): Actor[] {
    const planned = printed.plan.environments.find((e) => e.name === env);
    assert.ok(planned, `the plan has no environment ${env}`);
    const boot = printed.boot.get(env) as Json;
    const boundaries = new Map<string, PolicyDocument>();
    const b = boot.boundary as { arn: string; policy: PolicyDocument };
    boundaries.set(b.arn, b.policy);
    const copyTargets = (boot.copyTargets ?? []) as {
        roleArn: string;
        boundary: { arn: string; policy: PolicyDocument };
        deployRole: { arn: string; policy: PolicyDocument };
    }[];
    for (const t of copyTargets) boundaries.set(t.boundary.arn, t.boundary.policy);
    const of = (type: string) => planned.resources.filter((r) => r.type === type);
    const managed = new Map<string, PolicyDocument>(Object.entries(AWS_MANAGED_POLICIES));
    // The existing roles' snapshot policy is the administrator's, printed by the bootstrap.
    const existingRoles = boot.existingRolesPolicy as { arn: string; policy: PolicyDocument } | undefined;
    if (existingRoles) managed.set(existingRoles.arn, existingRoles.policy);
    for (const p of of("aws:iam/policy:Policy")) {
        managed.set(
            `arn:aws:iam::${planned.accountId}:policy${str(p.inputs.path) ?? "/"}${str(p.inputs.name) ?? p.name}`,
            doc(p.inputs.policy),
        );
    }
    const roles = of("aws:iam/role:Role").map((r) => {
        const name = str(r.inputs.name) ?? `${r.name}${SUFFIX}`;
        const account = str(r.inputs.permissionsBoundary)?.split(":")[4] ?? planned.accountId;
        return {
            logical: r.name,
            arn: `arn:aws:iam::${account}:role${str(r.inputs.path) ?? "/"}${name}`,
            name,
            account,
            boundary: str(r.inputs.permissionsBoundary),
            policies: [] as { name: string; policy: PolicyDocument }[],
        };
    });
    const roleOf = (ref: unknown) => roles.find((r) => ref === r.logical || ref === `${r.logical}-id`);
    for (const p of of("aws:iam/rolePolicy:RolePolicy"))
        roleOf(p.inputs.role)?.policies.push({ name: p.name, policy: doc(p.inputs.policy) });
    const existing = new Map<string, { name: string; policy: PolicyDocument }[]>();
    for (const a of of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        const arn = String(a.inputs.policyArn);
        const policy = managed.get(arn);
        assert.ok(policy, `${a.name}: attaches ${arn}, which neither the plan nor the fixtures define`);
        const role = roleOf(a.inputs.role);
        if (role) role.policies.push({ name: arn, policy });
        else existing.set(String(a.inputs.role), [...(existing.get(String(a.inputs.role)) ?? []), { name: arn, policy }]);
    }
    const boundaryOf = (arn?: string) => {
        if (!arn) return undefined;
        const found = boundaries.get(arn);
        assert.ok(found, `${env}: no printed boundary ${arn}`);
        return found;
    };
    const role = (suffix: string) => {
        const r = roles.find((x) => x.logical === `${env}-${suffix}`);
        assert.ok(r, `${env} has no role ${suffix}`);
        return r;
    };
    const sessionOf = (r: (typeof roles)[number], session: string) => `arn:aws:sts::${r.account}:assumed-role/${r.name}/${session}`;
    // IAM evaluates aws:PrincipalArn of a session as its role's ARN (path included): the SCP reads it.
    const asRole = (r: (typeof roles)[number]) => ({ "aws:PrincipalArn": r.arn });
    const ownInstance = `arn:aws:ec2:${planned.region}:${planned.accountId}:instance/${INSTANCES[env]}`;
    const actors: Actor[] = [];
    actors.push({
        who: `deploy-${env} (holding its boundary)`,
        principal: `arn:aws:iam::${planned.accountId}:role/vss-fleet/${env}/attacker`,
        identityPolicies: [{ name: "star", policy: STAR }],
        boundary: b.policy,
    });
    // (A role the deploy role creates in its path is a fleet role: the SCP's fleet-role exemptions apply.)
    actors.push({
        who: `deploy-${env} (its deploy policy)`,
        principal: `arn:aws:iam::${planned.accountId}:role/vss-fleet-deploy-${env}`,
        identityPolicies: (boot.deployPolicies as { name: string; document: PolicyDocument }[]).map((p) => ({
            name: p.name,
            policy: p.document,
        })),
    });
    const instance = role("instance-role");
    actors.push({
        who: `${env} instance role`,
        principal: sessionOf(instance, INSTANCES[env]),
        identityPolicies: instance.policies,
        boundary: boundaryOf(instance.boundary),
        context: { "ec2:SourceInstanceARN": ownInstance, ...asRole(instance) },
    });
    for (const suffix of ["task-role", "lifecycle-role"]) {
        const r = role(suffix);
        actors.push({
            who: `${env} ${suffix.replace("-role", " role")}`,
            principal: sessionOf(r, "session"),
            identityPolicies: r.policies,
            boundary: boundaryOf(r.boundary),
            context: asRole(r),
        });
    }
    for (const [roleName, policies] of existing) {
        actors.push({
            who: `${env} existing instance role ${roleName}`,
            principal: `arn:aws:sts::${planned.accountId}:assumed-role/${roleName}/${INSTANCES[env]}`,
            identityPolicies: [
                ...policies,
                { name: "ssm-core", policy: AWS_MANAGED_POLICIES["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] },
            ],
            context: { "ec2:SourceInstanceARN": ownInstance, "aws:PrincipalArn": `arn:aws:iam::${planned.accountId}:role/${roleName}` },
        });
    }
    for (const t of copyTargets) {
        const r = roles.find((x) => x.arn === t.roleArn);
        assert.ok(r, `${env}: no copy-target role ${t.roleArn} in the plan`);
        actors.push({
            who: `${env} copy-target role`,
            principal: sessionOf(r, "copy"),
            identityPolicies: r.policies,
            boundary: boundaryOf(r.boundary),
            context: asRole(r),
        });
        // The vault's deploy role rewrites the copy-target role's policy at will: its power is that boundary.
        actors.push({
            who: `${env} vault deploy role (holding the copy-target boundary)`,
            principal: sessionOf(r, "rewritten"),
            identityPolicies: [{ name: "star", policy: STAR }],
            boundary: t.boundary.policy,
            context: asRole(r),
        });
        actors.push({
            who: `${env} vault deploy role (its policy)`,
            principal: t.deployRole.arn,
            identityPolicies: [{ name: "deploy", policy: t.deployRole.policy }],
        });
    }
    return actors;
}

function victimOf(printed: Printed, env: string): Victim {
    const planned = printed.plan.environments.find((e) => e.name === env);
    assert.ok(planned);
    const named = (logical: string) => {
        const r = planned.resources.find((x) => x.name === logical);
        assert.ok(r, `${env} has no ${logical}`);
        return str(r.inputs.name) ?? `${logical}${SUFFIX}`;
    };
    return {
        name: env,
        region: planned.region,
        account: planned.accountId,
        // A deployment auto-names the topic (the deploy policy's grants); the offline plan's grants to the
        // lifecycle role name the mock's ARN, without the suffix. Topic attacks are played on both names.
        topic: `${env}-lifecycle-alerts`,
        topicDeployed: named(`${env}-lifecycle-alerts`),
        alarm: named(`${env}-lifecycle-alarm-no-verified-run`),
        fn: named(`${env}-lifecycle-fn`),
        document: named(`${env}-snapshot-document`),
        key: KEYS[env] ? { arn: KEYS[env], policy: keyPolicyOf(printed, env) } : undefined,
        sharedKeyPolicy: KEYS[env] ? keyPolicyOf(printed, ...Object.keys(KEYS)) : undefined,
    };
}

/** The volumes' customer-managed keys, as fleet.yaml sets volumeKmsKeyId. */
const KEYS: Record<string, string | undefined> = {
    prod: "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111",
    "prod-eu": "arn:aws:kms:us-east-1:111111111111:key/44444444-4444-4444-4444-444444444444",
};
/** Where each environment's command output goes, as fleet.yaml sets logging. */
const OUTPUT: Record<string, { readonly s3?: string; readonly logGroup?: string }> = {
    prod: { s3: "example-prod-ssm-output/vss-fleet/prod" },
    "prod-eu": { s3: "example-prod-ssm-output/vss-fleet/prod-eu" },
    dev: { logGroup: "/vss-fleet/dev" },
};

/** A key policy as an administrator keeps it: the account's root statement plus the bootstrap's copy grants. */
function keyPolicyOf(printed: Printed, ...envs: string[]): PolicyDocument {
    const account = (printed.plan.environments.find((e) => e.name === envs[0]) as { accountId: string }).accountId;
    const grants = envs.flatMap((env) =>
        (((printed.boot.get(env) as Json).copyTargets ?? []) as { sourceKeyPolicyStatement: PolicyDocument["Statement"][number] }[]).map(
            (t) => t.sourceKeyPolicyStatement,
        ),
    );
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EnableIamPolicies",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            } as PolicyDocument["Statement"][number],
            ...grants,
        ],
    };
}

/** An attack on victim `v`, played by a principal of environment `attacker` (undefined for outsiders). */
type Attack = readonly [what: string, request: (v: Victim, attacker?: string) => Omit<Request, "principal" | "identityPolicies">];
const tagged = (v: Victim, prefix: "ec2" | "aws") => ({
    [`${prefix}:ResourceTag/vss-fleet:environment`]: v.name,
    [`${prefix}:ResourceTag/vss-fleet:fleet`]: FLEET,
});
const server = (v: Victim) => `arn:aws:ec2:${v.region}:${v.account}:instance/${INSTANCES[v.name]}`;
/** A server's tags, and its id as the instance-scoped conditions read it (`${ec2:InstanceId}`). */
const serverTags = (v: Victim) => ({ [`ec2:ResourceTag/${TARGET[v.name][0]}`]: TARGET[v.name][1], "ec2:InstanceId": INSTANCES[v.name] });
const snap = (v: Victim, region = v.region) => `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0`;
const snapTags = (v: Victim) => ({ ...tagged(v, "ec2"), "ec2:ResourceTag/AwsVssConfig": "x", "ec2:ResourceTag/AppConsistent": "true" });
const vaultCopy = (v: Victim) => ({ resource: snap(v, VAULT_REGION), resourceAccount: VAULT, context: tagged(v, "ec2") });

const ATTACKS: readonly Attack[] = [
    // Its servers.
    [
        "runs a command on its server (ssm:SendCommand)",
        (v) => ({
            action: "ssm:SendCommand",
            resource: server(v),
            context: { [`ssm:resourceTag/${TARGET[v.name][0]}`]: TARGET[v.name][1] },
        }),
    ],
    ["snapshots its server (ec2:CreateSnapshots)", (v) => ({ action: "ec2:CreateSnapshots", resource: server(v), context: serverTags(v) })],
    [
        "reads its server's user data (ec2:DescribeInstanceAttribute)",
        (v) => ({ action: "ec2:DescribeInstanceAttribute", resource: server(v), context: serverTags(v) }),
    ],
    [
        "changes its server's attributes (ec2:ModifyInstanceAttribute)",
        (v) => ({ action: "ec2:ModifyInstanceAttribute", resource: server(v), context: serverTags(v) }),
    ],
    ["stops its server (ec2:StopInstances)", (v) => ({ action: "ec2:StopInstances", resource: server(v), context: serverTags(v) })],
    [
        "drops its server from the backup (ec2:DeleteTags of the target tag)",
        (v) => ({ action: "ec2:DeleteTags", resource: server(v), context: { ...serverTags(v), "aws:TagKeys": [TARGET[v.name][0]] } }),
    ],
    // Its snapshots.
    ["deletes its snapshot (ec2:DeleteSnapshot)", (v) => ({ action: "ec2:DeleteSnapshot", resource: snap(v), context: snapTags(v) })],
    [
        "marks its snapshot AppConsistent=true (ec2:CreateTags)",
        (v) => ({
            action: "ec2:CreateTags",
            resource: snap(v),
            context: {
                ...tagged(v, "ec2"),
                "ec2:ResourceTag/AwsVssConfig": "x",
                "aws:TagKeys": ["AppConsistent"],
                "aws:RequestTag/AppConsistent": "true",
            },
        }),
    ],
    [
        "forges a window-execution provenance tag on its snapshot (ec2:CreateTags)",
        (v) => ({
            action: "ec2:CreateTags",
            resource: snap(v),
            context: {
                ...snapTags(v),
                "aws:TagKeys": ["vss-fleet:window-execution"],
                "aws:RequestTag/vss-fleet:window-execution": "forged",
            },
        }),
    ],
    [
        "removes its snapshot's environment tag (ec2:DeleteTags, escaping retention and the Recycle Bin rule)",
        (v) => ({ action: "ec2:DeleteTags", resource: snap(v), context: { ...snapTags(v), "aws:TagKeys": ["vss-fleet:environment"] } }),
    ],
    [
        "shares its snapshot with a foreign account (ec2:ModifySnapshotAttribute)",
        (v) => ({
            action: "ec2:ModifySnapshotAttribute",
            resource: snap(v),
            context: { ...snapTags(v), "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": "999999999999" },
        }),
    ],
    [
        "shares its snapshot with the vault account (ec2:ModifySnapshotAttribute)",
        (v) => ({
            action: "ec2:ModifySnapshotAttribute",
            resource: snap(v),
            context: { ...snapTags(v), "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": VAULT },
        }),
    ],
    [
        "copies its snapshot in its region, the copy tagged as the attacker's (ec2:CopySnapshot)",
        (v, attacker) => ({
            action: "ec2:CopySnapshot",
            resource: snap(v),
            context: {
                ...snapTags(v),
                "aws:RequestTag/vss-fleet:environment": attacker ?? "outsider",
                "aws:RequestTag/vss-fleet:fleet": FLEET,
            },
        }),
    ],
    [
        "copies its snapshot (shared with the vault) into the vault, the copy tagged as the attacker's (ec2:CopySnapshot)",
        (v, attacker) => ({
            action: "ec2:CopySnapshot",
            resource: snap(v),
            // The victim's lifecycle shares its snapshots with the vault account (createVolumePermission):
            // for IAM that is a resource-side grant to that account.
            resourcePolicy: {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "SharedWithTheVault",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${VAULT}:root` },
                        Action: ["ec2:CopySnapshot", "ec2:DescribeSnapshots"],
                        Resource: "*",
                    } as PolicyDocument["Statement"][number],
                ],
            },
            context: {
                ...snapTags(v),
                "aws:RequestTag/vss-fleet:environment": attacker ?? "outsider",
                "aws:RequestTag/vss-fleet:fleet": FLEET,
            },
        }),
    ],
    [
        "locks its snapshot for 30 days (ec2:LockSnapshot)",
        (v) => ({ action: "ec2:LockSnapshot", resource: snap(v), context: { ...snapTags(v), "ec2:SnapshotLockDuration": "30" } }),
    ],
    ["unlocks its snapshot (ec2:UnlockSnapshot)", (v) => ({ action: "ec2:UnlockSnapshot", resource: snap(v), context: snapTags(v) })],
    // Its alerts.
    ...(["topic", "topicDeployed"] as const).flatMap((name): Attack[] => [
        [
            `publishes to its topic (sns:Publish, ${name})`,
            (v) => ({ action: "sns:Publish", resource: `arn:aws:sns:${v.region}:${v.account}:${v[name]}`, context: tagged(v, "aws") }),
        ],
        [
            `subscribes to its topic (sns:Subscribe, ${name})`,
            (v) => ({ action: "sns:Subscribe", resource: `arn:aws:sns:${v.region}:${v.account}:${v[name]}`, context: tagged(v, "aws") }),
        ],
        [
            `rewrites its topic (sns:SetTopicAttributes, ${name})`,
            (v) => ({
                action: "sns:SetTopicAttributes",
                resource: `arn:aws:sns:${v.region}:${v.account}:${v[name]}`,
                context: tagged(v, "aws"),
            }),
        ],
    ]),
    [
        "publishes its heartbeat metric (cloudwatch:PutMetricData to its namespace)",
        (v) => ({
            action: "cloudwatch:PutMetricData",
            resource: "*",
            resourceAccount: v.account,
            context: { "cloudwatch:namespace": `VssFleet/${v.name}` },
        }),
    ],
    [
        "silences its dead-man alarm (cloudwatch:DisableAlarmActions)",
        (v) => ({
            action: "cloudwatch:DisableAlarmActions",
            resource: `arn:aws:cloudwatch:${v.region}:${v.account}:alarm:${v.alarm}`,
            context: tagged(v, "aws"),
        }),
    ],
    [
        "deletes its dead-man alarm (cloudwatch:DeleteAlarms)",
        (v) => ({
            action: "cloudwatch:DeleteAlarms",
            resource: `arn:aws:cloudwatch:${v.region}:${v.account}:alarm:${v.alarm}`,
            context: tagged(v, "aws"),
        }),
    ],
    // Its window and document.
    [
        "disables its maintenance window (ssm:UpdateMaintenanceWindow)",
        (v) => ({
            action: "ssm:UpdateMaintenanceWindow",
            resource: `arn:aws:ssm:${v.region}:${v.account}:maintenancewindow/mw-0123456789abcdef0`,
            context: tagged(v, "aws"),
        }),
    ],
    [
        "registers a target with its window (ssm:RegisterTargetWithMaintenanceWindow)",
        (v) => ({
            action: "ssm:RegisterTargetWithMaintenanceWindow",
            resource: `arn:aws:ssm:${v.region}:${v.account}:maintenancewindow/mw-0123456789abcdef0`,
            context: tagged(v, "aws"),
        }),
    ],
    [
        "rewrites its document (ssm:UpdateDocument)",
        (v) => ({
            action: "ssm:UpdateDocument",
            resource: `arn:aws:ssm:${v.region}:${v.account}:document/${v.document}`,
            context: tagged(v, "aws"),
        }),
    ],
    // Its function.
    [
        "replaces its function's code (lambda:UpdateFunctionCode)",
        (v) => ({
            action: "lambda:UpdateFunctionCode",
            resource: `arn:aws:lambda:${v.region}:${v.account}:function:${v.fn}`,
            context: tagged(v, "aws"),
        }),
    ],
    [
        "invokes its function (lambda:InvokeFunction)",
        (v) => ({
            action: "lambda:InvokeFunction",
            resource: `arn:aws:lambda:${v.region}:${v.account}:function:${v.fn}`,
            context: tagged(v, "aws"),
        }),
    ],
    // Its Recycle Bin rule.
    ...(["rbin:DeleteRule", "rbin:UpdateRule", "rbin:UnlockRule"] as const).map((action): Attack => [
        `${action === "rbin:DeleteRule" ? "deletes" : action === "rbin:UpdateRule" ? "shortens" : "unlocks"} its Recycle Bin rule (${action})`,
        (v) => ({
            action,
            resource: `arn:aws:rbin:${v.region}:${v.account}:rule/a1b2c3d4e5f`,
            context: { ...tagged(v, "aws"), "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" },
        }),
    ]),
    // Its copies in the vault.
    // Its command output and logs.
    [
        "overwrites its servers' command output",
        (v) =>
            OUTPUT[v.name].s3
                ? {
                      action: "s3:PutObject",
                      resource: `arn:aws:s3:::${OUTPUT[v.name].s3}/${INSTANCES[v.name]}/stdout`,
                      context: { "s3:ResourceAccount": v.account },
                  }
                : {
                      action: "logs:PutLogEvents",
                      resource: `arn:aws:logs:${v.region}:${v.account}:log-group:${OUTPUT[v.name].logGroup}:log-stream:${INSTANCES[v.name]}`,
                  },
    ],
    [
        "forges its lifecycle function's log (logs:PutLogEvents)",
        (v) => ({
            action: "logs:PutLogEvents",
            resource: `arn:aws:logs:${v.region}:${v.account}:log-group:/vss-fleet/${v.name}/lifecycle:log-stream:forged`,
        }),
    ],
    // Its volume key (copies to another account are granted in the key policy).
    [
        "decrypts its volumes through EC2 (kms:Decrypt on its volume key)",
        (v) => ({
            action: "kms:Decrypt",
            resource: v.key?.arn ?? "",
            resourcePolicy: v.key?.policy,
            context: { "kms:ViaService": `ec2.${v.region}.amazonaws.com` },
        }),
    ],
    [
        "decrypts its volumes through EC2 had the environments shared one volume key (kms:Decrypt on that key)",
        // One key for both: the victim's snapshots are encrypted with the attacker's volume key, whose
        // policy then holds both environments' copy grants.
        (v, attacker) => ({
            action: "kms:Decrypt",
            resource: (attacker && KEYS[attacker]) || (v.key?.arn ?? ""),
            resourcePolicy: v.sharedKeyPolicy,
            context: { "kms:ViaService": `ec2.${v.region}.amazonaws.com` },
        }),
    ],
    [
        "grants itself its volume key through EC2 (kms:CreateGrant)",
        (v) => ({
            action: "kms:CreateGrant",
            resource: v.key?.arn ?? "",
            resourcePolicy: v.key?.policy,
            context: { "kms:ViaService": `ec2.${v.region}.amazonaws.com` },
        }),
    ],
    ["deletes its copy in the vault (ec2:DeleteSnapshot)", (v) => ({ action: "ec2:DeleteSnapshot", ...vaultCopy(v) })],
    ["unlocks its copy in the vault (ec2:UnlockSnapshot)", (v) => ({ action: "ec2:UnlockSnapshot", ...vaultCopy(v) })],
    ["shares its copy out of the vault (ec2:ModifySnapshotAttribute)", (v) => ({ action: "ec2:ModifySnapshotAttribute", ...vaultCopy(v) })],
    [
        "removes its copy's environment tag in the vault (ec2:DeleteTags)",
        (v) => ({ action: "ec2:DeleteTags", ...vaultCopy(v), context: { ...tagged(v, "ec2"), "aws:TagKeys": ["vss-fleet:environment"] } }),
    ],
    [
        "deletes the vault's Recycle Bin rule for it (rbin:DeleteRule)",
        (v) => ({
            action: "rbin:DeleteRule",
            resource: `arn:aws:rbin:${VAULT_REGION}:${VAULT}:rule/v1b2c3d4e5f`,
            resourceAccount: VAULT,
            context: { ...tagged(v, "aws"), "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" },
        }),
    ],
];

/** Attacks that target the vault only make sense for victims that copy there. */
const VAULT_ATTACK = /vault|volume key/;

/** Outsiders in the fleet's account: no environment, a narrow grant each. */
const OUTSIDERS: readonly Actor[] = [
    {
        who: "an outsider with only ec2:CreateTags/DeleteTags",
        principal: "arn:aws:iam::111111111111:role/app-team/tagger",
        identityPolicies: [
            {
                name: "tags",
                policy: {
                    Version: "2012-10-17",
                    Statement: [{ Sid: "Tags", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "*" }],
                },
            },
        ],
    },
    {
        who: "a CloudWatch agent (CloudWatchAgentServerPolicy)",
        principal: "arn:aws:sts::111111111111:assumed-role/app-servers/i-0123456789abcdef0",
        context: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-servers" },
        identityPolicies: [
            {
                name: "CloudWatchAgentServerPolicy",
                policy: {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "CWACloudWatchServerPermissions",
                            Effect: "Allow",
                            Action: [
                                "cloudwatch:PutMetricData",
                                "ec2:DescribeVolumes",
                                "ec2:DescribeTags",
                                "logs:PutLogEvents",
                                "logs:DescribeLogStreams",
                                "logs:DescribeLogGroups",
                                "logs:CreateLogStream",
                                "logs:CreateLogGroup",
                                "xray:PutTraceSegments",
                            ],
                            Resource: "*",
                        },
                        {
                            Sid: "CWASSMServerPermissions",
                            Effect: "Allow",
                            Action: ["ssm:GetParameter"],
                            Resource: "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*",
                        },
                    ],
                },
            },
        ],
    },
];
/** The outsiders' own attacks: their grants reach nothing else. */
const OUTSIDER_ATTACKS: readonly Attack[] = [
    [
        "enrolls a database server into its backup (ec2:CreateTags of the target tag)",
        (v) => ({
            action: "ec2:CreateTags",
            resource: `arn:aws:ec2:${v.region}:${v.account}:instance/i-0dddddddddddddddd`,
            context: { "aws:TagKeys": [TARGET[v.name][0]], [`aws:RequestTag/${TARGET[v.name][0]}`]: TARGET[v.name][1] },
        }),
    ],
    ...ATTACKS.filter(([what]) => /target tag|AppConsistent|provenance|environment tag|heartbeat/.test(what)),
];

/** The environment's own roles doing their own jobs, under the same boundary and SCP: still Allowed. */
const CONTROLS: readonly (readonly [
    env: string,
    actor: RegExp,
    what: string,
    request: (v: Victim) => Omit<Request, "principal" | "identityPolicies">,
])[] = [
    [
        "prod",
        /^prod task role$/,
        "the window's task runs the snapshot command on its enrolled server",
        (v) => ({ action: "ssm:SendCommand", resource: server(v), context: { "ssm:resourceTag/Backup": "prod" } }),
    ],
    [
        "prod",
        /^prod instance role$/,
        "an enrolled server snapshots its own disks",
        (v) => ({ action: "ec2:CreateSnapshots", resource: server(v), context: serverTags(v) }),
    ],
    [
        "prod",
        /^prod instance role$/,
        "an enrolled server reads its own attributes",
        (v) => ({ action: "ec2:DescribeInstanceAttribute", resource: server(v), context: serverTags(v) }),
    ],
    [
        "prod",
        /^prod lifecycle role$/,
        "the lifecycle function deletes an expired snapshot of its environment",
        (v) => ({ action: "ec2:DeleteSnapshot", resource: snap(v), context: snapTags(v) }),
    ],
    [
        "prod",
        /^prod lifecycle role$/,
        "the lifecycle function publishes its heartbeat",
        (v) => ({ action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": `VssFleet/${v.name}` } }),
    ],
    // Not judged here: the lifecycle role alerting its topic. The offline plan names the mock's topic ARN
    // (no auto-name suffix) while the boundary names the deployed one (prod-lifecycle-alerts-*).
    [
        "prod",
        /^prod copy-target role$/,
        "the copy-target role copies a snapshot into the vault tagged for its environment",
        (v) => ({
            action: "ec2:CopySnapshot",
            resource: snap(v, VAULT_REGION),
            resourceAccount: VAULT,
            context: { "aws:RequestTag/vss-fleet:environment": v.name, "aws:RequestTag/vss-fleet:fleet": FLEET },
        }),
    ],
    [
        "prod",
        /^deploy-prod \(its deploy policy\)$/,
        "the deploy role updates its own window",
        (v) => ({
            action: "ssm:UpdateMaintenanceWindow",
            resource: `arn:aws:ssm:${v.region}:${v.account}:maintenancewindow/mw-0123456789abcdef0`,
            context: tagged(v, "aws"),
        }),
    ],
    [
        "prod",
        /^prod instance role$/,
        "an enrolled server writes its command output",
        (v) => ({
            action: "s3:PutObject",
            resource: `arn:aws:s3:::${OUTPUT[v.name].s3}/${INSTANCES[v.name]}/stdout`,
            context: { "s3:ResourceAccount": v.account },
        }),
    ],
    [
        "prod",
        /^prod copy-target role$/,
        "the copy-target role reads the source key through EC2 (cross-account, by the key policy)",
        (v) => ({
            action: "kms:Decrypt",
            resource: v.key?.arn ?? "",
            resourceAccount: v.account,
            resourcePolicy: v.key?.policy,
            context: { "kms:ViaService": `ec2.${v.region}.amazonaws.com` },
        }),
    ],
    [
        "prod-eu",
        /^prod-eu existing instance role ReportServers$/,
        "a server on an existing role marks its own VSS snapshot AppConsistent under the SCP",
        (v) => ({
            action: "ec2:CreateTags",
            resource: snap(v),
            context: {
                ...tagged(v, "ec2"),
                "ec2:ResourceTag/AwsVssConfig": "x",
                "ec2:ResourceTag/vss-fleet:instance-id": INSTANCES[v.name],
                "aws:TagKeys": ["AppConsistent"],
                "aws:RequestTag/AppConsistent": "true",
            },
        }),
    ],
];

/**
 * Allowed today, by "<actor> -> <victim>: <attack>". Each says why and proposes a fix; the test asserts
 * Allowed so that closing one is noticed (move it out of here then).
 */
const SOURCE_NOT_CONDITIONED =
    "open: the copy-target role's CopySnapshot grant (CopyOnlyIntoEnvironmentTaggedSnapshots) conditions only the new copy's request tags, " +
    "not the source: every snapshot shared with the vault account is copyable, and prod and prod-eu both share theirs with it. With distinct volume keys " +
    "EC2 then fails on the source key (the key policy grants the vault only to the environment's own copy-target role: the kms attacks are denied); " +
    "with one key for both (validate accepts it) the copy succeeds and another environment's disks land in the vault tagged as the attacker's, " +
    "under its retention and its deletes. Fix: condition the source-region statement on ec2:ResourceTag/vss-fleet:environment = the environment " +
    "(to verify that EC2 evaluates the owner's tags of a shared snapshot; otherwise refuse environments of one account that copy to one account " +
    "from one volumeKmsKeyId, at validate).";
const ONE_KEY_FOR_TWO =
    "closed at validate (sharedPlaces.test.ts refuses the manifest), kept as the hypothetical it prevents: had prod and prod-eu shared one volume key, the key policy then grants the vault account through " +
    "both copy-target roles, and each role's boundary grants that key, so either decrypts the other's snapshots through EC2. Together with the " +
    "CopySnapshot entry above this is a working path. Fix: validate refuses two environments copying to one account from one volumeKmsKeyId " +
    "(or the key grant carries an encryption-context condition EBS cannot give, so: refuse).";
const OPEN: Record<string, string> = {
    "prod copy-target role -> prod-eu: copies its snapshot (shared with the vault) into the vault, the copy tagged as the attacker's (ec2:CopySnapshot)":
        SOURCE_NOT_CONDITIONED,
    "prod copy-target role -> prod-eu: decrypts its volumes through EC2 had the environments shared one volume key (kms:Decrypt on that key)":
        ONE_KEY_FOR_TWO,
    "prod vault deploy role (holding the copy-target boundary) -> prod-eu: copies its snapshot (shared with the vault) into the vault, the copy tagged as the attacker's (ec2:CopySnapshot)":
        SOURCE_NOT_CONDITIONED,
    "prod vault deploy role (holding the copy-target boundary) -> prod-eu: decrypts its volumes through EC2 had the environments shared one volume key (kms:Decrypt on that key)":
        ONE_KEY_FOR_TWO,
    "prod-eu copy-target role -> prod: copies its snapshot (shared with the vault) into the vault, the copy tagged as the attacker's (ec2:CopySnapshot)":
        SOURCE_NOT_CONDITIONED,
    "prod-eu copy-target role -> prod: decrypts its volumes through EC2 had the environments shared one volume key (kms:Decrypt on that key)":
        ONE_KEY_FOR_TWO,
    "prod-eu vault deploy role (holding the copy-target boundary) -> prod: copies its snapshot (shared with the vault) into the vault, the copy tagged as the attacker's (ec2:CopySnapshot)":
        SOURCE_NOT_CONDITIONED,
    "prod-eu vault deploy role (holding the copy-target boundary) -> prod: decrypts its volumes through EC2 had the environments shared one volume key (kms:Decrypt on that key)":
        ONE_KEY_FOR_TWO,
};

describe("independent attack run: no path from one environment into another's (IAM simulation over the CLI's printed policies)", function () {
    this.timeout(120_000);
    let printed: Printed;
    const results: { key: string; decision: Decision }[] = [];
    before(() => {
        printed = print();
    });
    after(() => {
        const allowed = results.filter((r) => r.decision === "Allowed");
        // A summary for the report and docs/iam.md: N attacks, M denied, K allowed.
        console.log(
            `      cross-environment attacks: ${results.length}, denied ${results.length - allowed.length}, allowed ${allowed.length}`,
        );
        for (const r of allowed) console.log(`        ALLOWED ${r.key}`);
    });

    const ENVS = ["dev", "prod", "prod-eu"];
    const copiesToVault = (env: string) => env !== "dev";
    const play = async (actor: Actor, attack: Attack, victim: Victim, attacker?: string) => {
        const request = attack[1](victim, attacker);
        return simulate({
            principal: actor.principal,
            identityPolicies: actor.identityPolicies,
            boundary: actor.boundary,
            scps: [printed.guardrails],
            ...request,
            // The victim's account owns its resources, unless the attack names another (the vault).
            resourceAccount: request.resourceAccount ?? victim.account,
            context: { ...(actor.context ?? {}), ...(request.context ?? {}) },
        });
    };
    const check = async (key: string, decision: Decision) => {
        results.push({ key, decision });
        if (key in OPEN) {
            assert.strictEqual(decision, "Allowed", `${key} is listed as open but is now ${decision}: move it out of OPEN`);
        } else {
            assert.notStrictEqual(decision, "Allowed", `${key}: Allowed`);
        }
    };

    for (const attacker of ENVS) {
        for (const victimName of ENVS.filter((e) => e !== attacker)) {
            describe(`${attacker} against ${victimName}`, () => {
                // Actors are known only once the CLI has printed; one `it` per attack and actor kind.
                for (const [what] of ATTACKS.filter(([w]) => copiesToVault(victimName) || !VAULT_ATTACK.test(w))) {
                    it(what, async () => {
                        const attack = ATTACKS.find(([w]) => w === what) as Attack;
                        const victim = victimOf(printed, victimName);
                        const failures: string[] = [];
                        for (const actor of actorsOf(printed, attacker)) {
                            const key = `${actor.who} -> ${victimName}: ${what}`;
                            try {
                                await check(key, await play(actor, attack, victim, attacker));
                            } catch (e) {
                                failures.push((e as Error).message);
                            }
                        }
                        assert.deepStrictEqual(failures, []);
                    });
                }
            });
        }
    }
    it("the harness sees an open path: the boundary printed before round 4 lets prod's deploy role run commands on prod-eu's server", async () => {
        // test/security/before/boundary-prod.json was printed for fleet.yaml's prod: same name, account and region.
        const before = JSON.parse(fs.readFileSync(path.join(__dirname, "before", "boundary-prod.json"), "utf8")) as PolicyDocument;
        const prodDeploy = actorsOf(printed, "prod").find((a) => a.who === "deploy-prod (holding its boundary)") as Actor;
        const sendCommand = ATTACKS.find(([w]) => w.startsWith("runs a command on its server")) as Attack;
        assert.strictEqual(await play({ ...prodDeploy, boundary: before }, sendCommand, victimOf(printed, "prod-eu")), "Allowed");
        assert.notStrictEqual(await play(prodDeploy, sendCommand, victimOf(printed, "prod-eu")), "Allowed");
    });
    describe("must still work: each environment's own roles on their own jobs", () => {
        for (const [env, who, what, request] of CONTROLS) {
            it(`${env}: ${what}`, async () => {
                const actor = actorsOf(printed, env).find((a) => who.test(a.who));
                assert.ok(actor, `${env} has no actor ${String(who)}`);
                assert.strictEqual(await play(actor, ["control", request], victimOf(printed, env)), "Allowed");
            });
        }
    });
    for (const outsider of OUTSIDERS) {
        for (const victimName of ENVS) {
            describe(`${outsider.who} against ${victimName}`, () => {
                for (const attack of OUTSIDER_ATTACKS) {
                    it(attack[0], async () => {
                        await check(
                            `${outsider.who} -> ${victimName}: ${attack[0]}`,
                            await play(outsider, attack, victimOf(printed, victimName)),
                        );
                    });
                }
            });
        }
    }
    describe("a logging prefix nested in another environment's", () => {
        // With prod writing under `vss-fleet` and prod-eu under `vss-fleet/prod-eu` of one bucket, the instance
        // role's grant <bucket>/<prefix>/* would cover the other's output: validate refuses such a manifest.
        it("is refused by validate, so no such policies are ever printed", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-xenv-nested-"));
            const file = path.join(dir, "fleet.yaml");
            fs.writeFileSync(file, fs.readFileSync(MANIFEST, "utf8").replace("s3KeyPrefix: vss-fleet/prod }", "s3KeyPrefix: vss-fleet }"));
            const child = spawnSync(process.execPath, [path.join(ROOT, "bin", "vss-fleet.js"), "validate", file], { encoding: "utf8" });
            fs.rmSync(dir, { recursive: true });
            assert.strictEqual(child.status, 2, child.stdout + child.stderr);
            assert.match(
                child.stderr,
                /environments\.prod-eu\.logging\.s3KeyPrefix: command output goes to 'vss-fleet\/prod-eu' of bucket example-prod-ssm-output, and environment 'prod' writes to 'vss-fleet' of it/,
            );
        });
    });
});
