/**
 * EnvironmentSpec: one environment's backup settings. The single schema behind the stack config,
 * the fleet manifest and the policy pack: types, defaults, validation and JSON Schema all come from
 * the zod definition below, so they cannot drift apart.
 */
import { z } from "zod";
import * as aws from "./aws";
import { AWS_LIMIT_CHECKS } from "./awsLimits";
import { archiveSchema, copyDestinationSchema, copyProblems, lockSchema, protectionSummary } from "./protection";
import { regionSchema } from "./regions";
import { scheduleKind, scheduleProblem } from "./schedule";
import { deadManHours } from "./scheduleGap";
import { neverRunsProblem, scheduleLengthProblem } from "./scheduleRuns";
import { snapshotTagKeyProblem, tagKeyProblem, tagValueProblem } from "./tags";
import { hasTiers, tiersText } from "../lifecycle/tiers";

export const DEFAULT_SCHEDULE = "cron(0 4 ? * * *)";
/** The tag key that selects an environment's instances when it names no targetTags of its own. */
export const DEFAULT_TARGET_TAG_KEY = "VSS-Snapshot";
export const ENGINES = ["aws-vss", "diskshadow"] as const;
export type Engine = (typeof ENGINES)[number];
/** Run Command notification events (SSM NotificationConfig.NotificationEvents). */
export const NOTIFICATION_EVENTS = ["All", "InProgress", "Success", "TimedOut", "Cancelled", "Failed"] as const;

const tagKey = z.string().superRefine((key, ctx) => {
    const problem = tagKeyProblem(key);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});
/** Snapshot tag keys also must not collide with the keys vss-fleet and AWS VSS write themselves. */
const snapshotTagKey = tagKey.superRefine((key, ctx) => {
    const problem = snapshotTagKeyProblem(key);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});
const tagValue = z.string().superRefine((value, ctx) => {
    const problem = tagValueProblem(value);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});
/** SSM patterns are strings, but YAML turns `maxErrors: 10` into a number; accept both. */
const countOrPercent = (pattern: RegExp, what: string) => {
    const message = `${what} must be a count such as 10 or a percentage such as 10%`;
    return z
        .union([z.string(), z.int().nonnegative({ message })], { message })
        .transform(String)
        .refine((text) => pattern.test(text), { message });
};

const vssOptions = z
    .strictObject({
        excludeBootVolume: z.boolean().default(false).describe("Leave the boot volume out of the snapshot set."),
        noWriters: z.boolean().default(false).describe("Exclude application VSS writers (crash-consistent)."),
        copyOnly: z.boolean().default(false).describe("Copy-only backup: keep SQL Server's differential chain."),
        saveVssMetadata: z.boolean().default(false).describe("Save VSS metadata files with the snapshots."),
    })
    .refine((vss) => !(vss.saveVssMetadata && vss.noWriters), {
        message: "saveVssMetadata needs application writers; it cannot be combined with noWriters",
        path: ["saveVssMetadata"],
    });

const SNS_TOPIC_ARN_MESSAGE = "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>";

/** Who hears the lifecycle's alerts: one endpoint per entry, so a typo points at one line. */
const subscription = z
    .strictObject({
        email: z.email({ message: "must be an email address such as ops@example.com" }).optional(),
        // SNS also takes http://, but alerts name instances and snapshot ids: never in clear text.
        https: z.url({ protocol: /^https$/, message: "must be an https:// URL such as https://alerts.example.com/sns" }).optional(),
        topicArn: z.string().regex(aws.SNS_TOPIC_ARN, SNS_TOPIC_ARN_MESSAGE).optional(),
    })
    .refine((entry) => Object.keys(entry).length === 1, {
        message: "each subscription names exactly one of email, https or topicArn",
    });

const notifications = z.strictObject({
    snsTopicArn: z
        .string()
        .regex(aws.SNS_TOPIC_ARN, SNS_TOPIC_ARN_MESSAGE)
        .optional()
        .describe("Topic for Run Command status notifications of the snapshot task (SSM publishes them itself)."),
    events: z
        .array(z.enum(NOTIFICATION_EVENTS))
        .min(1)
        .default(["Failed", "TimedOut", "Cancelled"])
        .describe("Run Command status changes that publish to snsTopicArn."),
    subscriptions: z
        .array(subscription)
        .min(1)
        .max(10)
        .optional()
        .describe("Where the lifecycle's alerts go: { email }, { https } or { topicArn } (an existing topic used instead of a new one)."),
});

const logging = z
    .strictObject({
        s3BucketName: z.string().regex(aws.S3_BUCKET, "must be an S3 bucket name").optional(),
        s3KeyPrefix: z.string().max(500).optional(),
        cloudWatchLogGroupName: z.string().regex(aws.LOG_GROUP, "must be a CloudWatch Logs group name").optional(),
    })
    .superRefine((log, ctx) => {
        if (!log.s3BucketName && !log.cloudWatchLogGroupName) {
            ctx.addIssue({ code: "custom", message: "name s3BucketName, cloudWatchLogGroupName or both" });
        }
        if (log.s3KeyPrefix !== undefined && !log.s3BucketName) {
            ctx.addIssue({ code: "custom", message: "s3KeyPrefix needs s3BucketName", path: ["s3KeyPrefix"] });
        }
    });

/** An existing role: its name, or its path and name ("/app/WebServers"), as IAM spells them. */
const EXISTING_ROLE = /^(\/([\w+=,.@-]+\/)+)?[\w+=,.@-]{1,64}$/;
const roleNameOf = (entry: string) => entry.slice(entry.lastIndexOf("/") + 1);

/**
 * Two entries that are one role to IAM: a role name is unique in the account whatever its path, and
 * "Names are not distinguished by case. For example, you cannot create resources named both
 * "MyResource" and "myresource"" (IAM API Reference, CreateRole, RoleName), so WebServers and
 * /app/webservers are the same role.
 */
function sameRoleProblem(roles: readonly string[]): string | undefined {
    const seen = new Map<string, string>();
    for (const role of roles) {
        const name = roleNameOf(role).toLowerCase();
        const earlier = seen.get(name);
        if (earlier !== undefined) {
            return roleNameOf(earlier) === roleNameOf(role)
                ? "a role is listed twice"
                : `${earlier} and ${role} are one role to IAM (role names are unique in an account whatever their case and path); list it once`;
        }
        seen.set(name, role);
    }
    return undefined;
}

/** The fields of an environment, before checks that relate one field to another. */
const environmentFields = z.strictObject({
    region: regionSchema(),
    accountId: z
        .string({ message: "must be a 12-digit AWS account id, quoted in YAML" })
        .regex(aws.ACCOUNT_ID, "must be a 12-digit AWS account id, quoted in YAML"),
    schedule: z
        .string()
        .default(DEFAULT_SCHEDULE)
        .superRefine((text, ctx) => {
            const problem = scheduleLengthProblem(text) ?? scheduleProblem(text) ?? neverRunsProblem(text, new Date());
            if (problem) {
                ctx.addIssue({ code: "custom", message: problem });
            }
        })
        .describe("SSM schedule: cron(...) with 6 or 7 fields, rate(...) or at(...)."),
    scheduleTimezone: z.string().default("UTC").refine(aws.isIanaTimeZone, { message: "must be an IANA time zone such as Europe/Berlin" }),
    scheduleOffset: z.int().min(1).max(6).optional().describe("Days to wait after the cron date (cron only)."),
    durationHours: z.int().min(1).max(24).default(1),
    cutoffHours: z.int().min(0).max(23).default(0).describe("No new invocation starts this close to the end."),
    // No default here: unset, the plan and the driver derive one from the enrolled count (see
    // automation/offline/rateControl.ts), and a stack without that falls back to a small count.
    maxConcurrency: countOrPercent(aws.MAX_CONCURRENCY, "maxConcurrency")
        .optional()
        .describe("Instances snapshotted at once; default derived from the enrolled count and EC2's CreateSnapshots throttle."),
    maxErrors: countOrPercent(aws.MAX_ERRORS, "maxErrors")
        .optional()
        .describe("Failed runs after which the window starts no more; default a tenth of the enrolled count."),
    targetTags: z
        .record(tagKey, tagValue)
        .refine((tags) => Object.keys(tags).length >= 1 && Object.keys(tags).length <= 5, {
            message: "targetTags needs 1-5 tags (SSM allows 5 tag keys per target)",
        })
        .optional()
        .describe(`Tags that select the instances; default { ${DEFAULT_TARGET_TAG_KEY}: <environment name> }.`),
    engine: z.enum(ENGINES).default("aws-vss"),
    vss: vssOptions.default({ excludeBootVolume: false, noWriters: false, copyOnly: false, saveVssMetadata: false }),
    snapshotTags: z
        .record(snapshotTagKey, tagValue)
        .refine((tags) => Object.keys(tags).length <= 40, {
            message: "at most 40 snapshot tags (EC2 allows 50 per snapshot and vss-fleet writes its own)",
        })
        .default({}),
    notifications: notifications.optional(),
    logging: logging.optional(),
    rpoHours: z
        .int()
        .min(1)
        .max(8760)
        .default(26)
        .describe("Recovery point objective: verify fails when an instance's newest good snapshot set is older."),
    retention: z
        .strictObject({
            days: z.int().min(1).max(36500).describe("Delete whole snapshot sets older than this many days..."),
            minSets: z.int().min(1).max(1000).default(7).describe("...but always keep this many newest good sets per instance."),
            daily: z.int().min(1).max(3660).optional().describe("...and the newest good set of each of the last N days that have one."),
            weekly: z
                .int()
                .min(1)
                .max(520)
                .optional()
                .describe("...and the newest good set of each of the last N ISO weeks that have one."),
            monthly: z.int().min(1).max(1200).optional().describe("...and the newest good set of each of the last N months that have one."),
            yearly: z.int().min(1).max(100).optional().describe("...and the newest good set of each of the last N years that have one."),
        })
        .optional()
        .describe("Opt-in retention of the snapshots vss-fleet made (never anyone else's); runs in the lifecycle function."),
    restoreDrill: z
        .strictObject({
            schedule: z
                .string()
                .superRefine((text, ctx) => {
                    const problem = drillScheduleProblem(text);
                    if (problem) {
                        ctx.addIssue({ code: "custom", message: problem });
                    }
                })
                .describe("EventBridge cron(...) with 6 fields, in UTC, for example cron(0 6 ? * SUN *)."),
            instancesPerRun: z.int().min(1).max(20).default(1).describe("Instances whose newest good set is restored per drill."),
        })
        .optional()
        .describe("Opt-in restore drills: create volumes from the newest good set, wait until available, delete them."),
    copies: z
        .array(copyDestinationSchema)
        .min(1)
        .max(5)
        .optional()
        .describe("Copy each new good set, whole, to these regions or accounts (runs in the lifecycle function)."),
    lock: lockSchema.optional().describe("EBS snapshot lock on the newest good sets (runs in the lifecycle function)."),
    archive: archiveSchema
        .optional()
        .describe("Move one good set per month or week to the EBS Snapshots Archive tier (runs in the lifecycle function)."),
    volumeKmsKeyId: z
        .string()
        .regex(aws.KMS_KEY_REFERENCE, aws.KMS_KEY_REFERENCE_MESSAGE)
        .optional()
        .describe("The KMS key the fleet's EBS volumes are encrypted with; a customer-managed key is needed to copy to another account."),
    recycleBinDays: z
        .int()
        .min(1)
        .max(365)
        .default(7)
        .describe(
            "Days a deleted snapshot of this environment stays recoverable: a Recycle Bin rule for snapshots tagged with the environment.",
        ),
    logRetentionDays: z
        .int()
        .refine((days) => (aws.LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            message: `must be a retention CloudWatch Logs accepts: ${aws.LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(90)
        .describe("Days to keep every log group the stack creates (the lifecycle function's, and logging.cloudWatchLogGroupName)."),
    alertTopicKmsKeyArn: z
        .string()
        .regex(aws.KMS_KEY_ARN, "must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<id>")
        .optional()
        .describe("Customer managed key for the alert topic; default the AWS managed key alias/aws/sns."),
    lifecycleReservedConcurrency: z
        .int()
        .min(1)
        .max(100)
        .default(2)
        .describe("Concurrent executions reserved for (and capping) the lifecycle function."),
    lifecycle: z
        .boolean()
        .optional()
        .describe("Deploy the lifecycle function (verify each run, metrics, alarms, alerts). Default: on; false switches it off."),
    deployRoleArn: z
        .string()
        .regex(aws.ROLE_ARN, "must be an IAM role ARN, arn:aws:iam::<account>:role/<name>")
        .optional()
        .describe("Role assumed to deploy this environment (by the stack's AWS provider and the driver's own calls)."),
    existingInstanceRoleNames: z
        .array(z.string().regex(EXISTING_ROLE, "must be an IAM role name, or its path and name such as /app/WebServers"))
        .min(1)
        // Each role is one more ARN in the deploy role's policy, which IAM caps in size (about 110
        // characters a role); a longer list is an estate to relaunch onto the environment's profile.
        .max(20)
        .superRefine((roles, ctx) => {
            const problem = sameRoleProblem(roles);
            if (problem) {
                ctx.addIssue({ code: "custom", message: problem });
            }
        })
        .optional()
        .describe(
            "Roles your servers already run with (name, or /path/name): the stack attaches the environment's snapshot policy to them, so running servers enroll without relaunching.",
        ),
    preflight: z
        .enum(["advisory", "mandatory"])
        .default("advisory")
        .describe("Level of the preflight policy: an enrolled server that cannot be snapshotted warns (advisory) or blocks (mandatory)."),
});

/** The environment schema: every field's own rules and defaults (see crossFieldIssues for the rest). */
export const environmentSchema = environmentFields;

type Fields = z.output<typeof environmentFields>;

/** A rule relating fields: it reads `keys`, and reports at `path` when `problem` returns a message. */
interface CrossCheck {
    readonly keys: readonly (keyof Fields)[];
    readonly path: readonly (string | number)[];
    readonly problem: (env: Fields) => string | undefined;
}

const CROSS_CHECKS: readonly CrossCheck[] = [
    {
        keys: ["cutoffHours", "durationHours"],
        path: ["cutoffHours"],
        problem: (env) =>
            env.cutoffHours >= env.durationHours
                ? `cutoffHours (${env.cutoffHours}) must be less than durationHours (${env.durationHours})`
                : undefined,
    },
    {
        keys: ["scheduleOffset", "schedule"],
        path: ["scheduleOffset"],
        problem: (env) =>
            env.scheduleOffset !== undefined && scheduleKind(env.schedule) !== "cron"
                ? "scheduleOffset works only with a cron(...) schedule"
                : undefined,
    },
    {
        // DISKSHADOW has no copy-only backup type (its "set option" offers none), so a full VSS
        // backup would reset SQL Server's differential base: refuse rather than surprise.
        keys: ["engine", "vss"],
        path: ["vss", "copyOnly"],
        problem: (env) =>
            env.engine === "diskshadow" && env.vss.copyOnly
                ? "the diskshadow engine cannot take copy-only backups (DISKSHADOW has no copy backup type); use engine aws-vss"
                : undefined,
    },
    {
        keys: ["lifecycle", "retention", "restoreDrill", "copies", "lock", "archive"],
        path: ["lifecycle"],
        problem: (env) => {
            const needs = (["retention", "restoreDrill", "copies", "lock", "archive"] as const).find((key) => env[key] !== undefined);
            return env.lifecycle === false && needs
                ? `${needs} runs in the lifecycle function; remove 'lifecycle: false' or ${needs}`
                : undefined;
        },
    },
    ...[0, 1, 2, 3, 4].map((index): CrossCheck => ({
        keys: ["copies", "accountId", "region", "rpoHours", "volumeKmsKeyId"],
        path: ["copies", index],
        problem: (env) =>
            copyProblems(env)
                .filter((p) => p.path[1] === index)
                .map((p) => p.message)
                .join("; ") || undefined,
    })),
    {
        keys: ["deployRoleArn", "accountId"],
        path: ["deployRoleArn"],
        problem: (env) =>
            env.deployRoleArn && env.deployRoleArn.split(":")[4] !== env.accountId
                ? `the deploy role must be in the environment's account ${env.accountId}`
                : undefined,
    },
    {
        keys: ["alertTopicKmsKeyArn", "accountId", "region"],
        path: ["alertTopicKmsKeyArn"],
        problem: (env) =>
            env.alertTopicKmsKeyArn && !env.alertTopicKmsKeyArn.includes(`:${env.region}:${env.accountId}:`)
                ? `the key must be in the environment's account ${env.accountId} and region ${env.region}`
                : undefined,
    },
    {
        keys: ["notifications", "accountId"],
        path: ["notifications", "snsTopicArn"],
        problem: (env) =>
            env.notifications?.snsTopicArn && !env.notifications.snsTopicArn.includes(`:${env.accountId}:`)
                ? "the SNS topic must be in the environment's own account"
                : undefined,
    },
    {
        // The function publishes with its own role and its failed invocations land there through a
        // Lambda destination: both need the topic in the function's account and region.
        keys: ["notifications", "accountId", "region"],
        path: ["notifications", "subscriptions"],
        problem: (env) => {
            const topics = (env.notifications?.subscriptions ?? []).flatMap((s) => (s.topicArn ? [s.topicArn] : []));
            if (topics.length > 1) {
                return `name at most one topicArn (found ${topics.length}): alerts go to one topic; subscribe more endpoints to it`;
            }
            return topics.length === 1 && !topics[0].includes(`:${env.region}:${env.accountId}:`)
                ? `the alert topic ${topics[0]} must be in the environment's account ${env.accountId} and region ${env.region}`
                : undefined;
        },
    },
    {
        keys: ["notifications", "lifecycle"],
        path: ["notifications", "subscriptions"],
        problem: (env) =>
            env.lifecycle === false && env.notifications?.subscriptions
                ? "subscriptions receive the lifecycle function's alerts; remove 'lifecycle: false' or the subscriptions"
                : undefined,
    },
];

/** Every rule relating fields, each able to report several problems at their own paths. */
const ALL_CHECKS: readonly { keys: readonly string[]; problems: (env: Fields) => { path: (string | number)[]; message: string }[] }[] = [
    ...CROSS_CHECKS.map((check) => ({
        keys: check.keys,
        problems: (env: Fields) => {
            const message = check.problem(env);
            return message ? [{ path: [...check.path], message }] : [];
        },
    })),
    // Values AWS can never accept here (awsLimits.ts): kept apart, one rule per field group.
    ...AWS_LIMIT_CHECKS,
];

/**
 * Problems between fields. Each check runs when the fields it reads are valid on their own, even if
 * other fields are not, so one pass reports every problem (zod would skip them after any failure).
 */
export function crossFieldIssues(input: unknown): { path: (string | number)[]; message: string; keys: string[] }[] {
    const raw = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    const issues: { path: (string | number)[]; message: string; keys: string[] }[] = [];
    for (const check of ALL_CHECKS) {
        const values: Record<string, unknown> = {};
        const valid = check.keys.every((key) => {
            const parsed = environmentFields.shape[key as keyof Fields].safeParse(raw[key]);
            values[key] = parsed.data;
            return parsed.success;
        });
        for (const { path, message } of valid ? check.problems(values as Fields) : []) {
            issues.push({ path, message, keys: [...check.keys] });
        }
    }
    return issues;
}

/**
 * Drill schedules run as EventBridge rules, whose cron has exactly 6 fields (SSM's optional 7th is not
 * accepted there) and is read in UTC. Only cron: a drill is a weekly or monthly event, not a rate.
 */
export function drillScheduleProblem(expression: string): string | undefined {
    if (scheduleKind(expression) !== "cron") {
        return "must be an EventBridge cron(...) expression, for example cron(0 6 ? * SUN *)";
    }
    const fields = expression.trim().slice(5, -1).trim().split(/\s+/);
    return fields.length === 6
        ? (scheduleProblem(expression) ?? neverRunsProblem(expression, new Date()))
        : "EventBridge cron(...) takes exactly 6 fields";
}

/**
 * Whether the environment deploys the SnapshotLifecycle function: on unless switched off, so a new
 * environment verifies its runs and alerts from day one (retention, drills and the rest need it on,
 * which the cross-field checks enforce).
 */
export function lifecycleEnabled(env: Pick<Fields, "lifecycle">): boolean {
    return env.lifecycle !== false;
}

/** One line for people: what the lifecycle will do for an environment. */
export function lifecycleSummary(
    env: Pick<Fields, "lifecycle" | "retention" | "restoreDrill" | "rpoHours" | "accountId" | "schedule" | "durationHours"> &
        Partial<Pick<Fields, "copies" | "lock" | "archive" | "volumeKmsKeyId" | "scheduleTimezone">> & { readonly name?: string },
): string {
    if (!lifecycleEnabled(env)) {
        return "off (no verification after runs, no alarms, no retention: snapshots are kept forever, no drills)";
    }
    const deadMan = deadManHours(env);
    return [
        `verifies each run (RPO ${env.rpoHours} h)`,
        deadMan === undefined ? "no dead-man's switch (runs too rare for an alarm)" : `alarms after ${deadMan} h without a verified run`,
        env.retention
            ? `retention ${env.retention.days} days, at least ${env.retention.minSets} good sets${hasTiers(env.retention) ? `, tiers ${tiersText(env.retention)} (${env.scheduleTimezone ?? "UTC"})` : ""}`
            : "no retention: snapshots are kept forever",
        env.restoreDrill ? `restore drill ${env.restoreDrill.schedule}, ${env.restoreDrill.instancesPerRun} instance(s)` : "no drills",
        ...protectionSummary(env),
    ].join("; ");
}

/** What a user writes: every defaulted field optional. @public (for programs that build specs in TypeScript) */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with defaults applied and its name-dependent defaults resolved. */
export type EnvironmentSpec = z.output<typeof environmentSchema> & {
    readonly name: string;
    readonly targetTags: Readonly<Record<string, string>>;
};

/** Environment (= stack) names: lowercase letters, digits and hyphens, 1-40 characters. */
export const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

export function environmentNameProblem(name: string): string | undefined {
    return ENVIRONMENT_NAME.test(name)
        ? undefined
        : `environment name '${name}' must be 1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen`;
}

/** The target tags an environment gets when it names none: distinct per environment by design. */
export function defaultTargetTags(name: string): Record<string, string> {
    return { [DEFAULT_TARGET_TAG_KEY]: name };
}
