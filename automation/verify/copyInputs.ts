/**
 * The copies `verify` judges: read from describe-snapshots exports of the destinations (offline), or
 * live from the destinations in the environment's own account. A destination in another account is not
 * read live (the CLI holds no credentials there): `verify` says so, and `--offline --copy-snapshots`
 * with an export made in that account checks it.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { EnvironmentSpec } from "../../core/environment";
import { describeEnvironmentSnapshots } from "../../core/lifecycle/awsShapes";
import { COPY_DESTINATION_TAG_KEY, destinationLabel, toCopiedSnapshot, type CopiedSnapshot } from "../../core/lifecycle/copies";
import type { SnapshotRecord } from "../../core/lifecycle/sets";

/** Copies grouped by the destination their tag names; snapshots that are not copies are left out. */
export function copiesByDestination(snapshots: readonly SnapshotRecord[]): Map<string, CopiedSnapshot[]> {
    const byDestination = new Map<string, CopiedSnapshot[]>();
    for (const snapshot of snapshots) {
        const copy = toCopiedSnapshot(snapshot);
        const destination = snapshot.tags[COPY_DESTINATION_TAG_KEY];
        if (copy && destination) {
            byDestination.set(destination, [...(byDestination.get(destination) ?? []), copy]);
        }
    }
    return byDestination;
}

export async function liveCopies(
    spec: EnvironmentSpec,
    clientFor: (region: string) => EC2Client,
): Promise<{ copies?: Map<string, CopiedSnapshot[]>; copiesNotRead?: string }> {
    const destinations = spec.copies ?? [];
    if (destinations.length === 0) {
        return {};
    }
    const copies = new Map<string, CopiedSnapshot[]>();
    for (const destination of destinations) {
        if (destination.accountId !== undefined && destination.accountId !== spec.accountId) {
            continue;
        }
        const snapshots = await describeEnvironmentSnapshots(clientFor(destination.region), spec.name);
        const label = destinationLabel(destination, spec.accountId);
        copies.set(label, copiesByDestination(snapshots).get(label) ?? []);
    }
    return { copies, copiesNotRead: "another account is not read live; pass --offline --copy-snapshots with an export made there" };
}
