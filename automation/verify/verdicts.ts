/**
 * `vss-fleet verify`: for every enrolled instance, the newest good snapshot set and its age, missing
 * volumes, inconsistent sets and RPO breaches. An instance breaches when it has no good set, or its
 * newest good set is older than the environment's rpoHours. Sets are judged for provenance like the
 * lifecycle function judges them (provenance.ts), without the window's execution history: a set
 * whose tags contradict its volumes is untrusted here too, and never counts as good.
 */
import type { InventoryInstance } from "../../policies/policyConfig";
import { classifyFleet } from "../../policies/lib/fleetClassification";
import { DEFAULT_FLEET, FLEET_TAG_KEY } from "../../core/environment/tags";
import type { FleetEnvironment } from "../manifest/load";
import { judgeSets } from "../../core/lifecycle/provenance";
import type { RecycleBinVerdict } from "../../core/lifecycle/recycleBin";
import { hasTiers, tierKeepers, type TierCounts } from "../../core/lifecycle/tiers";
import { retentionRuleOf } from "../../core/lifecycle/lifecycleSettings";
import { retentionReview, type Deletion, type Withheld } from "../../core/lifecycle/retention";
import { judgeRpo, roundHours } from "../../core/lifecycle/rpo";
import { destinationLabel, judgeCopies, type CopiedSnapshot, type CopyVerdict } from "../../core/lifecycle/copies";
import { snapshotSets, untiedSnapshots, type Attachment, type SnapshotRecord, type SnapshotSet } from "../../core/lifecycle/sets";

export interface InstanceVerdict {
    readonly instanceId: string;
    readonly name?: string;
    readonly newestGoodSet?: {
        readonly key: string;
        readonly startTime: string;
        readonly ageHours: number;
        readonly snapshotIds: string[];
    };
    /** Every good set, newest first: the restore points, each with what keeps and protects it. */
    readonly goodSets: GoodSet[];
    /** The newest set, when it is not good: what is wrong with it. */
    readonly newestSetProblems: string[];
    readonly inconsistentSets: number;
    /** Sets whose evidence does not prove they are this environment's: never good, never deleted. */
    readonly untrustedSets: { readonly key: string; readonly startTime: string; readonly verdict: string; readonly reasons: string[] }[];
    readonly rpoBreached: boolean;
}

/** A restore point as verify lists it. */
export interface GoodSet {
    readonly key: string;
    readonly startTime: string;
    /** aws-vss | diskshadow (the sets' vss-fleet:engine tag). */
    readonly engine: string;
    /** The retention tiers that keep it ("newest of month 2026-10"); empty without tiers or when none does. */
    readonly tiers: string[];
    /** archive | standard | partly archived; "not read" when DescribeSnapshots did not say (older exports). */
    readonly storage: string;
    /** The copy destinations that hold a complete copy of it (only those read; see copiesNotChecked). */
    readonly copies: string[];
}

export interface EnvironmentVerdict {
    readonly name: string;
    /** Whether a Recycle Bin rule keeps the environment's deleted snapshots (set by the command). */
    readonly recycleBin?: RecycleBinVerdict;
    readonly rpoHours: number;
    /**
     * Set when no instance of the environment's account and region was read (no inventory for it, or
     * none there): its verdict is "not checked", never OK, and verify's exit code is 1.
     */
    readonly notChecked?: string;
    /** An AWS call failed while reading the environment (one line: which call, where, what to check): nothing was judged. */
    readonly failed?: string;
    /**
     * Sets of this environment tagged for another fleet (another project's name): never judged as
     * ours, and named so that a wrong project name is seen, not read as "no good set".
     */
    readonly otherFleets?: { readonly fleet: string; readonly sets: number }[];
    readonly instances: InstanceVerdict[];
    /** Per copy destination: the newest complete copied set of each instance against its RPO. */
    readonly copies?: CopyVerdict[];
    /** Why the copies were not judged (never silently skipped). */
    readonly copiesNotChecked?: string;
    /**
     * Snapshots with this environment's and fleet's tags and a set id that nothing ties to an
     * instance (copies, snapshots of deleted volumes): never deleted; listed only when there are some.
     */
    readonly untiedSnapshots?: string[];
    /** With retention configured: what the lifecycle function would delete now (a dry run). */
    readonly retention?: TierCounts & {
        readonly days: number;
        readonly minSets: number;
        readonly wouldDelete: Deletion[];
        /** Old enough to go, but the evidence does not prove them ours: the function keeps them. */
        readonly withheld: Withheld[];
    };
}

export interface VerifyInputs {
    readonly inventory: readonly InventoryInstance[];
    readonly attachments: readonly Attachment[];
    /** Every volume described, attached or not; default: the attached ones. */
    readonly volumeIds?: readonly string[];
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

/** The environment's enrolled instances and its snapshots grouped into sets per instance, before any judgement. */
export interface GroupedSets {
    readonly instances: InventoryInstance[];
    readonly grouped: Map<string, SnapshotSet[]>;
}

export function groupSets(
    env: FleetEnvironment,
    inputs: Pick<VerifyInputs, "inventory" | "attachments" | "snapshots">,
    now: Date,
): GroupedSets {
    const instances = enrolledInstances(env, inputs.inventory, now);
    const rootDevice = new Map(instances.map((i) => [i.instanceId, i.rootDeviceName]));
    const grouped = snapshotSets(inputs.snapshots, inputs.attachments, {
        environment: env.spec.name,
        excludeBootVolume: env.spec.vss.excludeBootVolume,
        rootDeviceOf: (id) => rootDevice.get(id),
    });
    return { instances, grouped };
}

/**
 * Sets whose every snapshot is tagged for one other fleet, counted per fleet name: the sign of a
 * project whose name (Pulumi.yaml) is not the one that took them. `instanceId` narrows to one instance.
 */
export function otherFleetSets({ grouped }: GroupedSets, fleet: string, instanceId?: string): { fleet: string; sets: number }[] {
    const others = new Map<string, number>();
    const sets = instanceId === undefined ? [...grouped.values()].flat() : (grouped.get(instanceId) ?? []);
    for (const set of sets) {
        const tagged = new Set(set.snapshots.map((s) => s.tags[FLEET_TAG_KEY]));
        const [other] = tagged;
        if (tagged.size === 1 && other !== undefined && other !== fleet) {
            others.set(other, (others.get(other) ?? 0) + 1);
        }
    }
    return [...others].map(([name, n]) => ({ fleet: name, sets: n }));
}

/**
 * The environment's snapshot sets per instance, newest first, judged: the one notion of a good set
 * that `verify` reports and `restore` restores (a set is good only when whole and proven this
 * environment's, provenance.ts). Sets wholly of another fleet are left out.
 */
export function judgedSets(
    env: FleetEnvironment,
    { instances, grouped }: GroupedSets,
    inputs: Pick<VerifyInputs, "attachments" | "volumeIds">,
    now: Date,
    fleet = DEFAULT_FLEET,
): Map<string, SnapshotSet[]> {
    return judgeSets(grouped, {
        environment: env.spec.name,
        fleet,
        instanceIds: new Set(instances.map((i) => i.instanceId)),
        attachments: inputs.attachments,
        knownVolumeIds: new Set(inputs.volumeIds ?? inputs.attachments.map((a) => a.volumeId)),
        now,
    });
}

export function verifyEnvironment(env: FleetEnvironment, inputs: VerifyInputs, now: Date, fleet = DEFAULT_FLEET): EnvironmentVerdict {
    // Grouped once: the judgement and the other-fleet count read the same sets.
    const grouping = groupSets(env, inputs, now);
    const { instances } = grouping;
    const sets = judgedSets(env, grouping, inputs, now, fleet);
    const untied = untiedSnapshots(inputs.snapshots, inputs.attachments, { environment: env.spec.name, fleet });
    const { retention } = env.spec;
    // The dry run: what the function would delete if the window's history (which verify does not read) also agrees.
    const review = retention
        ? retentionReview(sets, retentionRuleOf(env.spec) ?? retention, { environment: env.spec.name, fleet }, now, {
              windowHistoryRead: false,
          })
        : undefined;
    const destinations = (env.spec.copies ?? []).map((d) => ({ d, label: destinationLabel(d, env.spec.accountId) }));
    const unread = destinations.filter(({ label }) => !inputs.copies?.has(label)).map(({ label }) => label);
    const others = otherFleetSets(grouping, fleet);
    const where = `${env.spec.accountId}/${env.spec.region}`;
    const read = inputs.inventory.some((i) => i.accountId === env.spec.accountId && i.region === env.spec.region);
    return {
        name: env.spec.name,
        rpoHours: env.spec.rpoHours,
        ...(others.length > 0 ? { otherFleets: others } : {}),
        ...(read
            ? {}
            : {
                  notChecked: `not checked: no instance in ${where} was read (an --inventory file of that account and region, or credentials for it)`,
              }),
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
        ...(untied.length > 0 ? { untiedSnapshots: untied.map((s) => s.snapshotId) } : {}),
        ...(retention && review ? { retention: { ...retention, wouldDelete: review.deletions, withheld: review.withheld } } : {}),
        instances: instances.map((instance) => {
            const mine = sets.get(instance.instanceId) ?? [];
            const { newestGood: good, ageHours, breached } = judgeRpo(mine, env.spec.rpoHours, now);
            const goodSets = mine.filter((s) => s.good);
            const rule = retentionRuleOf(env.spec);
            const keepers = rule && hasTiers(rule) ? tierKeepers(goodSets, rule, rule.timeZone ?? "UTC") : new Map<SnapshotSet, string[]>();
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
                goodSets: goodSets.map((s) => ({
                    key: s.key,
                    startTime: s.startTime.toISOString(),
                    engine: s.snapshots[0]?.tags["vss-fleet:engine"] ?? "unknown",
                    tiers: keepers.get(s) ?? [],
                    storage: storageOf(s),
                    copies: destinations.filter(({ label }) => completeCopy(inputs.copies?.get(label), s)).map(({ label }) => label),
                })),
                newestSetProblems: mine[0] && !mine[0].good ? mine[0].problems : [],
                inconsistentSets: mine.filter((s) => !s.good).length,
                untrustedSets: mine
                    .filter((s) => s.provenance && s.provenance.verdict !== "proven")
                    .map((s) => ({
                        key: s.key,
                        startTime: s.startTime.toISOString(),
                        verdict: s.provenance?.verdict ?? "",
                        reasons: s.provenance?.reasons ?? [],
                    })),
                rpoBreached: breached,
            };
        }),
    };
}

function storageOf(set: SnapshotSet): string {
    const tiers = new Set(set.snapshots.map((s) => s.storageTier));
    if (tiers.has(undefined)) {
        return "not read";
    }
    return tiers.size === 1 ? ([...tiers][0] ?? "not read") : "partly archived";
}

/** Whether a destination holds a completed copy of every snapshot of the set. */
function completeCopy(copies: readonly CopiedSnapshot[] | undefined, set: SnapshotSet): boolean {
    const copied = new Set(
        (copies ?? [])
            .filter((c) => c.instanceId === set.instanceId && c.setKey === set.key && c.state === "completed")
            .map((c) => c.sourceSnapshotId),
    );
    return set.snapshots.every((s) => copied.has(s.snapshotId));
}

export function verifyExitCode(verdicts: readonly EnvironmentVerdict[]): number {
    const breached = (e: EnvironmentVerdict) =>
        e.instances.some((i) => i.rpoBreached) || (e.copies ?? []).some((c) => c.instances.some((i) => i.rpoBreached));
    return verdicts.some((e) => breached(e) || e.notChecked !== undefined || e.failed !== undefined) ? 1 : 0;
}
