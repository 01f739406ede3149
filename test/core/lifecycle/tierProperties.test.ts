/**
 * Tiered retention's invariants over generated fleets: never below minSets, only whole, wholly-ours,
 * provable sets deleted, each tier keeps exactly the newest good set of each of its last N periods
 * (checked against a reference that computes periods by arithmetic on fixed-offset zones, not by the
 * code under test), and a plan is idempotent: planning again after applying it deletes nothing.
 */
import * as assert from "assert";
import fc from "fast-check";
import type { Provenance } from "../../../core/lifecycle/provenance";
import { retentionReview, type RetentionRule } from "../../../core/lifecycle/retention";
import type { SnapshotRecord, SnapshotSet } from "../../../core/lifecycle/sets";
import { tierKeepers, TIERS, type Tier } from "../../../core/lifecycle/tiers";

const NOW = new Date("2027-01-10T08:00:00Z");
const DAY = 86_400_000;
const OWNER = { environment: "prod", fleet: "acme" };
const OWNERS = [
    { "vss-fleet:environment": "prod", "vss-fleet:fleet": "acme" },
    { "vss-fleet:environment": "prod", "vss-fleet:fleet": "other" },
    {},
] as const;

/** Zones without DST, with their offset from UTC in minutes (Etc/GMT signs are inverted by POSIX). */
const ZONES: readonly (readonly [string, number])[] = [
    ["UTC", 0],
    ["Etc/GMT-14", 14 * 60],
    ["Etc/GMT+12", -12 * 60],
    ["Asia/Kolkata", 5 * 60 + 30],
];

/** The reference: a period's identity by arithmetic on the local time (1970-01-05 was a Monday). */
function referencePeriod(tier: Tier, instant: Date, offsetMinutes: number): string {
    const local = instant.getTime() + offsetMinutes * 60_000;
    const localDay = Math.floor(local / DAY);
    const date = new Date(localDay * DAY);
    switch (tier) {
        case "daily":
            return `d${localDay}`;
        case "weekly":
            return `w${Math.floor((localDay - 4) / 7)}`;
        case "monthly":
            return `m${date.getUTCFullYear()}-${date.getUTCMonth()}`;
        case "yearly":
            return `y${date.getUTCFullYear()}`;
    }
}

/** The newest set of each of the last `count` periods that have a candidate. */
function referenceKeepers(candidates: readonly SnapshotSet[], tier: Tier, count: number, offset: number): Set<string> {
    const newest = new Map<string, SnapshotSet>();
    for (const s of candidates) {
        const p = referencePeriod(tier, s.startTime, offset);
        const current = newest.get(p);
        if (!current || s.startTime > current.startTime) {
            newest.set(p, s);
        }
    }
    return new Set(
        [...newest.values()]
            .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
            .slice(0, count)
            .map((s) => s.key),
    );
}

const VERDICTS: readonly Provenance[] = [
    { verdict: "proven", reasons: [], deletable: true },
    { verdict: "proven", reasons: [], deletable: false },
    { verdict: "unproven", reasons: ["its volume was deleted"], deletable: false },
    { verdict: "contradicted", reasons: ["a foreign description"], deletable: false },
];

const setArb = fc.record({
    instance: fc.integer({ min: 1, max: 2 }),
    // Minutes over 800 days, and often within the last 20 (across the new year of NOW), so several
    // sets share a period and land on both sides of local midnights, week, month and year ends.
    ageMinutes: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 800 * 24 * 60 }), weight: 1 },
        { arbitrary: fc.integer({ min: 0, max: 20 * 24 * 60 }), weight: 2 },
    ),
    good: fc.boolean(),
    verdict: fc.constantFrom(0, 0, 0, 1, 2, 3),
    owners: fc.array(fc.constantFrom(0, 0, 0, 0, 1, 2), { minLength: 1, maxLength: 3 }),
});
type SetSpec = { instance: number; ageMinutes: number; good: boolean; verdict: number; owners: number[] };

const tierArb = fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined });
const ruleArb = fc.record({
    days: fc.integer({ min: 1, max: 60 }),
    minSets: fc.integer({ min: 1, max: 5 }),
    daily: tierArb,
    weekly: tierArb,
    monthly: tierArb,
    yearly: tierArb,
    zone: fc.integer({ min: 0, max: ZONES.length - 1 }),
});

function build(specs: readonly SetSpec[]): Map<string, SnapshotSet[]> {
    const byInstance = new Map<string, SnapshotSet[]>();
    specs.forEach((s, i) => {
        const startTime = new Date(NOW.getTime() - s.ageMinutes * 60_000);
        const snapshots: SnapshotRecord[] = s.owners.map((o, v) => ({
            snapshotId: `snap-${i}-${v}`,
            volumeId: `vol-${s.instance}-${v}`,
            startTime,
            state: "completed",
            tags: { ...OWNERS[o], AwsVssConfig: `set-${i}` },
        }));
        const provenance = VERDICTS[s.verdict];
        // As judgeSets has it: a set that is not proven is not good.
        const good = s.good && provenance.verdict === "proven";
        const set: SnapshotSet = {
            key: `set-${i}`,
            instanceId: `i-${s.instance}`,
            startTime,
            snapshots,
            missingVolumes: [],
            problems: good ? [] : ["a snapshot failed"],
            good,
            completing: false,
            provenance,
        };
        byInstance.set(set.instanceId, [...(byInstance.get(set.instanceId) ?? []), set]);
    });
    return byInstance;
}

const wholly = (set: SnapshotSet) =>
    set.snapshots.every((s) => s.tags["vss-fleet:environment"] === "prod" && s.tags["vss-fleet:fleet"] === "acme");

function ruleOf(r: {
    days: number;
    minSets: number;
    daily?: number;
    weekly?: number;
    monthly?: number;
    yearly?: number;
    zone: number;
}): RetentionRule {
    const { zone, ...rest } = r;
    const tiers = Object.fromEntries(TIERS.filter((t) => rest[t] !== undefined).map((t) => [t, rest[t]]));
    return { days: rest.days, minSets: rest.minSets, ...tiers, timeZone: ZONES[zone][0] };
}

describe("tiered retention (properties)", () => {
    it("each tier keeps exactly the newest good set of each of its last N periods", () => {
        fc.assert(
            fc.property(fc.array(setArb, { maxLength: 40 }), ruleArb, fc.constantFrom(...TIERS), (specs, r, tier) => {
                const [zone, offset] = ZONES[r.zone];
                const count = r[tier] ?? 3;
                for (const sets of build(specs).values()) {
                    const candidates = sets.filter((s) => s.good && wholly(s));
                    const got = new Set([...tierKeepers(candidates, { [tier]: count }, zone).keys()].map((s) => s.key));
                    assert.deepStrictEqual(got, referenceKeepers(candidates, tier, count, offset));
                }
            }),
            { numRuns: 300 },
        );
    });

    it("never below minSets; deletes only whole, wholly-ours, provable sets that no rule keeps; deletes every such set", () => {
        fc.assert(
            fc.property(fc.array(setArb, { maxLength: 40 }), ruleArb, (specs, r) => {
                const rule = ruleOf(r);
                const offset = ZONES[r.zone][1];
                const sets = build(specs);
                const { deletions } = retentionReview(sets, rule, OWNER, NOW);
                const deleted = new Set(deletions.map((d) => d.setKey));
                assert.strictEqual(deleted.size, deletions.length, "a set is deleted once");
                for (const [instance, instanceSets] of sets) {
                    const candidates = instanceSets.filter((s) => s.good && wholly(s));
                    const newest = [...candidates].sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(0, rule.minSets);
                    const keepers = new Set(newest.map((s) => s.key));
                    for (const tier of TIERS) {
                        for (const key of referenceKeepers(candidates, tier, rule[tier] ?? 0, offset)) {
                            keepers.add(key);
                        }
                    }
                    const goodAfter = candidates.filter((s) => !deleted.has(s.key)).length;
                    assert.ok(goodAfter >= Math.min(candidates.length, rule.minSets), `${instance}: ${goodAfter} good sets left`);
                    for (const set of instanceSets) {
                        const deletable =
                            candidates.length >= rule.minSets &&
                            wholly(set) &&
                            set.provenance?.deletable === true &&
                            NOW.getTime() - set.startTime.getTime() > rule.days * DAY &&
                            !keepers.has(set.key);
                        assert.strictEqual(deleted.has(set.key), deletable, `${set.key}: deleted ${deleted.has(set.key)}`);
                        const d = deletions.find((x) => x.setKey === set.key);
                        if (d) {
                            assert.deepStrictEqual(
                                d.snapshotIds,
                                set.snapshots.map((s) => s.snapshotId),
                                "a whole set",
                            );
                        }
                    }
                }
            }),
            { numRuns: 300 },
        );
    });

    it("is idempotent: after the plan is applied, planning again deletes nothing", () => {
        fc.assert(
            fc.property(fc.array(setArb, { maxLength: 40 }), ruleArb, (specs, r) => {
                const rule = ruleOf(r);
                const sets = build(specs);
                const first = new Set(retentionReview(sets, rule, OWNER, NOW).deletions.map((d) => d.setKey));
                const after = new Map([...sets].map(([id, list]) => [id, list.filter((s) => !first.has(s.key))]));
                assert.deepStrictEqual(retentionReview(after, rule, OWNER, NOW).deletions, []);
            }),
            { numRuns: 300 },
        );
    });
});
