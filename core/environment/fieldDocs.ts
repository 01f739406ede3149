/**
 * The EnvironmentSpec's field table for people (docs/manifest.md, between the field-table markers): the
 * rules of each field in words. The table's rows, their order and the defaults come from the zod
 * schema (automation/docs/fieldTable.ts); this map is typed by the schema's keys, so a new field does
 * not compile until it is documented here. `default` is given only where the schema's own default
 * cannot say it (a default that depends on the environment's name, or on other fields).
 */
import type { environmentSchema } from "./environment";

export interface FieldDoc {
    readonly rules: string;
    readonly default?: string;
}

export const FIELD_DOCS: Readonly<Record<keyof typeof environmentSchema.shape, FieldDoc>> = {
    region: {
        rules: "an AWS region, e.g. `us-east-1`",
    },
    accountId: {
        rules: "12 digits, a quoted string in YAML",
    },
    schedule: {
        rules: "SSM: `cron` with 6 fields (7 with leading seconds) and `?` in exactly one day field, `rate(n unit)` (singular for 1), or `at(yyyy-mm-ddThh:mm:ss)`; never more often than every 5 minutes; at most 256 characters; a cron must run at least once in the next 10 years (not `cron(0 4 30 2 ? *)`)",
    },
    scheduleTimezone: {
        rules: "an IANA zone name",
    },
    scheduleOffset: {
        rules: "1-6 days, cron schedules only",
    },
    durationHours: {
        rules: "1-24",
    },
    cutoffHours: {
        rules: "0-23 and less than `durationHours`",
    },
    // Derived per environment when unset (automation/offline/rateControl.ts), so the schema has no default.
    maxConcurrency: {
        rules: "SSM's pattern: a count >= 1 or 1%-100%. Unset: a count from the enrolled instances, spread over half the window, within EC2's CreateSnapshots burst (100, shared per account and region); `plan` prints it",
        default: "derived (`10` if unsized)",
    },
    maxErrors: {
        rules: "SSM's pattern: a count >= 0 or 0%-100%. Unset: a tenth of the enrolled instances",
        default: "derived (`10%` if unsized)",
    },
    // Resolved from the environment's name after parsing, so the schema cannot show it.
    targetTags: {
        rules: "1-5 tags that select the instances (all must match); the default differs per environment, so environments never select each other's instances",
        default: "`{ VSS-Snapshot: <env> }`",
    },
    engine: {
        rules: '`aws-vss` or `diskshadow` (see "The engines")',
    },
    // The schema's default is an object of four false switches; in words it reads better.
    vss: {
        rules: "`excludeBootVolume`, `noWriters`, `copyOnly`, `saveVssMetadata` (not with `noWriters`)",
        default: "all `false`",
    },
    snapshotTags: {
        rules: "extra tags written on every snapshot; not `Device`, `AppConsistent`, `AwsVssConfig` or any `vss-fleet:*` or `aws:*` key; keys 1-128 characters, values up to 256",
    },
    notifications: {
        rules: "`{ snsTopicArn?, events, subscriptions? }`. `snsTopicArn`: Run Command status notifications (`events`, default `Failed, TimedOut, Cancelled`), a topic in the environment's account. `subscriptions`: 1-10 entries, each exactly one of `email: <address>`, `https: <https:// URL>` or `topicArn: <ARN>` (an existing topic in the environment's account and region, used instead of a new alert topic; at most one); they hear the lifecycle's alerts and alarms, so they need the lifecycle on",
    },
    logging: {
        rules: "`{ s3BucketName, s3KeyPrefix, cloudWatchLogGroupName }`; at least one destination",
    },
    rpoHours: {
        rules: "1-8760; `verify` and the lifecycle function report an instance whose newest good set is older",
    },
    retention: {
        rules: "`{ days, minSets = 7, daily?, weekly?, monthly?, yearly? }`: delete whole sets older than `days`, always keeping the newest `minSets` good sets and, per tier, the newest good set of each of the last N days, ISO weeks, months or years (in `scheduleTimezone`) that have one; runs in the lifecycle function",
    },
    restoreDrill: {
        rules: "`{ schedule, instancesPerRun = 1 }`: an EventBridge `cron(...)` with exactly 6 fields, in UTC; 1-20 instances per drill",
    },
    copies: {
        rules: "1-5 `{ region, accountId?, kmsKeyId?, deployRoleArn?, retention: { days, minSets = 7 }, rpoHours? }`: each new good set copied whole, to a region of the environment's partition (EBS cannot copy across partitions), `kmsKeyId` a key of that region; another account needs a customer-managed `volumeKmsKeyId` (a key ARN) and `kmsKeyId`, and its `deployRoleArn` (a role in that account) lets the stack create the copy-target role there (docs/copies.md); runs in the lifecycle function",
    },
    lock: {
        rules: "`{ mode, durationDays, newestSets or withinDays, coolOffHours? }`: EBS snapshot lock (`governance` or `compliance`) on the newest good sets; exactly one of `newestSets` and `withinDays`; `coolOffHours` (1-72) for compliance only",
    },
    archive: {
        rules: "`{ every = month, afterDays = 30, keepMonths }`: one good set per instance per month or week moved to the archive tier; `keepMonths` at least 3",
    },
    volumeKmsKeyId: {
        rules: "the KMS key the fleet's EBS volumes are encrypted with: a key id, key ARN, `alias/<name>` or alias ARN, an ARN in the environment's region and partition; a customer-managed key is needed to copy to another account",
    },
    recycleBinDays: {
        rules: "1-365: a Recycle Bin rule keeps every deleted snapshot tagged with the environment recoverable this long (docs/deletion-safety.md)",
    },
    logRetentionDays: {
        rules: "a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653): every log group the stack creates",
    },
    alertTopicKmsKeyArn: {
        rules: "a KMS key ARN in the environment's account and region for the alert topic",
        default: "the AWS managed key `alias/aws/sns`",
    },
    lifecycleReservedConcurrency: {
        rules: "1-100 concurrent executions reserved for, and capping, the lifecycle function",
    },
    // lifecycleEnabled reads an absent value as on; the schema keeps it optional so rendered stacks stay as written.
    lifecycle: {
        rules: "`false` switches off the lifecycle function: no verification after runs, no alarms, no alerts; `false` with `retention`, `restoreDrill`, `copies`, `lock`, `archive` or `notifications.subscriptions` is an error",
        default: "on",
    },
    deployRoleArn: {
        rules: "an IAM role ARN in the environment's account, assumed by the stack's provider and the driver",
    },
    existingInstanceRoleNames: {
        rules: "1-20 IAM role names, each a name or `/path/name`, no two the same role to IAM (names compare without case or path); they get the snapshot policy an administrator creates once (`deploy-policy --bootstrap`), and the deploy role may attach only that policy, only to these roles",
    },
    preflight: {
        rules: "`advisory` or `mandatory`: the level of `fleet-enrolled-instances-snapshot-ready`, which reports enrolled servers the inventory shows cannot be snapshotted (see docs/onboarding.md)",
    },
};
