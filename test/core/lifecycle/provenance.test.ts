/** The provenance verdict, piece of evidence by piece of evidence, at its boundaries. */
import * as assert from "assert";
import * as fs from "fs";
import { awsVssDocument } from "../../../components/document/awsVss";
import { DISKSHADOW_SCRIPT } from "../../../components/document/diskshadow";
import { expectedDescription, judgeSet, type ProvenanceEvidence } from "../../../core/lifecycle/provenance";
import type { SnapshotRecord, SnapshotSet } from "../../../core/lifecycle/sets";

const T = new Date("2026-11-28T07:30:00Z");
const ATTACHED = new Date("2026-09-14T07:15:32Z");
const SHADOW = "{5e8c0a3b-1f2d-4c6e-9a7b-0123456789ab}";

function snap(volumeId: string, extra: Partial<SnapshotRecord> = {}, tags: Record<string, string> = {}): SnapshotRecord {
    return {
        snapshotId: `snap-${volumeId}`,
        volumeId,
        startTime: T,
        state: "completed",
        description: "vss-fleet acme/prod",
        ...extra,
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": "acme",
            "vss-fleet:engine": "aws-vss",
            AwsVssConfig: "set-1",
            AppConsistent: "true",
            ...tags,
        },
    };
}

function set(snapshots: SnapshotRecord[], key = "set-1"): SnapshotSet {
    return { key, instanceId: "i-1", startTime: T, snapshots, missingVolumes: [], problems: [], good: true, completing: false };
}

const evidence: ProvenanceEvidence = {
    environment: "prod",
    fleet: "acme",
    instanceIds: new Set(["i-1"]),
    attachments: [
        { volumeId: "vol-a", instanceId: "i-1", device: "/dev/sda1", attachTime: ATTACHED },
        { volumeId: "vol-db", instanceId: "i-db", device: "xvdf", attachTime: ATTACHED },
    ],
    knownVolumeIds: new Set(["vol-a", "vol-db", "vol-spare"]),
    executions: [{ id: "exec-1", start: new Date("2026-11-28T07:30:00Z"), end: new Date("2026-11-28T08:30:00Z") }],
    now: new Date("2026-11-28T09:00:00Z"),
};

describe("provenance of a snapshot set", () => {
    it("proves a set whose every piece of evidence agrees, and names its execution", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-a")]), evidence), {
            verdict: "proven",
            reasons: [],
            windowExecutionId: "exec-1",
            deletable: true,
        });
    });

    it("takes both ends of a window execution as inside it, and a second after the end as outside", () => {
        const atEnd = snap("vol-a", { startTime: new Date("2026-11-28T08:30:00Z") });
        assert.strictEqual(judgeSet(set([atEnd]), evidence).verdict, "proven");
        const after = snap("vol-a", { startTime: new Date("2026-11-28T08:30:01Z") });
        assert.deepStrictEqual(judgeSet(set([after]), evidence).reasons, [
            "snap-vol-a started at 2026-11-28T08:30:01.000Z, outside every run of the window",
        ]);
    });

    it("accepts a volume attached at the very second the snapshot started, not one attached a second later", () => {
        const sameSecond = { ...evidence, attachments: [{ volumeId: "vol-a", instanceId: "i-1", device: "/dev/sda1", attachTime: T }] };
        assert.strictEqual(judgeSet(set([snap("vol-a")]), sameSecond).verdict, "proven");
        const later = { ...evidence, attachments: [{ ...sameSecond.attachments[0], attachTime: new Date(T.getTime() + 1000) }] };
        assert.deepStrictEqual(judgeSet(set([snap("vol-a")]), later).reasons, [
            "vol-a was attached to i-1 at 2026-11-28T07:30:01.000Z, after snap-vol-a started",
        ]);
    });

    it("leaves a set unproven, not contradicted, when the volume is detached or gone", () => {
        assert.deepStrictEqual(judgeSet(set([snap("vol-spare"), snap("vol-gone")]), evidence), {
            verdict: "unproven",
            reasons: [
                "vol-spare of snap-vol-spare is attached to no instance now, so its attachment cannot be proven",
                "vol-gone of snap-vol-gone no longer exists, so its attachment cannot be proven",
            ],
            windowExecutionId: "exec-1",
            deletable: false,
        });
    });

    it("contradicts a set mixing engines, or missing its engine's set id", () => {
        const mixed = set([snap("vol-a"), snap("vol-a", { snapshotId: "snap-2" }, { "vss-fleet:engine": "diskshadow" })]);
        assert.deepStrictEqual(judgeSet(mixed, evidence).reasons[0], "the set mixes engines aws-vss, diskshadow");
        const noEngine = set([snap("vol-a", {}, { "vss-fleet:engine": "robocopy" })]);
        assert.deepStrictEqual(judgeSet(noEngine, evidence).reasons[0], "snap-vol-a carries no known vss-fleet:engine (robocopy)");
    });

    it("holds a diskshadow set to the instance id and description its script writes", () => {
        const disk = (instanceId: string, description = `vss-fleet prod ${SHADOW}`) =>
            snap(
                "vol-a",
                { description },
                { "vss-fleet:engine": "diskshadow", "vss-fleet:shadow-set-id": SHADOW, "vss-fleet:instance-id": instanceId },
            );
        assert.strictEqual(judgeSet(set([disk("i-1")], SHADOW), evidence).verdict, "proven");
        assert.deepStrictEqual(judgeSet(set([disk("i-2")], SHADOW), evidence).reasons, ["snap-vol-a names instance 'i-2', not i-1"]);
        assert.deepStrictEqual(judgeSet(set([disk("i-1", "vss-fleet acme/prod")], SHADOW), evidence).reasons, [
            `snap-vol-a's description 'vss-fleet acme/prod' is not the diskshadow document's 'vss-fleet prod ${SHADOW}'`,
        ]);
    });

    it("is never deletable without the window history, even when everything else agrees", () => {
        const { executions: _, ...offline } = evidence;
        assert.deepStrictEqual(judgeSet(set([snap("vol-a")]), offline), { verdict: "proven", reasons: [], deletable: false });
    });

    it("contradicts a record of one execution on a snapshot taken during another", () => {
        const stamped = snap("vol-a", {}, { "vss-fleet:window-execution": "exec-0" });
        assert.deepStrictEqual(judgeSet(set([stamped]), evidence).reasons, [
            "snap-vol-a records window execution exec-0, but it started during exec-1",
        ]);
    });

    it("expects the descriptions the documents really write", () => {
        const doc = awsVssDocument({
            environment: "prod",
            fleet: "acme",
            engine: "aws-vss",
            vss: { excludeBootVolume: false, noWriters: false, copyOnly: false, saveVssMetadata: false },
            snapshotTags: {},
        });
        assert.strictEqual(doc.parameters.description.default, expectedDescription("aws-vss", { environment: "prod", fleet: "acme" }, "k"));
        assert.strictEqual(expectedDescription("aws-vss", { environment: "prod", fleet: "acme" }, "k"), "vss-fleet acme/prod");
        // The script's own line; the provenance check must change with it.
        assert.match(fs.readFileSync(DISKSHADOW_SCRIPT, "utf8"), /-Description "vss-fleet \$\(\$state\.Environment\) \$setId"/);
        assert.strictEqual(expectedDescription("diskshadow", { environment: "prod", fleet: "acme" }, SHADOW), `vss-fleet prod ${SHADOW}`);
    });
});
