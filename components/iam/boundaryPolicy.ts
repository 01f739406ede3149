/**
 * The permissions boundary every role of an environment carries: the union of the statements of the
 * fleet's own roles (instance, window task, notification, lifecycle function), conditions and all,
 * and nothing else. A role's effective rights are its policies AND this boundary, so whatever a
 * compromised deploy role writes into a fleet role's policies (an inline "*:*" included), or whatever
 * code it deploys into the function, reaches no further than the capped roles already do: SendCommand
 * only to instances carrying the target tags, snapshots only of the caller's own instance, tags only
 * inside a create call or on the environment's own snapshots, the configured bucket and log groups,
 * the environment's topics and drill volumes as the manifest sizes them.
 *
 * It names no resource whose ARN only a deployment knows: a topic's, function's or document's random
 * suffix is a `*` after the name the stack gives it, so an administrator applies it once per
 * environment, before the first deploy, and again only when the manifest or a vss-fleet upgrade
 * changes it (`vss-fleet deploy-policy --bootstrap` prints it).
 */
import type { Engine } from "../../core/environment";
import { type ProtectionConfig } from "../../core/lifecycle/functionConfig";
import { childName, iamPath, lifecycleFunctionPrefix } from "../naming";
import { instanceSnapshotPolicy, type InstancePolicyInput } from "./instancePolicy";
import { invokeLifecyclePolicy, lifecycleLogGroupName, lifecyclePolicy } from "./lifecyclePolicy";
import { arn, policyDocument, type ArnScope, type PolicyDocument, type Statement } from "./policyDocument";
import { notificationPublishPolicy, taskRolePolicy } from "./taskPolicy";

export interface BoundaryPolicyInput extends ArnScope {
    readonly environment: string;
    readonly fleet: string;
    readonly engine: Engine;
    /** The tags whose carriers the window's task may send its document to (spec.targetTags, resolved). */
    readonly targetTags: Readonly<Record<string, string>>;
    readonly logging?: InstancePolicyInput["logging"];
    /** Run Command's status topic (notifications.snsTopicArn). */
    readonly notificationTopicArn?: string;
    /** Omitted: the environment deploys no lifecycle function, and the boundary grants none of its rights. */
    readonly lifecycle?: {
        /** The existing topic the manifest names; omitted, the topic the stack creates. */
        readonly existingTopicArn?: string;
        readonly alertTopicKmsKeyArn?: string;
        readonly retention: boolean;
        readonly restoreDrill: boolean;
        readonly maxDrillVolumeGiB?: number;
        /** Copies, locks and archive (protectionConfig(spec)): the lifecycle role's grants for them, admitted as they are. */
        readonly protection?: ProtectionConfig;
    };
}

/** What AmazonSSMManagedInstanceCore grants, action by action: the agent's channel to Systems Manager. */
export const SSM_AGENT_ACTIONS: readonly string[] = [
    "ssm:DescribeAssociation",
    "ssm:GetDeployablePatchSnapshotForInstance",
    "ssm:GetDocument",
    "ssm:DescribeDocument",
    "ssm:GetManifest",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:ListAssociations",
    "ssm:ListInstanceAssociations",
    "ssm:PutInventory",
    "ssm:PutComplianceItems",
    "ssm:PutConfigurePackageResult",
    "ssm:UpdateAssociationStatus",
    "ssm:UpdateInstanceAssociationStatus",
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
];

/** The parameters the agent may read through the boundary: the environment's own, and AWS's public ones. */
export const PARAMETER_ACTIONS: readonly string[] = ["ssm:GetParameter", "ssm:GetParameters"];

/** The alert topic the stack creates is auto-named "<env>-lifecycle-alerts-<random>". */
export function createdAlertTopicPattern(scope: ArnScope, environment: string): string {
    return arn(scope, "sns", `${childName(environment, "lifecycle-alerts")}-*`);
}

/** The document the stack creates is auto-named "<env>-snapshot-document-<random>". */
export function snapshotDocumentPattern(environment: string): string {
    return `${childName(environment, "snapshot-document")}*`;
}

export function permissionsBoundaryPolicy(input: BoundaryPolicyInput): PolicyDocument {
    const env = input.environment;
    const scope: ArnScope = { partition: input.partition, region: input.region, accountId: input.accountId };
    const parts: [role: string, statements: readonly Statement[]][] = [
        ["Agent", agentStatements(input)],
        ["Instance", instanceStatements(input)],
        [
            "Task",
            taskRolePolicy({
                ...scope,
                documentName: snapshotDocumentPattern(env),
                targetTags: input.targetTags,
                // Its notification role, in the environment's path; the task's policy names it exactly.
                notificationRoleArn: input.notificationTopicArn
                    ? `arn:${input.partition}:iam::${input.accountId}:role${iamPath(env)}*`
                    : undefined,
            }).Statement,
        ],
        ["Notify", input.notificationTopicArn ? notificationPublishPolicy(input.notificationTopicArn).Statement : []],
    ];
    const lc = input.lifecycle;
    if (lc) {
        parts.push(
            [
                "Lifecycle",
                lifecyclePolicy({
                    ...scope,
                    environment: env,
                    fleet: input.fleet,
                    alertTopicArn: lc.existingTopicArn ?? createdAlertTopicPattern(scope, env),
                    logGroupName: lifecycleLogGroupName(env),
                    retention: lc.retention,
                    restoreDrill: lc.restoreDrill,
                    maxDrillVolumeGiB: lc.maxDrillVolumeGiB,
                    alertTopicKmsKeyArn: lc.alertTopicKmsKeyArn,
                    protection: lc.protection,
                }).Statement,
            ],
            ["Task", invokeLifecyclePolicy(arn(scope, "lambda", `function:${lifecycleFunctionPrefix(env)}*`)).Statement],
        );
    }
    const statements = compactStatements(parts.flatMap(([, list]) => list));
    return policyDocument(statements);
}

/**
 * AmazonSSMManagedInstanceCore's actions, except the parameter reads it grants on "*": through the
 * boundary only the environment's own parameters (none today) and AWS's public ones (/aws/service/...;
 * not /aws/reference/, which reads Secrets Manager).
 */
function agentStatements(scope: ArnScope & { readonly environment: string }): Statement[] {
    return [
        {
            // ssmmessages:* and ec2messages:* are the agent's channel actions, all of them (IAM's catalogue).
            Sid: "Channel",
            Effect: "Allow",
            Action: [
                ...SSM_AGENT_ACTIONS.filter((a) => a.startsWith("ssm:") && !PARAMETER_ACTIONS.includes(a)),
                "ssmmessages:*",
                "ec2messages:*",
            ],
            Resource: "*",
        },
        {
            Sid: "OwnAndPublicParameters",
            Effect: "Allow",
            Action: [...PARAMETER_ACTIONS],
            Resource: [
                arn(scope, "ssm", `parameter${iamPath(scope.environment)}*`),
                arn(scope, "ssm", "parameter/aws/service/*", { account: false }),
            ],
        },
    ];
}

/**
 * The instance role's allows. Its denials (no drill tags, no AppConsistent=true at creation, no other
 * instance's id) stay in the instance role's own policy: they keep one instance from forging tags
 * within its environment, which the lifecycle function's own grants (drill stamps, copies that carry
 * the instance-id tag) must not be denied, and every allow they narrow is scoped to the environment.
 */
function instanceStatements(input: BoundaryPolicyInput): Statement[] {
    const policy = instanceSnapshotPolicy({
        partition: input.partition,
        region: input.region,
        accountId: input.accountId,
        environment: input.environment,
        engine: input.engine,
        logging: input.logging,
    });
    return policy.Statement.filter((s) => s.Effect === "Allow");
}

/** IAM's limit on a managed policy, whitespace not counted; a role carries exactly one boundary. */
export const BOUNDARY_MAX_CHARACTERS = 6144;

/**
 * The same grants, written to fit BOUNDARY_MAX_CHARACTERS, in passes that each join statements which
 * differ in one respect only: tagging inside a create call (ec2:CreateAction) over the resources of
 * all create calls (a call creates only its own resource type); tag statements that differ only in
 * the tag keys they admit; statements that differ only in their actions; S3 statements that differ
 * only in actions and resources (an object action on a bucket ARN, or the reverse, matches nothing).
 * No Sids: the builders name them.
 */
export function compactStatements(statements: readonly Statement[]): Statement[] {
    const createCalls = statements.filter(isCreateCallTagging);
    let out: Mutable[] = statements.filter((s) => !isCreateCallTagging(s)).map((s) => structuredClone(s) as Mutable);
    if (createCalls.length > 0) {
        const actions = unique(createCalls.flatMap((s) => list(s.Condition?.StringEquals["ec2:CreateAction"])));
        out.unshift({
            Sid: "",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: unique(createCalls.flatMap((s) => list(s.Resource))),
            Condition: { StringEquals: { "ec2:CreateAction": actions } },
        });
    }
    const TAG_KEYS = "ForAllValues:StringEquals";
    out = join(
        out,
        (s) =>
            s.Condition?.[TAG_KEYS] ? JSON.stringify([s.Effect, s.Action, s.Resource, { ...s.Condition, [TAG_KEYS]: null }]) : undefined,
        (into, s) => {
            const keys = unique([...list(into.Condition?.[TAG_KEYS]["aws:TagKeys"]), ...list(s.Condition?.[TAG_KEYS]["aws:TagKeys"])]);
            into.Condition = { ...into.Condition, [TAG_KEYS]: { "aws:TagKeys": keys } };
        },
    );
    out = join(
        out,
        (s) => JSON.stringify([s.Effect, s.Resource, s.Condition ?? null]),
        (into, s) => (into.Action = unique([...list(into.Action), ...list(s.Action)])),
    );
    out = join(
        out,
        (s) => (list(s.Action).every((a) => a.startsWith("s3:")) ? JSON.stringify([s.Effect, s.Condition ?? null]) : undefined),
        (into, s) => {
            into.Action = unique([...list(into.Action), ...list(s.Action)]);
            into.Resource = unique([...list(into.Resource), ...list(s.Resource)]);
        },
    );
    return out.map(({ Sid: _sid, ...s }) => {
        const actions = abbreviate(list(s.Action));
        return { ...s, Action: actions.length === 1 ? actions[0] : actions } as Statement;
    });
}

/** Action wildcards that match exactly the listed actions and no other (IAM's authorization catalogue). */
export const EXACT_WILDCARDS: Readonly<Record<string, readonly string[]>> = {
    "ssm:DescribeMaintenanceWindowExecution*": [
        "ssm:DescribeMaintenanceWindowExecutions",
        "ssm:DescribeMaintenanceWindowExecutionTasks",
        "ssm:DescribeMaintenanceWindowExecutionTaskInvocations",
    ],
    "ssm:ListCommand*": ["ssm:ListCommands", "ssm:ListCommandInvocations"],
};

function abbreviate(actions: readonly string[]): string[] {
    let out = [...actions];
    for (const [wildcard, exact] of Object.entries(EXACT_WILDCARDS)) {
        if (exact.every((a) => out.includes(a))) {
            out = [...out.filter((a) => !exact.includes(a)), wildcard];
        }
    }
    return out;
}

/** One pass: statements with the same key (undefined: left alone) are joined into the first of them. */
function join(statements: Mutable[], keyOf: (s: Statement) => string | undefined, into: (first: Mutable, s: Statement) => void): Mutable[] {
    const first = new Map<string, Mutable>();
    const out: Mutable[] = [];
    for (const s of statements) {
        const key = keyOf(s);
        const target = key === undefined ? undefined : first.get(key);
        if (target) {
            into(target, s);
        } else {
            if (key !== undefined) {
                first.set(key, s);
            }
            out.push(s);
        }
    }
    return out;
}

type Mutable = { -readonly [K in keyof Statement]: Statement[K] };
const list = (value: string | readonly string[] | undefined): string[] =>
    value === undefined ? [] : typeof value === "string" ? [value] : [...value];
const unique = (values: readonly string[]) => [...new Set(values)];

function isCreateCallTagging(s: Statement): boolean {
    const condition = s.Condition ?? {};
    return (
        s.Effect === "Allow" &&
        s.Action === "ec2:CreateTags" &&
        Object.keys(condition).length === 1 &&
        Object.keys(condition.StringEquals ?? {}).join() === "ec2:CreateAction"
    );
}
