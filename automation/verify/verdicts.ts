/**
 * `vss-fleet verify`: for every enrolled instance, the newest good snapshot set and its age, missing
 * volumes, inconsistent sets and RPO breaches. An instance breaches when it has no good set, or its
 * newest good set is older than the environment's rpoHours.
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import { classifyFleet } from "../../policies/lib/fleetClassification";
import { DEFAULT_FLEET } from "../../core/environment/tags";
import type { FleetEnvironment } from "../manifest/load";
import { retentionPlan, type Deletion } from "../../core/lifecycle/retention";
import { judgeRpo, roundHours } from "../../core/lifecycle/rpo";
import { destinationLabel, judgeCopies, type CopiedSnapshot, type CopyVerdict } from "../../core/lifecycle/copies";
import { snapshotSets, type Attachment, type SnapshotRecord } from "../../core/lifecycle/sets";

export interface InstanceVerdict {
    readonly instanceId: string;
    readonly name?: string;
    readonly newestGoodSet?: {
        readonly key: string;
        readonly startTime: string;
        readonly ageHours: number;
        readonly snapshotIds: string[];
    };
    /** The newest set, when it is not good: what is wrong with it. */
    readonly newestSetProblems: string[];
    readonly inconsistentSets: number;
    readonly rpoBreached: boolean;
}

export interface EnvironmentVerdict {
    readonly name: string;
    readonly rpoHours: number;
    readonly instances: InstanceVerdict[];
    /** Per copy destination: the newest complete copied set of each instance against its RPO. */
    readonly copies?: CopyVerdict[];
    /** Why the copies were not judged (never silently skipped). */
    readonly copiesNotChecked?: string;
    /** With retention configured: what the lifecycle function would delete now (a dry run). */
    readonly retention?: { readonly days: number; readonly minSets: number; readonly wouldDelete: Deletion[] };
}

export interface VerifyInputs {
    readonly inventory: readonly InventoryInstance[];
    readonly attachments: readonly Attachment[];
    readonly snapshots: readonly SnapshotRecord[];
    /** The copies read at the destinations, by destination label; a destination absent here was not read. */
    readonly copies?: ReadonlyMap<string, readonly CopiedSnapshot[]>;
    /** Why no destination could be read, when none was. */
    readonly copiesNotRead?: string;
}

/** The environment's enrolled instances: selected by tags, or listed in the manifest. */
export function enrolledInstances(env: FleetEnvironment, inventory: readonly InventoryInstance[], now: Date): InventoryInstance[] {
    const written = new Map(env.instances.map((id) => [id, env.spec.targetTags]));
    const { enrolled } = classifyFleet(inventory, { ...env.spec, scopeTags: {} }, written, [], now);
    const known = new Set(enrolled.map((i) => i.instanceId));
    const listedElsewhere = env.instances
        .filter((id) => !known.has(id))
        .map((id) => ({ instanceId: id, accountId: env.spec.accountId, region: env.spec.region, tags: {} }));
    return [...enrolled, ...listedElsewhere];
}

export function verifyEnvironment(env: FleetEnvironment, inputs: VerifyInputs, now: Date, fleet = DEFAULT_FLEET): EnvironmentVerdict {
    const instances = enrolledInstances(env, inputs.inventory, now);
    const rootDevice = new Map(instances.map((i) => [i.instanceId, i.rootDeviceName]));
    const sets = snapshotSets(inputs.snapshots, inputs.attachments, {
        environment: env.spec.name,
        excludeBootVolume: env.spec.vss.excludeBootVolume,
        rootDeviceOf: (id) => rootDevice.get(id),
    });
    const { retention } = env.spec;
    const destinations = (env.spec.copies ?? []).map((d) => ({ d, label: destinationLabel(d, env.spec.accountId) }));
    const unread = destinations.filter(({ label }) => !inputs.copies?.has(label)).map(({ label }) => label);
    return {
        name: env.spec.name,
        rpoHours: env.spec.rpoHours,
        ...(destinations.length > 0
            ? {
                  copies: destinations
                      .filter(({ label }) => inputs.copies?.has(label))
                      .map(({ d, label }) =>
                          judgeCopies(
                              label,
                              d.rpoHours ?? env.spec.rpoHours + 24,
                              inputs.copies?.get(label) ?? [],
                              instances.map((i) => i.instanceId),
                              now,
                          ),
                      ),
                  ...(unread.length > 0
                      ? { copiesNotChecked: `copies not checked at ${unread.join(", ")}: ${inputs.copiesNotRead ?? "not read"}` }
                      : {}),
              }
            : {}),
        ...(retention
            ? { retention: { ...retention, wouldDelete: retentionPlan(sets, retention, { environment: env.spec.name, fleet }, now) } }
            : {}),
        instances: instances.map((instance) => {
            const mine = sets.get(instance.instanceId) ?? [];
            const { newestGood: good, ageHours, breached } = judgeRpo(mine, env.spec.rpoHours, now);
            return {
                instanceId: instance.instanceId,
                ...(instance.name ? { name: instance.name } : {}),
                ...(good && ageHours !== undefined
                    ? {
                          newestGoodSet: {
                              key: good.key,
                              startTime: good.startTime.toISOString(),
                              ageHours: roundHours(ageHours, 1),
                              snapshotIds: good.snapshots.map((s) => s.snapshotId),
                          },
                      }
                    : {}),
                newestSetProblems: mine[0] && !mine[0].good ? mine[0].problems : [],
                inconsistentSets: mine.filter((s) => !s.good).length,
                rpoBreached: breached,
            };
        }),
    };
}

export function verifyExitCode(verdicts: readonly EnvironmentVerdict[]): number {
    const breached = (e: EnvironmentVerdict) =>
        e.instances.some((i) => i.rpoBreached) || (e.copies ?? []).some((c) => c.instances.some((i) => i.rpoBreached));
    return verdicts.some(breached) ? 1 : 0;
}

export function verifyText(verdicts: readonly EnvironmentVerdict[]): string {
    const lines: string[] = [];
    for (const env of verdicts) {
        lines.push(`${env.name} (RPO ${env.rpoHours} h)`);
        for (const i of env.instances) {
            const label = i.name ? `${i.instanceId} (${i.name})` : i.instanceId;
            const newest = i.newestGoodSet ? `newest good set ${i.newestGoodSet.ageHours} h old` : "no good set";
            lines.push(
                `  ${i.rpoBreached ? "BREACH" : "ok    "} ${label}: ${newest}${i.inconsistentSets ? `; ${i.inconsistentSets} bad set(s)` : ""}`,
            );
            lines.push(...i.newestSetProblems.map((p) => `         newest set: ${p}`));
        }
        for (const copy of env.copies ?? []) {
            lines.push(`  copies at ${copy.destination} (RPO ${copy.rpoHours} h)`);
            for (const i of copy.instances) {
                const newest = i.newestCompleteSet
                    ? `newest complete copied set ${i.newestCompleteSet.ageHours} h old`
                    : "no complete copied set";
                lines.push(
                    `    ${i.rpoBreached ? "BREACH" : "ok    "} ${i.instanceId}: ${newest}${i.incompleteSets ? `; ${i.incompleteSets} incomplete copied set(s)` : ""}`,
                );
            }
        }
        if (env.copiesNotChecked) {
            lines.push(`  ${env.copiesNotChecked}`);
        }
        if (env.retention) {
            const { days, minSets, wouldDelete } = env.retention;
            const snapshots = wouldDelete.reduce((n, d) => n + d.snapshotIds.length, 0);
            lines.push(
                `  retention (${days} days, at least ${minSets} good sets): would delete ${wouldDelete.length} set(s), ${snapshots} snapshot(s)`,
            );
            lines.push(...wouldDelete.map((d) => `    - ${d.instanceId} set of ${d.startTime} (${d.reason}): ${d.snapshotIds.join(", ")}`));
        }
    }
    const breaches = verdicts.reduce((n, e) => n + e.instances.filter((i) => i.rpoBreached).length, 0);
    const copyBreaches = verdicts.reduce(
        (n, e) => n + (e.copies ?? []).reduce((m, c) => m + c.instances.filter((i) => i.rpoBreached).length, 0),
        0,
    );
    lines.push(
        breaches === 0
            ? "OK: every enrolled instance has a good set within its RPO."
            : `BREACH: ${breaches} instance(s) without a good set within the RPO.`,
    );
    if (copyBreaches > 0) {
        lines.push(`BREACH: ${copyBreaches} copied instance set(s) missing or older than the destination's RPO.`);
    }
    return lines.join("\n");
}
