/**
 * The lifecycle function's configuration: what the stack writes into the function's environment
 * variables and what the handler reads back. Both sides use this module, so the contract cannot drift.
 */
import { z } from "zod";
import type { RetentionRule } from "./retention";

/** The prefix of every CloudWatch namespace the function publishes in (the guardrail SCP protects it). */
export const METRICS_NAMESPACE = "VssFleet";

/**
 * One namespace per environment, "VssFleet/<env>": IAM can condition PutMetricData on the namespace
 * only (not on dimensions), so only a namespace of its own keeps one environment's role from
 * publishing another's heartbeat and silencing its dead-man alarm.
 */
export function metricsNamespace(environment: string): string {
    return `${METRICS_NAMESPACE}/${environment}`;
}
/** On every volume a drill creates: the environment it belongs to (IAM lets the function delete only these). */
export const DRILL_TAG_KEY = "vss-fleet:drill";
/**
 * On every volume a drill creates: which drill run made it (a per-run random token in it). The
 * same key on the restored snapshot, with DRILL_VOLUME_TAG_KEY, is the drill's record of what it
 * created: the sweep deletes a leftover volume only when that record names it.
 */
export const DRILL_RUN_TAG_KEY = "vss-fleet:drill-run";
/** On a drilled snapshot: the volume the drill created from it (the CreateVolume response's id). */
export const DRILL_VOLUME_TAG_KEY = "vss-fleet:drill-volume";
/** Written on the snapshots of a drilled set: when, and with what result (the drill rotation reads them). */
export const DRILLED_AT_TAG_KEY = "vss-fleet:drilled-at";
export const DRILL_RESULT_TAG_KEY = "vss-fleet:drill-result";

/** Run Command invocation statuses that mean the snapshot did not happen on that instance (rule and relay). */
export const FAILED_INVOCATION_STATUSES = ["Failed", "TimedOut", "Cancelled"] as const;

/**
 * How every alarm of an environment's lifecycle is named (the LifecycleAlarms component under the
 * "<env>-lifecycle" SnapshotLifecycle): the function relays only alarms so named, and the deploy
 * role may write only those (test/security/round3Attacks.test.ts checks the plan against it).
 */
export function lifecycleAlarmPrefix(environment: string): string {
    return `${environment}-lifecycle-alarm-`;
}

export interface LifecycleConfig {
    readonly environment: string;
    readonly fleet: string;
    /** The window's target tags: the instances each run must have snapshotted. */
    readonly targetTags: Readonly<Record<string, string>>;
    readonly rpoHours: number;
    readonly excludeBootVolume: boolean;
    /** Days, minSets and the tiers with the zone their periods are counted in (retention.ts). */
    readonly retention?: RetentionRule;
    readonly drillInstancesPerRun?: number;
    readonly alertTopicArn: string;
    /** The environment's maintenance window: its execution history dates every set the function may delete. */
    readonly windowId: string;
    /** Copies, locks and the archive tier (issue: survive a bad day in the account). */
    readonly protection?: ProtectionConfig;
}

/** What the function needs to copy, lock and archive; the source account is where the function runs. */
export interface ProtectionConfig {
    readonly sourceAccountId: string;
    /** The customer-managed key of the source volumes (volumeKmsKeyId): the role reads the snapshots with it to copy them. */
    readonly sourceKmsKeyId?: string;
    readonly copies?: readonly {
        readonly region: string;
        readonly accountId?: string;
        readonly kmsKeyId?: string;
        readonly retention: { readonly days: number; readonly minSets: number };
        readonly rpoHours?: number;
    }[];
    readonly lock?: {
        readonly mode: "governance" | "compliance";
        readonly durationDays: number;
        readonly newestSets?: number;
        readonly withinDays?: number;
        readonly coolOffHours?: number;
    };
    readonly archive?: { readonly every: "month" | "week"; readonly afterDays: number; readonly keepMonths: number };
}

const ENV = {
    environment: "VSS_FLEET_ENVIRONMENT",
    fleet: "VSS_FLEET_FLEET",
    targetTags: "VSS_FLEET_TARGET_TAGS",
    rpoHours: "VSS_FLEET_RPO_HOURS",
    excludeBootVolume: "VSS_FLEET_EXCLUDE_BOOT_VOLUME",
    retention: "VSS_FLEET_RETENTION",
    drillInstancesPerRun: "VSS_FLEET_DRILL_INSTANCES_PER_RUN",
    alertTopicArn: "VSS_FLEET_ALERT_TOPIC_ARN",
    windowId: "VSS_FLEET_WINDOW_ID",
    protection: "VSS_FLEET_PROTECTION",
} as const;

/** The function's environment variables for a configuration (Lambda allows 4 KB of them; this stays far below). */
export function functionEnvironment(config: LifecycleConfig): Record<string, string> {
    return {
        [ENV.environment]: config.environment,
        [ENV.fleet]: config.fleet,
        [ENV.targetTags]: JSON.stringify(config.targetTags),
        [ENV.rpoHours]: String(config.rpoHours),
        [ENV.excludeBootVolume]: String(config.excludeBootVolume),
        ...(config.retention ? { [ENV.retention]: JSON.stringify(config.retention) } : {}),
        ...(config.drillInstancesPerRun ? { [ENV.drillInstancesPerRun]: String(config.drillInstancesPerRun) } : {}),
        [ENV.alertTopicArn]: config.alertTopicArn,
        [ENV.windowId]: config.windowId,
        ...(config.protection ? { [ENV.protection]: JSON.stringify(config.protection) } : {}),
    };
}

const json = <T extends z.ZodType>(schema: T) =>
    z
        .string()
        .transform((text, ctx) => {
            try {
                return JSON.parse(text) as unknown;
            } catch {
                ctx.addIssue({ code: "custom", message: "must be JSON" });
                return z.NEVER;
            }
        })
        .pipe(schema);

const retentionRule = z.object({ days: z.int().positive(), minSets: z.int().positive() });
const protectionSchema = z.object({
    sourceAccountId: z.string().regex(/^[0-9]{12}$/),
    sourceKmsKeyId: z.string().min(1).optional(),
    copies: z
        .array(
            z.object({
                region: z.string().min(1),
                accountId: z
                    .string()
                    .regex(/^[0-9]{12}$/)
                    .optional(),
                kmsKeyId: z.string().min(1).optional(),
                retention: retentionRule,
                rpoHours: z.int().positive().optional(),
            }),
        )
        .optional(),
    lock: z
        .object({
            mode: z.enum(["governance", "compliance"]),
            durationDays: z.int().positive(),
            newestSets: z.int().positive().optional(),
            withinDays: z.int().positive().optional(),
            coolOffHours: z.int().positive().optional(),
        })
        .optional(),
    archive: z.object({ every: z.enum(["month", "week"]), afterDays: z.int().positive(), keepMonths: z.int().positive() }).optional(),
}) satisfies z.ZodType<ProtectionConfig>;

const environmentSchema = z.object({
    [ENV.environment]: z.string().min(1),
    [ENV.fleet]: z.string().min(1),
    [ENV.targetTags]: json(z.record(z.string(), z.string())),
    [ENV.rpoHours]: z.coerce.number().int().positive(),
    [ENV.excludeBootVolume]: z.enum(["true", "false"]).transform((v) => v === "true"),
    [ENV.retention]: json(
        retentionRule.extend({
            daily: z.int().positive().optional(),
            weekly: z.int().positive().optional(),
            monthly: z.int().positive().optional(),
            yearly: z.int().positive().optional(),
            timeZone: z.string().min(1).optional(),
        }) satisfies z.ZodType<RetentionRule>,
    ).optional(),
    [ENV.drillInstancesPerRun]: z.coerce.number().int().positive().optional(),
    [ENV.alertTopicArn]: z.string().startsWith("arn:"),
    [ENV.windowId]: z.string().min(1, "must name the environment's maintenance window"),
    [ENV.protection]: json(protectionSchema).optional(),
});

/** Reads the configuration back; a function deployed with broken variables fails loudly at its first call. */
export function readConfig(variables: Readonly<Record<string, string | undefined>>): LifecycleConfig {
    const parsed = environmentSchema.safeParse(variables);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        throw new Error(`vss-fleet lifecycle function: bad environment variables: ${problems}`);
    }
    const v = parsed.data;
    return {
        environment: v[ENV.environment],
        fleet: v[ENV.fleet],
        targetTags: v[ENV.targetTags],
        rpoHours: v[ENV.rpoHours],
        excludeBootVolume: v[ENV.excludeBootVolume],
        ...(v[ENV.retention] ? { retention: v[ENV.retention] } : {}),
        ...(v[ENV.drillInstancesPerRun] ? { drillInstancesPerRun: v[ENV.drillInstancesPerRun] } : {}),
        alertTopicArn: v[ENV.alertTopicArn],
        windowId: v[ENV.windowId],
        ...(v[ENV.protection] ? { protection: v[ENV.protection] } : {}),
    };
}

/** What invokes the function: the window's second task after each run, or the drill schedule. */
export const lifecycleEventSchema = z.discriminatedUnion("action", [
    z.object({ action: z.literal("verify-run"), windowExecutionId: z.string().regex(/^[0-9a-f-]{36}$/i, "must be a window execution id") }),
    z.object({ action: z.literal("drill") }),
]);
/** @public (the event's type, for code that invokes the function) */
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

/** The function's protection settings from an environment's spec; undefined when it has none. */
export function protectionConfig(spec: {
    readonly accountId: string;
    readonly volumeKmsKeyId?: string;
    readonly copies?: readonly (NonNullable<ProtectionConfig["copies"]>[number] & { readonly deployRoleArn?: string })[];
    readonly lock?: ProtectionConfig["lock"];
    readonly archive?: ProtectionConfig["archive"];
}): ProtectionConfig | undefined {
    if (!spec.copies && !spec.lock && !spec.archive) {
        return undefined;
    }
    return {
        sourceAccountId: spec.accountId,
        // Only copies need the source key; the deploy roles are the stack's business, not the function's.
        ...(spec.copies && spec.volumeKmsKeyId ? { sourceKmsKeyId: spec.volumeKmsKeyId } : {}),
        ...(spec.copies ? { copies: spec.copies.map(({ deployRoleArn: _deployRoleArn, ...copy }) => copy) } : {}),
        ...(spec.lock ? { lock: spec.lock } : {}),
        ...(spec.archive ? { archive: spec.archive } : {}),
    };
}
