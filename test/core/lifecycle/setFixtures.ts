/** Snapshot sets built directly, for the planners that take sets (copies, locks, archive). */
import type { SnapshotRecord, SnapshotSet } from "../../../core/lifecycle/sets";

export const NOW = new Date("2026-11-28T08:00:00Z");
export const OWNER = { environment: "prod", fleet: "acme" };
export const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000);

export interface SetOptions {
    readonly instanceId?: string;
    readonly volumes?: number;
    readonly good?: boolean;
    /** How many of the set's snapshots carry another fleet's tag (a partly foreign set). */
    readonly foreign?: number;
    readonly start?: Date;
}

/** Set `name` of an instance, `age` days old, with `volumes` snapshots named snap-<name>-<n>. */
export function set(name: string, age: number, options: SetOptions = {}): SnapshotSet {
    const volumes = options.volumes ?? 2;
    const start = options.start ?? daysAgo(age);
    const snapshots: SnapshotRecord[] = Array.from({ length: volumes }, (_, i) => ({
        snapshotId: `snap-${name}-${i}`,
        volumeId: `vol-${i}`,
        startTime: start,
        state: "completed",
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": i < (options.foreign ?? 0) ? "other-fleet" : "acme",
            AwsVssConfig: name,
            AppConsistent: "true",
        },
    }));
    const good = options.good ?? true;
    return {
        key: name,
        instanceId: options.instanceId ?? "i-1",
        startTime: start,
        snapshots,
        missingVolumes: [],
        problems: good ? [] : ["snap-x lacks AppConsistent=true"],
        good,
        completing: false,
    };
}

export function byInstance(...sets: SnapshotSet[]): Map<string, SnapshotSet[]> {
    const map = new Map<string, SnapshotSet[]>();
    for (const s of sets) {
        map.set(s.instanceId, [...(map.get(s.instanceId) ?? []), s]);
    }
    for (const list of map.values()) {
        list.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    }
    return map;
}
