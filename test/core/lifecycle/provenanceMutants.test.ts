/**
 * Provenance cases that Stryker's run over core/lifecycle/provenance.ts (stryker.deletion.json) showed
 * no test pinned down: several window executions, a running one, a record outliving SSM's history,
 * volumes attached more than once, untagged snapshots, partly foreign sets, and the helpers the
 * lifecycle function reports with. Each expected value is a literal (docs/testing-mutation.md).
 */
import * as assert from "assert";
import {
    expectedDescription,
    judgeSet,
    judgeSets,
    snapshotVolumeIds,
    untrustedSets,
    type ProvenanceEvidence,
    type WindowExecution,
} from "../../../core/lifecycle/provenance";
import type { SnapshotRecord, SnapshotSet } from "../../../core/lifecycle/sets";

const at = (iso: string) => new Date(`2026-11-${iso}Z`);
const ATTACHED = at("01T00:00:00");

function snap(volumeId: string, start: string, tags: Record<string, string | undefined> = {}, description?: string): SnapshotRecord {
    const all: Record<string, string | undefined> = {
        "vss-fleet:environment": "prod",
        "vss-fleet:fleet": "acme",
        "vss-fleet:engine": "aws-vss",
        AwsVssConfig: "set-1",
        AppConsistent: "true",
        ...tags,
    };
    return {
        snapshotId: `snap-${volumeId}`,
        volumeId,
        startTime: at(start),
        state: "completed",
        ...(description === undefined ? { description: "vss-fleet acme/prod" } : description === "" ? {} : { description }),
        // An undefined value removes the tag: the snapshot does not carry it at all.
        tags: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    };
}

function set(snapshots: SnapshotRecord[], extra: Partial<SnapshotSet> = {}): SnapshotSet {
    return {
        key: "set-1",
        instanceId: "i-1",
        startTime: snapshots[0].startTime,
        snapshots,
        missingVolumes: [],
        problems: [],
        good: true,
        completing: false,
        ...extra,
    };
}

/** Three daily runs of the window, the oldest in the MIDDLE: it is neither the first nor the last one read. */
const executions: WindowExecution[] = [
    { id: "exec-26", start: at("26T07:00:00"), end: at("26T08:00:00") },
    { id: "exec-25", start: at("25T07:00:00"), end: at("25T08:00:00") },
    { id: "exec-27", start: at("27T07:00:00"), end: at("27T08:00:00") },
];

const evidence: ProvenanceEvidence = {
    environment: "prod",
    fleet: "acme",
    instanceIds: new Set(["i-1"]),
    attachments: [
        { volumeId: "vol-a", instanceId: "i-1", device: "/dev/sda1", attachTime: ATTACHED },
        { volumeId: "vol-b", instanceId: "i-1", device: "xvdf", attachTime: ATTACHED },
        { volumeId: "vol-db", instanceId: "i-db", device: "xvdf", attachTime: ATTACHED },
    ],
    knownVolumeIds: new Set(["vol-a", "vol-b", "vol-db"]),
    executions,
    now: at("28T09:00:00"),
};

describe("provenance: the window history with several executions", () => {
    it("names the execution that holds the set, whichever of several it is", () => {
        const verdict = judgeSet(set([snap("vol-a", "26T07:30:00"), snap("vol-b", "26T07:31:00")]), evidence);
        assert.deepStrictEqual(verdict, { verdict: "proven", reasons: [], windowExecutionId: "exec-26", deletable: true });
    });

    it("contradicts a snapshot between two executions, measured against the OLDEST one kept", () => {
        // 25T12:00 is after exec-25 (the oldest, listed second) and before exec-26: SSM still holds that day.
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "25T12:00:00")]), evidence).reasons, [
            "snap-vol-a started at 2026-11-25T12:00:00.000Z, outside every run of the window",
        ]);
    });

    it("leaves a snapshot one second before the oldest execution unproven, not contradicted", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "25T06:59:59")]), evidence), {
            verdict: "unproven",
            reasons: [
                "snap-vol-a started before the window's execution history (SSM keeps about 30 days) and carries no vss-fleet:window-execution record",
            ],
            deletable: false,
        });
    });

    it("trusts the function's record on a snapshot older than the history, and names that execution", () => {
        const old = set([
            snap("vol-a", "20T07:30:00", { "vss-fleet:window-execution": "exec-20" }),
            snap("vol-b", "20T07:30:00", { "vss-fleet:window-execution": "exec-20" }),
        ]);
        assert.deepStrictEqual(judgeSet(old, evidence), { verdict: "proven", reasons: [], windowExecutionId: "exec-20", deletable: true });
    });

    it("contradicts a set whose snapshots come from two executions, history or record", () => {
        const split = set([snap("vol-a", "26T07:30:00"), snap("vol-b", "27T07:30:00")]);
        assert.deepStrictEqual(judgeSet(split, evidence), {
            verdict: "contradicted",
            reasons: ["the set's snapshots come from different window executions (exec-26, exec-27)"],
            deletable: false,
        });
        const recorded = set([snap("vol-a", "20T07:30:00", { "vss-fleet:window-execution": "exec-20" }), snap("vol-b", "26T07:30:00")]);
        assert.deepStrictEqual(judgeSet(recorded, evidence).reasons, [
            "the set's snapshots come from different window executions (exec-20, exec-26)",
        ]);
    });

    it("holds a running execution (no end yet) open until now, and not a second later", () => {
        const running = { ...evidence, executions: [...executions, { id: "exec-28", start: at("28T07:00:00") }] };
        assert.strictEqual(judgeSet(set([snap("vol-a", "28T09:00:00")]), running).windowExecutionId, "exec-28");
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "28T09:00:01")]), running).reasons, [
            "snap-vol-a started at 2026-11-28T09:00:01.000Z, outside every run of the window",
        ]);
    });

    it("proves a snapshot whose record names the execution it started in", () => {
        const stamped = snap("vol-a", "26T07:30:00", { "vss-fleet:window-execution": "exec-26" });
        assert.deepStrictEqual(judgeSet(set([stamped]), evidence), {
            verdict: "proven",
            reasons: [],
            windowExecutionId: "exec-26",
            deletable: true,
        });
    });

    it("proves a set at the very start of an execution that is not the oldest", () => {
        assert.strictEqual(judgeSet(set([snap("vol-a", "27T07:00:00")]), evidence).windowExecutionId, "exec-27");
        assert.strictEqual(judgeSet(set([snap("vol-a", "27T06:59:59")]), evidence).verdict, "contradicted");
    });
});

describe("provenance: tags and descriptions", () => {
    it("expects no description from an engine it does not know", () => {
        assert.strictEqual(expectedDescription("robocopy", { environment: "prod", fleet: "acme" }, "set-1"), undefined);
    });

    it("names a snapshot without an engine tag '(none)'", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00", { "vss-fleet:engine": undefined })]), evidence).reasons, [
            "snap-vol-a carries no known vss-fleet:engine ((none))",
        ]);
    });

    it("contradicts a snapshot of another environment even when the fleet matches, and one without a fleet tag", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00", { "vss-fleet:environment": "dev" })]), evidence).reasons, [
            "snap-vol-a is tagged for environment 'dev', not 'prod'",
        ]);
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00", { "vss-fleet:fleet": undefined })]), evidence).reasons, [
            "snap-vol-a is tagged for fleet '', not 'acme'",
        ]);
    });

    it("contradicts one snapshot of a set whose set id differs, and names only that one", () => {
        const reasons = judgeSet(
            set([snap("vol-a", "26T07:30:00"), snap("vol-b", "26T07:30:00", { AwsVssConfig: "set-2" })]),
            evidence,
        ).reasons;
        assert.deepStrictEqual(reasons, ["snap-vol-b lacks the aws-vss set id AwsVssConfig"]);
    });

    it("contradicts a diskshadow snapshot without an instance tag, and an aws-vss one without a description", () => {
        const disk = snap(
            "vol-a",
            "26T07:30:00",
            { "vss-fleet:engine": "diskshadow", "vss-fleet:shadow-set-id": "set-1", AwsVssConfig: undefined },
            "vss-fleet prod set-1",
        );
        assert.deepStrictEqual(judgeSet(set([disk]), evidence).reasons, ["snap-vol-a names instance '', not i-1"]);
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00", {}, "")]), evidence).reasons, [
            "snap-vol-a's description '' is not the aws-vss document's 'vss-fleet acme/prod'",
        ]);
    });
});

describe("provenance: volumes and instances", () => {
    it("finds the set's instance among several attachments of one volume, neither the first nor the last", () => {
        const reattached = {
            ...evidence,
            attachments: [
                { volumeId: "vol-a", instanceId: "i-db", device: "xvdg", attachTime: ATTACHED },
                { volumeId: "vol-a", instanceId: "i-1", device: "/dev/sda1", attachTime: ATTACHED },
                { volumeId: "vol-a", instanceId: "i-web", device: "xvdg", attachTime: ATTACHED },
            ],
        };
        assert.strictEqual(judgeSet(set([snap("vol-a", "26T07:30:00")]), reattached).verdict, "proven");
    });

    it("contradicts a snapshot of a volume attached to another instance, naming it", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-db", "26T07:30:00")]), evidence), {
            verdict: "contradicted",
            reasons: ["snap-vol-db is of vol-db, attached to i-db, not to i-1"],
            windowExecutionId: "exec-26",
            deletable: false,
        });
    });

    it("names every other instance a multi-attached volume is attached to", () => {
        const multi = {
            ...evidence,
            attachments: [
                { volumeId: "vol-a", instanceId: "i-db", device: "xvdg", attachTime: ATTACHED },
                { volumeId: "vol-a", instanceId: "i-web", device: "xvdg", attachTime: ATTACHED },
            ],
        };
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00")]), multi).reasons, [
            "snap-vol-a is of vol-a, attached to i-db, i-web, not to i-1",
        ]);
    });

    it("leaves the sets of an instance the environment no longer targets unproven", () => {
        const left = { ...evidence, instanceIds: new Set(["i-2"]) };
        assert.deepStrictEqual(judgeSet(set([snap("vol-a", "26T07:30:00")]), left), {
            verdict: "unproven",
            reasons: [
                "i-1 is not an instance this environment targets, so nothing proves the set is this fleet's: it is kept, never deleted, and counted in UnprovenSets",
            ],
            windowExecutionId: "exec-26",
            deletable: false,
        });
    });

    it("never advises deleting a set it cannot prove: no reason says 'delete'", () => {
        const left = { ...evidence, instanceIds: new Set(["i-2"]) };
        const reasons = [
            ...judgeSet(set([snap("vol-a", "26T07:30:00")]), left).reasons,
            ...judgeSet(set([snap("vol-gone", "26T07:30:00")]), evidence).reasons,
            ...judgeSet(set([snap("vol-a", "10T07:30:00")]), evidence).reasons,
        ];
        assert.strictEqual(reasons.length, 3);
        assert.deepStrictEqual(
            reasons.filter((r) => /delete (it|them|its)|by hand/i.test(r)),
            [],
        );
    });

    it("contradicts a set of an instance the window's execution did not run on (forged tags on someone else's volume)", () => {
        // i-db's volume, with this fleet's tags and the document's description, dated inside exec-26.
        const forged: SnapshotSet = { ...set([snap("vol-db", "26T07:30:00")]), instanceId: "i-db" };
        const targets = new Map([["exec-26", new Set(["i-1", "i-2"])]]);
        assert.deepStrictEqual(judgeSet(forged, { ...evidence, executionTargets: targets }), {
            verdict: "contradicted",
            reasons: [
                "the window's execution exec-26 ran its command on 2 instance(s), not on i-db, so no run of ours took this set",
                "i-db is not an instance this environment targets, so nothing proves the set is this fleet's: it is kept, never deleted, and counted in UnprovenSets",
            ],
            windowExecutionId: "exec-26",
            deletable: false,
        });
        // Without the execution's targets (not read), the same set is only unproven.
        assert.strictEqual(judgeSet(forged, evidence).verdict, "unproven");
        // Targets read for another execution say nothing about exec-26.
        assert.strictEqual(
            judgeSet(forged, { ...evidence, executionTargets: new Map([["exec-25", new Set(["i-1"])]]) }).verdict,
            "unproven",
        );
        // An instance the execution did run on stays proven.
        const genuine = set([snap("vol-a", "26T07:30:00")]);
        assert.strictEqual(
            judgeSet(genuine, { ...evidence, executionTargets: new Map([["exec-26", new Set(["i-1"])]]) }).verdict,
            "proven",
        );
    });

    it("puts contradictions before missing evidence", () => {
        const both = set([snap("vol-gone", "26T07:30:00", { AppConsistent: "true", AwsVssConfig: "other" })]);
        assert.deepStrictEqual(judgeSet(both, evidence).reasons, [
            "snap-vol-gone lacks the aws-vss set id AwsVssConfig",
            "vol-gone of snap-vol-gone no longer exists, so its attachment cannot be proven",
        ]);
    });
});

describe("provenance: judging every set", () => {
    const proven = set([snap("vol-a", "26T07:30:00"), snap("vol-b", "26T07:30:00")]);
    /** Pending, otherwise fine: completing. Its volume is gone, so unproven. */
    const gone = set([snap("vol-gone", "27T07:30:00")], {
        good: false,
        completing: true,
        problems: ["snap-vol-gone (vol-gone) is pending"],
    });
    const halfForeign = set([snap("vol-a", "25T07:30:00"), snap("vol-b", "25T07:30:00", { "vss-fleet:fleet": "other" })]);
    const wholeForeign = set([snap("vol-a", "24T07:30:00", { "vss-fleet:fleet": "other" })]);
    /** Another day than wholeForeign: the two must not be mistaken for each other. */
    const untagged = set([snap("vol-a", "23T07:30:00", { "vss-fleet:fleet": undefined })]);

    it("leaves out only sets wholly of another fleet; a half-foreign or untagged set is judged", () => {
        const judged = judgeSets(new Map([["i-1", [gone, proven, halfForeign, wholeForeign, untagged]]]), evidence).get("i-1") ?? [];
        assert.deepStrictEqual(
            judged.map((s) => [s.startTime.toISOString(), s.provenance?.verdict, s.good, s.completing]),
            [
                ["2026-11-27T07:30:00.000Z", "unproven", false, false],
                ["2026-11-26T07:30:00.000Z", "proven", true, false],
                ["2026-11-25T07:30:00.000Z", "contradicted", false, false],
                ["2026-11-23T07:30:00.000Z", "contradicted", false, false],
            ],
        );
        assert.deepStrictEqual(judged[0].problems, [
            "snap-vol-gone (vol-gone) is pending",
            "not trusted: vol-gone of snap-vol-gone no longer exists, so its attachment cannot be proven",
        ]);
        assert.deepStrictEqual(judged[1].problems, []);
    });

    it("keeps a proven set's own verdict on goodness and completion", () => {
        const pending = { ...proven, good: false, completing: true, problems: ["snap-vol-b (vol-b) is pending"] };
        const [judged] = judgeSets(new Map([["i-1", [pending]]]), evidence).get("i-1") ?? [];
        assert.deepStrictEqual([judged.good, judged.completing, judged.problems], [false, true, ["snap-vol-b (vol-b) is pending"]]);
    });

    it("reports the sets that are not proven, and none that were never judged", () => {
        const judged = judgeSets(new Map([["i-1", [gone, proven, halfForeign]]]), evidence);
        judged.set("i-9", [set([snap("vol-z", "26T07:30:00")], { instanceId: "i-9" })]);
        assert.deepStrictEqual(
            untrustedSets(judged).map((s) => [s.snapshots[0].snapshotId, s.provenance?.verdict]),
            [
                ["snap-vol-gone", "unproven"],
                ["snap-vol-a", "contradicted"],
            ],
        );
    });

    it("lists each volume once, sorted, for DescribeVolumes", () => {
        const snapshots = [
            snap("vol-c", "26T07:30:00"),
            snap("vol-a", "26T07:30:00"),
            snap("vol-c", "27T07:30:00"),
            snap("vol-b", "26T07:30:00"),
        ];
        assert.deepStrictEqual(snapshotVolumeIds(snapshots), ["vol-a", "vol-b", "vol-c"]);
    });
});
