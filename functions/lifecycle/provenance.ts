/**
 * What the function does with the provenance verdicts (core/lifecycle/provenance.ts judges):
 * contradicted sets alert, every untrusted set and every untied snapshot is counted, and a set proven by SSM's execution
 * history gets that execution recorded on its snapshots while the history still holds it (SSM drops
 * it after about 30 days, long before most retention periods end).
 */
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { untrustedSets, WINDOW_EXECUTION_TAG_KEY } from "../../core/lifecycle/provenance";
import type { SnapshotRecord, SnapshotSet } from "../../core/lifecycle/sets";
import type { Failure, Metric } from "./report";

/** EC2 CreateTags takes at most 1,000 resources per call. */
const RESOURCES_PER_CALL = 1000;

/** An alert entry per contradicted set: nothing of it is deleted, and a person should look. */
export function contradictionFailures(sets: ReadonlyMap<string, readonly SnapshotSet[]>): Failure[] {
    return untrustedSets(sets)
        .filter((s) => s.provenance?.verdict === "contradicted")
        .map((s) => ({
            subject: `snapshot set ${s.key} of ${s.instanceId} from ${s.startTime.toISOString()} is not trusted and will never be deleted`,
            reasons: s.provenance?.reasons ?? [],
        }));
}

/**
 * Every set the function refuses to treat as ours, counted: contradicted (also alerted), unproven
 * (kept; an instance that left the fleet, or evidence since gone), and snapshots no evidence ties to
 * an instance at all (copies, snapshots of deleted volumes, tags on someone else's snapshot).
 */
export function provenanceMetrics(sets: ReadonlyMap<string, readonly SnapshotSet[]>, untied: readonly SnapshotRecord[] = []): Metric[] {
    const untrusted = untrustedSets(sets);
    const count = (verdict: string) => untrusted.filter((s) => s.provenance?.verdict === verdict).length;
    return [
        { MetricName: "ContradictedSets", Value: count("contradicted"), Unit: "Count" },
        { MetricName: "UnprovenSets", Value: count("unproven"), Unit: "Count" },
        { MetricName: "UntiedSnapshots", Value: untied.length, Unit: "Count" },
    ];
}

/** Records the execution on each snapshot of a proven set that does not carry it yet; returns what failed. */
export async function recordExecutions(ec2: EC2Client, sets: ReadonlyMap<string, readonly SnapshotSet[]>): Promise<Failure[]> {
    const byExecution = new Map<string, string[]>();
    for (const set of [...sets.values()].flat()) {
        const id = set.provenance?.verdict === "proven" ? set.provenance.windowExecutionId : undefined;
        const unrecorded = set.snapshots.filter((s) => s.tags[WINDOW_EXECUTION_TAG_KEY] === undefined).map((s) => s.snapshotId);
        if (id !== undefined && unrecorded.length > 0) {
            byExecution.set(id, [...(byExecution.get(id) ?? []), ...unrecorded]);
        }
    }
    const failures: Failure[] = [];
    for (const [id, snapshotIds] of byExecution) {
        for (let i = 0; i < snapshotIds.length; i += RESOURCES_PER_CALL) {
            const resources = snapshotIds.slice(i, i + RESOURCES_PER_CALL);
            try {
                await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: [{ Key: WINDOW_EXECUTION_TAG_KEY, Value: id }] }));
            } catch (error) {
                failures.push({
                    subject: `recording window execution ${id}`,
                    reasons: [
                        `tagging ${resources.length} snapshot(s) failed (${error instanceof Error ? error.name : String(error)}); the next run retries`,
                    ],
                });
            }
        }
    }
    return failures;
}
