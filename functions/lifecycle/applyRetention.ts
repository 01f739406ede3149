/**
 * Carries out the set-aware retention plan (core/lifecycle/retention.ts decides; this deletes).
 * A set's snapshots are deleted one by one, as EC2 has no batch delete. If one fails, the rest of
 * that set is left alone and reported: the remainder is then a bad, old set, which the next run's
 * plan deletes, so a partial set never lingers and never counts as a good one.
 */
import { DeleteSnapshotCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { Deletion } from "../../core/lifecycle/retention";
import type { Failure } from "./report";

export interface RetentionOutcome {
    readonly deletedSnapshotIds: string[];
    readonly failures: Failure[];
}

function errorName(error: unknown): string {
    return error instanceof Error ? error.name : String(error);
}

export async function applyRetention(ec2: EC2Client, deletions: readonly Deletion[]): Promise<RetentionOutcome> {
    const deletedSnapshotIds: string[] = [];
    const failures: Failure[] = [];
    for (const deletion of deletions) {
        for (const [index, snapshotId] of deletion.snapshotIds.entries()) {
            try {
                await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
                deletedSnapshotIds.push(snapshotId);
            } catch (error) {
                if (errorName(error) === "InvalidSnapshot.NotFound") {
                    continue; // already gone (a retried run, or deleted by hand): the goal is met
                }
                const left = deletion.snapshotIds.length - index;
                failures.push({
                    subject: `retention of ${deletion.instanceId}'s set from ${deletion.startTime}`,
                    reasons: [
                        `deleting ${snapshotId} failed (${errorName(error)}: ${error instanceof Error ? error.message : ""}); ` +
                            `${left} snapshot(s) of the set were kept and the next run retries`,
                    ],
                });
                break;
            }
        }
    }
    return { deletedSnapshotIds, failures };
}
