/**
 * Provenance: is a snapshot set provably one this environment's backup made? Tags prove nothing on
 * their own (any principal with ec2:CreateTags can write them, and IAM cannot condition a delete on
 * how a tag got there), so a set is trusted only when independent pieces of evidence agree:
 * 1. the tags: this environment and fleet, one engine, and that engine's set id;
 * 2. the description the engine's document writes (components/document/);
 * 3. the volume: attached to the set's instance, and attached before the snapshot started
 *    (DescribeVolumes, which no tag can change), the instance one this environment targets;
 * 4. the time: the snapshot started inside an execution of this environment's maintenance window
 *    (SSM's execution history), or, once SSM has dropped that history, a record the lifecycle
 *    function wrote while the history still showed it.
 * Evidence that disagrees makes the set CONTRADICTED (report and alert); evidence that is gone (a
 * deleted volume, an expired history) leaves it UNPROVEN (report). Neither is ever deleted, and
 * neither counts as a good set.
 */
import { ENGINE_TAG_KEY, ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../environment/tags";
import type { Attachment, SnapshotRecord, SnapshotSet } from "./sets";

/**
 * The window execution that took a snapshot: written at creation by the aws-vss task
 * ({{WINDOW_EXECUTION_ID}}), and by the lifecycle function on a proven set that lacks it. Checked
 * against SSM's history while it lasts; trusted as a record after (deletion-safety.md says why).
 */
export const WINDOW_EXECUTION_TAG_KEY = "vss-fleet:window-execution";
/** Written by the diskshadow engine: the instance and DISKSHADOW's shadow set id. */
export const INSTANCE_ID_TAG_KEY = "vss-fleet:instance-id";
export const SHADOW_SET_TAG_KEY = "vss-fleet:shadow-set-id";
export const AWS_VSS_SET_TAG_KEY = "AwsVssConfig";

/**
 * The snapshot description each engine writes: the aws-vss document's `description` default, and
 * the -Description of VssFleetSnapshot.ps1's New-EC2SnapshotBatch (test/lifecycle/provenance.test.ts
 * reads both, so a change there fails here).
 */
export function expectedDescription(engine: string, owner: { environment: string; fleet: string }, setKey: string): string | undefined {
    if (engine === "aws-vss") {
        return `vss-fleet ${owner.fleet}/${owner.environment}`;
    }
    if (engine === "diskshadow") {
        return `vss-fleet ${owner.environment} ${setKey}`;
    }
    return undefined;
}

export interface WindowExecution {
    readonly id: string;
    readonly start: Date;
    /** Absent while the execution is still running (the verify task runs inside it). */
    readonly end?: Date;
}

export interface ProvenanceEvidence {
    readonly environment: string;
    readonly fleet: string;
    /** The instances the environment targets now: only their sets can be ours. */
    readonly instanceIds: ReadonlySet<string>;
    /** Every known attachment of the volumes the snapshots were taken from, whatever the instance. */
    readonly attachments: readonly Attachment[];
    /** Every volume DescribeVolumes returned, attached or not: a volume missing here no longer exists. */
    readonly knownVolumeIds: ReadonlySet<string>;
    /**
     * The window's execution history (SSM keeps about 30 days of it). Undefined when it was not
     * read (offline verify): the time is then not checked, and no set is deletable.
     */
    readonly executions?: readonly WindowExecution[];
    /**
     * For the executions whose Run Command invocations were read (this run's, and those that date a
     * set of an instance the environment does not target): the instances the window ran its command
     * on. Only that command writes this environment's tags with the document's description, so a set
     * dated inside such an execution, of an instance it did not run on, is forged.
     */
    readonly executionTargets?: ReadonlyMap<string, ReadonlySet<string>>;
    readonly now: Date;
}

export type Verdict = "proven" | "unproven" | "contradicted";

export interface Provenance {
    readonly verdict: Verdict;
    /** Contradictions first, then the evidence that is missing; empty when proven. */
    readonly reasons: string[];
    /** The execution whose interval holds the set's start, when the history still shows it. */
    readonly windowExecutionId?: string;
    /** Proven, with the window history read: the only sets retention may delete. */
    readonly deletable: boolean;
}

interface Findings {
    readonly contradictions: string[];
    readonly missing: string[];
}

function tagEvidence(set: SnapshotSet, evidence: ProvenanceEvidence, found: Findings): string | undefined {
    const engines = [...new Set(set.snapshots.map((s) => s.tags[ENGINE_TAG_KEY] ?? "(none)"))];
    if (engines.length > 1) {
        found.contradictions.push(`the set mixes engines ${engines.join(", ")}`);
        return undefined;
    }
    const engine = engines[0];
    if (engine !== "aws-vss" && engine !== "diskshadow") {
        found.contradictions.push(`${set.snapshots[0].snapshotId} carries no known ${ENGINE_TAG_KEY} (${engine})`);
        return undefined;
    }
    const idKey = engine === "aws-vss" ? AWS_VSS_SET_TAG_KEY : SHADOW_SET_TAG_KEY;
    for (const s of set.snapshots) {
        if (s.tags[ENVIRONMENT_TAG_KEY] !== evidence.environment || s.tags[FLEET_TAG_KEY] !== evidence.fleet) {
            // Name the tag that disagrees: "tagged for fleet 'acme', not 'acme'" sent readers after the wrong one.
            const environment = s.tags[ENVIRONMENT_TAG_KEY] ?? "";
            const fleet = s.tags[FLEET_TAG_KEY] ?? "";
            found.contradictions.push(
                fleet !== evidence.fleet
                    ? `${s.snapshotId} is tagged for fleet '${fleet}', not '${evidence.fleet}'`
                    : `${s.snapshotId} is tagged for environment '${environment}', not '${evidence.environment}'`,
            );
        }
        if (s.tags[idKey] !== set.key) {
            found.contradictions.push(`${s.snapshotId} lacks the ${engine} set id ${idKey}`);
        }
        // DISKSHADOW's script names the instance itself; a different name is a forged or copied tag.
        if (engine === "diskshadow" && s.tags[INSTANCE_ID_TAG_KEY] !== set.instanceId) {
            found.contradictions.push(`${s.snapshotId} names instance '${s.tags[INSTANCE_ID_TAG_KEY] ?? ""}', not ${set.instanceId}`);
        }
        const description = expectedDescription(engine, evidence, set.key);
        if ((s.description ?? "") !== description) {
            found.contradictions.push(
                `${s.snapshotId}'s description '${s.description ?? ""}' is not the ${engine} document's '${description}'`,
            );
        }
    }
    return engine;
}

/**
 * The attachments by volume, built once per evidence list: a scan per snapshot made a verify over
 * 180,000 snapshots and 3,000 volumes half a billion comparisons. Keyed by the list itself, so a
 * caller that builds new evidence gets a new index and nothing is held after the list is dropped.
 */
const attachmentIndexes = new WeakMap<readonly Attachment[], Map<string, Attachment[]>>();

function attachmentsOf(evidence: ProvenanceEvidence, volumeId: string): readonly Attachment[] {
    let index = attachmentIndexes.get(evidence.attachments);
    if (!index) {
        index = new Map();
        for (const a of evidence.attachments) {
            const list = index.get(a.volumeId);
            if (list) {
                list.push(a);
            } else {
                index.set(a.volumeId, [a]);
            }
        }
        attachmentIndexes.set(evidence.attachments, index);
    }
    return index.get(volumeId) ?? [];
}

function volumeEvidence(set: SnapshotSet, evidence: ProvenanceEvidence, found: Findings): void {
    // An instance that left the fleet keeps its genuine sets: unproven (counted), not contradicted
    // (alerted). The same evidence fits a snapshot of someone else's instance with copied tags, so the
    // reason never suggests deleting it: whose it is, is for the owner's records to say.
    if (!evidence.instanceIds.has(set.instanceId)) {
        found.missing.push(
            `${set.instanceId} is not an instance this environment targets, so nothing proves the set is this fleet's: it is kept, never deleted, and counted in UnprovenSets`,
        );
    }
    for (const s of set.snapshots) {
        const attachments = attachmentsOf(evidence, s.volumeId);
        const mine = attachments.find((a) => a.instanceId === set.instanceId);
        if (mine && mine.attachTime > s.startTime) {
            found.contradictions.push(
                `${s.volumeId} was attached to ${set.instanceId} at ${mine.attachTime.toISOString()}, after ${s.snapshotId} started`,
            );
        } else if (!mine && attachments.length > 0) {
            const others = attachments.map((a) => a.instanceId).join(", ");
            found.contradictions.push(`${s.snapshotId} is of ${s.volumeId}, attached to ${others}, not to ${set.instanceId}`);
        } else if (!mine) {
            found.missing.push(
                evidence.knownVolumeIds.has(s.volumeId)
                    ? `${s.volumeId} of ${s.snapshotId} is attached to no instance now, so its attachment cannot be proven`
                    : `${s.volumeId} of ${s.snapshotId} no longer exists, so its attachment cannot be proven`,
            );
        }
    }
}

function contains(execution: WindowExecution, at: Date, now: Date): boolean {
    return execution.start <= at && at <= (execution.end ?? now);
}

function timeEvidence(set: SnapshotSet, executions: readonly WindowExecution[], now: Date, found: Findings): string | undefined {
    const oldest = executions.reduce<Date | undefined>((min, e) => (min === undefined || e.start < min ? e.start : min), undefined);
    const ids = new Set<string>();
    for (const s of set.snapshots) {
        const stamp = s.tags[WINDOW_EXECUTION_TAG_KEY];
        const execution = executions.find((e) => contains(e, s.startTime, now));
        if (execution) {
            ids.add(execution.id);
            if (stamp !== undefined && stamp !== execution.id) {
                found.contradictions.push(`${s.snapshotId} records window execution ${stamp}, but it started during ${execution.id}`);
            }
        } else if (oldest !== undefined && s.startTime >= oldest) {
            found.contradictions.push(`${s.snapshotId} started at ${s.startTime.toISOString()}, outside every run of the window`);
        } else if (stamp === undefined) {
            found.missing.push(
                `${s.snapshotId} started before the window's execution history (SSM keeps about 30 days) and carries no ${WINDOW_EXECUTION_TAG_KEY} record`,
            );
        } else {
            ids.add(stamp); // recorded by the function while SSM's history still showed it
        }
    }
    if (ids.size > 1) {
        found.contradictions.push(`the set's snapshots come from different window executions (${[...ids].join(", ")})`);
        return undefined;
    }
    return [...ids][0];
}

/** The verdict on one set. */
export function judgeSet(set: SnapshotSet, evidence: ProvenanceEvidence): Provenance {
    const found: Findings = { contradictions: [], missing: [] };
    tagEvidence(set, evidence, found);
    volumeEvidence(set, evidence, found);
    const windowExecutionId = evidence.executions ? timeEvidence(set, evidence.executions, evidence.now, found) : undefined;
    const targets = windowExecutionId !== undefined ? evidence.executionTargets?.get(windowExecutionId) : undefined;
    if (targets && !targets.has(set.instanceId)) {
        found.contradictions.push(
            `the window's execution ${windowExecutionId} ran its command on ${targets.size} instance(s), not on ${set.instanceId}, so no run of ours took this set`,
        );
    }
    const verdict: Verdict = found.contradictions.length > 0 ? "contradicted" : found.missing.length > 0 ? "unproven" : "proven";
    return {
        verdict,
        reasons: [...found.contradictions, ...found.missing],
        ...(windowExecutionId !== undefined ? { windowExecutionId } : {}),
        deletable: verdict === "proven" && evidence.executions !== undefined,
    };
}

/** Every snapshot names another fleet: that fleet's set (two projects may share an environment name), not ours to judge. */
function anotherFleets(set: SnapshotSet, fleet: string): boolean {
    return set.snapshots.every((s) => s.tags[FLEET_TAG_KEY] !== undefined && s.tags[FLEET_TAG_KEY] !== fleet);
}

/**
 * Every set with its verdict; a set that is not proven is not good, whatever its snapshots say.
 * Sets wholly of another fleet are left out: retention never touched them, and they are not ours to judge.
 */
export function judgeSets(
    setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>,
    evidence: ProvenanceEvidence,
): Map<string, SnapshotSet[]> {
    const judged = new Map<string, SnapshotSet[]>();
    for (const [instanceId, sets] of setsByInstance) {
        const mine = sets.filter((set) => !anotherFleets(set, evidence.fleet));
        judged.set(
            instanceId,
            mine.map((set) => {
                const provenance = judgeSet(set, evidence);
                const trusted = provenance.verdict === "proven";
                const problems = trusted ? set.problems : [...set.problems, ...provenance.reasons.map((r) => `not trusted: ${r}`)];
                return { ...set, provenance, problems, good: set.good && trusted, completing: set.completing && trusted };
            }),
        );
    }
    return judged;
}

/** Every set that is not proven, for reports: contradicted ones alert, unproven ones are counted. */
export function untrustedSets(setsByInstance: ReadonlyMap<string, readonly SnapshotSet[]>): SnapshotSet[] {
    return [...setsByInstance.values()].flat().filter((s) => s.provenance !== undefined && s.provenance.verdict !== "proven");
}

/** The volume ids snapshots were taken from, for a DescribeVolumes by id. */
export function snapshotVolumeIds(snapshots: readonly SnapshotRecord[]): string[] {
    return [...new Set(snapshots.map((s) => s.volumeId))].sort();
}
