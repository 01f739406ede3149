/**
 * Carries out copies, snapshot locks and the archive tier after a run (core/lifecycle/copies.ts,
 * locks.ts and archive.ts decide; this calls EC2). Every step reports what failed and goes on with the
 * next one: a failed copy must not stop a lock, and nothing here ever deletes a snapshot at the source
 * except an archived set past its keepMonths.
 *
 * Cross-account copies: the source account shares each snapshot of the set with the destination
 * account (CreateVolumePermission), then the function assumes the destination's copy role (created in
 * that account under the fleet's IAM path) and calls CopySnapshot there, re-encrypting with the
 * destination's key. Copies are made by the destination account, so they are its own snapshots.
 */
import {
    CopySnapshotCommand,
    DescribeLockedSnapshotsCommand,
    EC2Client,
    LockSnapshotCommand,
    ModifySnapshotAttributeCommand,
    ModifySnapshotTierCommand,
    paginateDescribeSnapshots,
    paginateDescribeSnapshotTierStatus,
} from "@aws-sdk/client-ec2";
import { planArchive, withoutArchiveSets, type ArchiveRule, type SnapshotTier } from "../../core/lifecycle/archive";
import {
    copiedSets,
    copyTags,
    destinationLabel,
    planCopies,
    toCopiedSnapshot,
    copyDescription,
    type CopiedSnapshot,
    type CopyDestination,
} from "../../core/lifecycle/copies";
import { planLocks, withoutLockedSets, type LockRule, type SnapshotLock } from "../../core/lifecycle/locks";
import { retentionPlan, type Deletion } from "../../core/lifecycle/retention";
import type { SnapshotSet } from "../../core/lifecycle/sets";
import { ENVIRONMENT_TAG_KEY } from "../../core/environment/tags";
import { applyRetention } from "./applyRetention";
import type { Failure, Metric } from "./report";

export interface Protection {
    readonly copies?: readonly CopyDestination[];
    readonly lock?: LockRule;
    readonly archive?: ArchiveRule;
}

export interface ProtectionContext {
    readonly ec2: EC2Client;
    /** An EC2 client in a destination's region, with the destination account's copy role when it is another account. */
    readonly destinationEc2: (destination: CopyDestination) => EC2Client;
    readonly owner: { readonly environment: string; readonly fleet: string };
    readonly sourceRegion: string;
    readonly sourceAccountId: string;
}

/** What the source holds now: the locks and tiers of the environment's snapshots. */
export interface ProtectionState {
    readonly locks: Map<string, SnapshotLock>;
    readonly tiers: Map<string, SnapshotTier>;
}

/**
 * CopySnapshot's answer when the destination region's concurrent-copy quota is full: "If you exceed
 * this quota, you receive a ResourceLimitExceeded error" (docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html).
 */
const COPY_QUOTA_ERROR = "ResourceLimitExceeded";

/** EC2 takes at most this many snapshot ids in one filter. */
const IDS_PER_CALL = 200;

function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) {
        out.push(items.slice(i, i + size));
    }
    return out;
}

function describe(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function snapshotIdsOf(sets: ReadonlyMap<string, readonly SnapshotSet[]>): string[] {
    return [...sets.values()].flatMap((list) => list.flatMap((s) => s.snapshots.map((x) => x.snapshotId)));
}

export async function readProtectionState(
    ec2: EC2Client,
    protection: Protection,
    sets: ReadonlyMap<string, readonly SnapshotSet[]>,
): Promise<ProtectionState> {
    const ids = snapshotIdsOf(sets);
    const locks = new Map<string, SnapshotLock>();
    const tiers = new Map<string, SnapshotTier>();
    if (protection.lock) {
        for (const chunk of chunks(ids, IDS_PER_CALL)) {
            let token: string | undefined;
            do {
                const page = await ec2.send(new DescribeLockedSnapshotsCommand({ SnapshotIds: chunk, NextToken: token }));
                for (const s of page.Snapshots ?? []) {
                    if (s.SnapshotId) {
                        locks.set(s.SnapshotId, {
                            snapshotId: s.SnapshotId,
                            lockState: s.LockState ?? "expired",
                            ...(s.LockExpiresOn ? { lockExpiresOn: new Date(s.LockExpiresOn) } : {}),
                        });
                    }
                }
                token = page.NextToken;
            } while (token);
        }
    }
    if (protection.archive) {
        for (const chunk of chunks(ids, IDS_PER_CALL)) {
            for await (const page of paginateDescribeSnapshotTierStatus(
                { client: ec2 },
                { Filters: [{ Name: "snapshot-id", Values: chunk }] },
            )) {
                for (const s of page.SnapshotTierStatuses ?? []) {
                    if (s.SnapshotId) {
                        tiers.set(s.SnapshotId, {
                            snapshotId: s.SnapshotId,
                            storageTier: s.StorageTier ?? "standard",
                            ...(s.ArchivalCompleteTime ? { archivedAt: new Date(s.ArchivalCompleteTime) } : {}),
                        });
                    }
                }
            }
        }
    }
    return { locks, tiers };
}

/** Retention's deletions less what a lock or the archive keeps; what a lock kept is reported. */
export function protectedRetention(
    deletions: readonly Deletion[],
    protection: Protection,
    state: ProtectionState,
    sets: ReadonlyMap<string, readonly SnapshotSet[]>,
    owner: ProtectionContext["owner"],
    now: Date,
): { readonly deletions: Deletion[]; readonly keptByLock: Deletion[] } {
    const representatives = protection.archive
        ? planArchive(sets, protection.archive, state.tiers, owner, now).representatives
        : new Set<string>();
    return withoutLockedSets(withoutArchiveSets(deletions, representatives), state.locks, now);
}

export interface ProtectionOutcome {
    readonly failures: Failure[];
    readonly metrics: Metric[];
}

/** Locks, archive and copies, in that order (a lock first: it protects even if the rest fails). */
export async function applyProtection(
    context: ProtectionContext,
    protection: Protection,
    state: ProtectionState,
    sets: ReadonlyMap<string, readonly SnapshotSet[]>,
    now: Date,
): Promise<ProtectionOutcome> {
    const failures: Failure[] = [];
    const metrics: Metric[] = [];
    if (protection.lock) {
        const requests = planLocks(sets, protection.lock, state.locks, context.owner, now);
        let locked = 0;
        for (const r of requests) {
            try {
                await context.ec2.send(
                    new LockSnapshotCommand({
                        SnapshotId: r.snapshotId,
                        LockMode: r.mode,
                        LockDuration: r.lockDuration,
                        ...(r.coolOffPeriod !== undefined ? { CoolOffPeriod: r.coolOffPeriod } : {}),
                    }),
                );
                locked++;
            } catch (error) {
                failures.push({
                    subject: `lock of ${r.instanceId}'s set ${r.setKey}`,
                    reasons: [`locking ${r.snapshotId} failed (${describe(error)})`],
                });
            }
        }
        metrics.push({ MetricName: "LockedSnapshots", Value: locked, Unit: "Count" });
    }
    if (protection.archive) {
        const plan = planArchive(sets, protection.archive, state.tiers, context.owner, now);
        let archived = 0;
        for (const set of plan.archive) {
            for (const snapshotId of set.snapshotIds) {
                try {
                    await context.ec2.send(new ModifySnapshotTierCommand({ SnapshotId: snapshotId, StorageTier: "archive" }));
                    archived++;
                } catch (error) {
                    failures.push({
                        subject: `archive of ${set.instanceId}'s set ${set.setKey}`,
                        reasons: [`archiving ${snapshotId} failed (${describe(error)}); the next run resumes`],
                    });
                    break;
                }
            }
        }
        const expired = await applyRetention(context.ec2, withoutLockedSets(plan.expire, state.locks, now).deletions);
        failures.push(...expired.failures);
        metrics.push(
            { MetricName: "ArchivedSnapshots", Value: archived, Unit: "Count" },
            { MetricName: "ArchiveExpiredSnapshots", Value: expired.deletedSnapshotIds.length, Unit: "Count" },
        );
    }
    for (const destination of protection.copies ?? []) {
        const outcome = await copyToDestination(context, destination, sets, now);
        failures.push(...outcome.failures);
        metrics.push(...outcome.metrics);
    }
    return { failures, metrics };
}

/** The copies of this environment a destination holds (the copies it made, tagged by us). */
async function destinationCopies(client: EC2Client, environment: string): Promise<CopiedSnapshot[]> {
    const copies: CopiedSnapshot[] = [];
    for await (const page of paginateDescribeSnapshots(
        { client, pageSize: 1000 },
        { OwnerIds: ["self"], Filters: [{ Name: `tag:${ENVIRONMENT_TAG_KEY}`, Values: [environment] }] },
    )) {
        for (const s of page.Snapshots ?? []) {
            const tags = Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
            // Tags can be forged by anyone with ec2:CreateTags there; the description only by our CopySnapshot.
            const copy = s.SnapshotId
                ? toCopiedSnapshot({ snapshotId: s.SnapshotId, state: s.State ?? "unknown", description: s.Description, tags })
                : undefined;
            if (copy) {
                copies.push(copy);
            }
        }
    }
    return copies;
}

async function copyToDestination(
    context: ProtectionContext,
    destination: CopyDestination,
    sets: ReadonlyMap<string, readonly SnapshotSet[]>,
    now: Date,
): Promise<ProtectionOutcome> {
    const where = destinationLabel(destination, context.sourceAccountId);
    const failures: Failure[] = [];
    let client: EC2Client;
    let copies: CopiedSnapshot[];
    try {
        client = context.destinationEc2(destination);
        copies = await destinationCopies(client, context.owner.environment);
    } catch (error) {
        return {
            failures: [
                {
                    subject: `copies to ${where}`,
                    reasons: [`reading the destination failed (${describe(error)}); nothing was copied this run`],
                },
            ],
            metrics: [],
        };
    }
    const plan = planCopies({ setsByInstance: sets, copies, owner: context.owner, maxAgeDays: destination.retention.days, now });
    const crossAccount = destination.accountId !== undefined && destination.accountId !== context.sourceAccountId;
    let started = 0;
    const failedSets = new Set<string>();
    // Sets that wait for a copy slot: the planner's, plus those AWS refused for its quota this run.
    const queued = new Set(plan.queued);
    let quotaReached = false;
    for (const request of plan.start) {
        if (quotaReached) {
            queued.add(request.setKey);
            continue;
        }
        if (failedSets.has(request.setKey)) {
            continue;
        }
        try {
            if (crossAccount) {
                await context.ec2.send(
                    new ModifySnapshotAttributeCommand({
                        SnapshotId: request.sourceSnapshotId,
                        Attribute: "createVolumePermission",
                        OperationType: "add",
                        UserIds: [destination.accountId as string],
                    }),
                );
            }
            const tags = copyTags(request, context.owner, context.sourceRegion, where);
            await client.send(
                new CopySnapshotCommand({
                    SourceRegion: context.sourceRegion,
                    SourceSnapshotId: request.sourceSnapshotId,
                    Description: copyDescription(request.sourceSnapshotId, request.setKey),
                    ...(destination.kmsKeyId ? { Encrypted: true, KmsKeyId: destination.kmsKeyId } : {}),
                    TagSpecifications: [{ ResourceType: "snapshot", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
                }),
            );
            started++;
        } catch (error) {
            if (error instanceof Error && error.name === COPY_QUOTA_ERROR) {
                // The quota counts every copy into the region by the account (other environments, AWS
                // Backup), not only ours: queue, as the issue asks, and let the next run resume.
                quotaReached = true;
                queued.add(request.setKey);
                continue;
            }
            failedSets.add(request.setKey);
            failures.push({
                subject: `copy of ${request.instanceId}'s set ${request.setKey} to ${where}`,
                reasons: [`copying ${request.sourceSnapshotId} failed (${describe(error)}); the next run resumes the set`],
            });
        }
    }
    // Retention at the destination: whole complete copied sets, never below minSets.
    const deletions = retentionPlan(copiedSets(copies), destination.retention, context.owner, now);
    const outcome = await applyRetention(client, deletions);
    failures.push(...outcome.failures.map((f) => ({ ...f, subject: `${f.subject} at ${where}` })));
    return {
        failures,
        metrics: [
            { MetricName: "CopiesStarted", Value: started, Unit: "Count" },
            { MetricName: "CopiesQueuedSets", Value: queued.size, Unit: "Count" },
            { MetricName: "CopyRetentionDeletedSnapshots", Value: outcome.deletedSnapshotIds.length, Unit: "Count" },
        ],
    };
}
