/**
 * The function's two jobs, with their clients passed in (so tests drive them with mocked SDK clients):
 * after each backup run, verify it, publish metrics, apply retention and alert on failures; on the
 * drill schedule, restore-test a rotating sample of instances.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { retentionReview } from "../../core/lifecycle/retention";
import type { LifecycleConfig } from "../../core/lifecycle/functionConfig";
import { drillInstance, drillPicks, sweepAheadOfRetention, sweepLeftovers, type DrillTiming } from "./drill";
import { instanceSets, targetedInstances } from "./fleetInstances";
import { applyProtection, protectedRetention, readProtectionState, type ProtectionContext } from "./protect";
import { applyRetention } from "./applyRetention";
import { contradictionFailures, provenanceMetrics, recordExecutions } from "./provenance";
import { alertOnFailures, instanceLabel, metricData, putMetrics, type Failure, type Metric } from "./report";
import { readRun, runVerdicts } from "./runVerification";

export interface Clients {
    readonly ec2: EC2Client;
    readonly ssm: SSMClient;
    readonly cloudWatch: CloudWatchClient;
    readonly sns: SNSClient;
    /** EC2 in a copy destination (copies only); see destinations.ts. */
    readonly destinationEc2?: ProtectionContext["destinationEc2"];
}

export interface VerifyRunSummary {
    readonly action: "verify-run";
    readonly windowExecutionId: string;
    readonly verified: number;
    readonly failedInstances: string[];
    readonly deletedSnapshots: number;
    readonly alerted: boolean;
}

export async function verifyRun(
    clients: Clients,
    config: LifecycleConfig,
    windowExecutionId: string,
    now: Date,
): Promise<VerifyRunSummary> {
    const [instances, run] = await Promise.all([
        targetedInstances(clients.ec2, config.targetTags),
        readRun(clients.ssm, windowExecutionId),
    ]);
    const { sets, untied } = await instanceSets(clients, config, instances, now, run);
    const verdicts = runVerdicts(instances, sets, run, config.rpoHours, now);
    const failures: Failure[] = verdicts.filter((v) => !v.ok).map((v) => ({ subject: instanceLabel(v), reasons: v.reasons }));
    const metrics: Metric[] = [
        { MetricName: "GoodSets", Value: verdicts.filter((v) => v.ok).length, Unit: "Count" },
        { MetricName: "FailedInstances", Value: failures.length, Unit: "Count" },
        ...verdicts
            .filter((v) => v.newestGoodSetAgeHours !== undefined)
            .map((v) => ({
                MetricName: "NewestGoodSetAgeHours",
                Value: v.newestGoodSetAgeHours,
                Unit: "None" as const,
                instanceId: v.instanceId,
            })),
    ];
    // Sets whose evidence disagrees are never deleted and always reported; proven ones get their execution recorded.
    failures.push(...contradictionFailures(sets), ...(await recordExecutions(clients.ec2, sets)));
    metrics.push(...provenanceMetrics(sets, untied));
    let deletedSnapshots = 0;
    const owner = { environment: config.environment, fleet: config.fleet };
    const protection = config.protection;
    // A crashed drill's leftovers go before retention can delete the snapshots that prove them ours.
    const sweep = config.drillInstancesPerRun !== undefined ? await sweepAheadOfRetention(clients.ec2, config.environment, now) : undefined;
    failures.push(...(sweep?.failures ?? []));
    metrics.push(...(sweep?.metrics ?? []));
    // Locks and the archive tier keep sets from retention, so read them first.
    const state = protection ? await readProtectionState(clients.ec2, protection, sets) : undefined;
    if (config.retention) {
        const review = retentionReview(sets, config.retention, owner, now);
        const kept =
            protection && state
                ? protectedRetention(review.deletions, protection, state, sets, owner, now)
                : { deletions: review.deletions, keptByLock: [] };
        const busy = sweep?.busySnapshots ?? new Set<string>();
        const plan = kept.deletions.filter((d) => !d.snapshotIds.some((id) => busy.has(id)));
        const outcome = await applyRetention(clients.ec2, plan);
        deletedSnapshots = outcome.deletedSnapshotIds.length;
        failures.push(...outcome.failures);
        metrics.push(
            { MetricName: "RetentionDeletedSnapshots", Value: deletedSnapshots, Unit: "Count" },
            { MetricName: "RetentionFailures", Value: outcome.failures.length, Unit: "Count" },
            { MetricName: "RetentionWithheldSets", Value: review.withheld.length, Unit: "Count" },
            { MetricName: "RetentionHeldForDrillSets", Value: kept.deletions.length - plan.length, Unit: "Count" },
        );
    }
    if (protection && state) {
        const context: ProtectionContext = {
            ec2: clients.ec2,
            destinationEc2:
                clients.destinationEc2 ??
                (() => {
                    throw new Error("no destination EC2 client factory");
                }),
            owner,
            sourceRegion: await clients.ec2.config.region(),
            sourceAccountId: protection.sourceAccountId,
        };
        const outcome = await applyProtection(context, protection, state, sets, now);
        failures.push(...outcome.failures);
        metrics.push(...outcome.metrics);
    }
    await putMetrics(clients.cloudWatch, config.environment, metricData(config.environment, metrics, now));
    const alerted = await alertOnFailures(clients.sns, config.alertTopicArn, config.environment, "backup verification", failures);
    return {
        action: "verify-run",
        windowExecutionId,
        verified: verdicts.length,
        failedInstances: verdicts.filter((v) => !v.ok).map((v) => v.instanceId),
        deletedSnapshots,
        alerted,
    };
}

export interface DrillSummary {
    readonly action: "drill";
    readonly drilled: { readonly instanceId: string; readonly ok: boolean; readonly durationSeconds?: number }[];
    readonly sweptVolumes: number;
    readonly alerted: boolean;
}

/** A fresh random token per drill run (tests pass their own). */
export function drillToken(): string {
    // The global Web Crypto: no import, so the bundle needs nothing beyond the runtime's SDK.
    return crypto.randomUUID().replace(/-/g, "").slice(0, 16);
}

export async function drill(clients: Clients, config: LifecycleConfig, timing: DrillTiming, token = drillToken()): Promise<DrillSummary> {
    const now = new Date(timing.clock());
    const identity = { environment: config.environment, fleet: config.fleet, runId: `drill-${now.toISOString()}-${token}`, token };
    const failures: Failure[] = [];
    const swept = await sweepLeftovers(clients.ec2, config.environment, now);
    if (swept.stuck.length > 0) {
        failures.push({ subject: "drill clean-up", reasons: [`could not delete leftover drill volumes ${swept.stuck.join(", ")}`] });
    }
    if (swept.unproven.length > 0) {
        failures.push({
            subject: "drill clean-up",
            reasons: [
                `volume(s) ${swept.unproven.join(", ")} carry the ${config.environment} drill tag, but no drill of this function ` +
                    "recorded creating them: left alone, since nothing proves they are ours; check who created and tagged them (CloudTrail " +
                    "CreateVolume and CreateTags for those ids), and leave them to their owner",
            ],
        });
    }
    const instances = await targetedInstances(clients.ec2, config.targetTags);
    const { sets } = await instanceSets(clients, config, instances, now);
    const picks = drillPicks(instances, sets, config.drillInstancesPerRun ?? 1, swept.busySnapshots);
    // Instances to drill, none restorable: that is a failed drill too (and says the backups are failing).
    const nothingToDrill = picks.length === 0 && instances.length > 0;
    if (nothingToDrill) {
        failures.push({ subject: "restore drill", reasons: ["no targeted instance has a good snapshot set to restore"] });
    }
    const results = await Promise.all(picks.map((pick) => drillInstance(clients.ec2, identity, pick, timing)));
    results.forEach((result, i) => {
        if (!result.ok || result.problems.length > 0) {
            failures.push({ subject: `restore drill of ${instanceLabel(picks[i].instance)}`, reasons: result.problems });
        }
    });
    const metrics: Metric[] = [
        { MetricName: "DrillSweepRefusedVolumes", Value: swept.unproven.length, Unit: "Count" },
        { MetricName: "DrillSucceeded", Value: results.filter((r) => r.ok).length, Unit: "Count" },
        {
            MetricName: "DrillFailed",
            Value: results.filter((r) => !r.ok).length + (nothingToDrill ? 1 : 0),
            Unit: "Count",
        },
        ...results
            .filter((r) => r.durationSeconds !== undefined)
            .map((r) => ({
                MetricName: "DrillDurationSeconds",
                Value: r.durationSeconds,
                Unit: "Seconds" as const,
                instanceId: r.instanceId,
            })),
    ];
    await putMetrics(clients.cloudWatch, config.environment, metricData(config.environment, metrics, now));
    const alerted = await alertOnFailures(clients.sns, config.alertTopicArn, config.environment, "restore drill", failures);
    return {
        action: "drill",
        drilled: results.map((r) => ({
            instanceId: r.instanceId,
            ok: r.ok,
            ...(r.durationSeconds !== undefined ? { durationSeconds: r.durationSeconds } : {}),
        })),
        sweptVolumes: swept.deleted.length,
        alerted,
    };
}
