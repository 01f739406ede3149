/**
 * What the function does with the provenance verdicts (core/lifecycle/provenance.ts judges):
 * contradicted sets alert, every untrusted set and every untied snapshot is counted, and a set proven by SSM's execution
 * history gets that execution recorded on its snapshots while the history still holds it (SSM drops
 * it after about 30 days, long before most retention periods end).
 */
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { INSTANCE_ID_TAG_KEY, untrustedSets, WINDOW_EXECUTION_TAG_KEY } from "../../core/lifecycle/provenance";
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

/**
 * Records, on each snapshot of a proven set that does not carry them yet, the window execution and the
 * instance: the attachment evidence that proved the set goes once a volume is detached or deleted, and
 * the recorded instance keeps the set findable by it (verify, restore). Returns what failed.
 */
export async function recordExecutions(ec2: EC2Client, sets: ReadonlyMap<string, readonly SnapshotSet[]>): Promise<Failure[]> {
    const byTag = new Map<string, { key: string; value: string; what: string; snapshotIds: string[] }>();
    const record = (key: string, value: string, what: string, snapshotIds: readonly string[]) => {
        if (snapshotIds.length > 0) {
            const entry = byTag.get(`${key}\u0000${value}`) ?? { key, value, what, snapshotIds: [] };
            entry.snapshotIds.push(...snapshotIds);
            byTag.set(`${key}\u0000${value}`, entry);
        }
    };
    for (const set of [...sets.values()].flat()) {
        if (set.provenance?.verdict !== "proven") {
            continue;
        }
        const missing = (key: string) => set.snapshots.filter((s) => s.tags[key] === undefined).map((s) => s.snapshotId);
        const id = set.provenance.windowExecutionId;
        if (id !== undefined) {
            record(WINDOW_EXECUTION_TAG_KEY, id, `recording window execution ${id}`, missing(WINDOW_EXECUTION_TAG_KEY));
        }
        record(INSTANCE_ID_TAG_KEY, set.instanceId, `recording instance ${set.instanceId}`, missing(INSTANCE_ID_TAG_KEY));
    }
    const failures: Failure[] = [];
    for (const { key, value, what, snapshotIds } of byTag.values()) {
        for (let i = 0; i < snapshotIds.length; i += RESOURCES_PER_CALL) {
            const resources = snapshotIds.slice(i, i + RESOURCES_PER_CALL);
            try {
                await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: [{ Key: key, Value: value }] }));
            } catch (error) {
                failures.push({
                    subject: what,
                    reasons: [
                        `tagging ${resources.length} snapshot(s) failed (${error instanceof Error ? error.name : String(error)}); the next run retries`,
                    ],
                });
            }
        }
    }
    return failures;
}
