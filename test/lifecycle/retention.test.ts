import * as assert from "assert";
import { retentionPlan } from "../../automation/lifecycle/retention";
import { snapshotSets, type Attachment, type SnapshotRecord } from "../../automation/lifecycle/sets";
import { retentionPolicy } from "../../components/iam";
import { decide } from "../iamSimulation";

const NOW = new Date("2026-11-28T08:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const attachments: Attachment[] = ["vol-root", "vol-data"].map((volumeId, i) => ({
    volumeId,
    instanceId: "i-1",
    device: i === 0 ? "/dev/sda1" : "xvdf",
    attachTime: daysAgo(400),
}));
const owner = { environment: "prod", fleet: "acme" };

/** A run of instance i-1, `age` days ago; `broken` leaves the data volume's snapshot failed. */
function run(age: number, opts: { broken?: boolean; fleet?: string } = {}): SnapshotRecord[] {
    return attachments.map((a, i) => ({
        snapshotId: `snap-${age}-${i}`,
        volumeId: a.volumeId,
        startTime: daysAgo(age),
        state: opts.broken && i === 1 ? "error" : "completed",
        tags: {
            "vss-fleet:environment": "prod",
            "vss-fleet:fleet": opts.fleet ?? "acme",
            AwsVssConfig: `set-${age}`,
            AppConsistent: "true",
        },
    }));
}

function plan(snapshots: SnapshotRecord[], days: number, minSets: number) {
    const sets = snapshotSets(snapshots, attachments, { environment: "prod", excludeBootVolume: false, rootDeviceOf: () => "/dev/sda1" });
    return retentionPlan(sets, { days, minSets }, owner, NOW);
}

describe("set-aware retention", () => {
    it("deletes whole sets older than the limit, every snapshot of a set together", () => {
        const deletions = plan([...run(1), ...run(2), ...run(40), ...run(50)], 30, 1);
        assert.deepStrictEqual(
            deletions.map((d) => [d.setKey, d.snapshotIds]),
            [
                ["set-40", ["snap-40-0", "snap-40-1"]],
                ["set-50", ["snap-50-0", "snap-50-1"]],
            ],
        );
    });

    it("never goes below minSets good sets per instance, whatever their age", () => {
        const deletions = plan([...run(40), ...run(50), ...run(60)], 30, 2);
        assert.deepStrictEqual(
            deletions.map((d) => d.setKey),
            ["set-60"],
        );
    });

    it("does not count bad sets toward minSets, and deletes old bad sets", () => {
        const deletions = plan([...run(40, { broken: true }), ...run(50), ...run(60)], 30, 1);
        assert.deepStrictEqual(
            deletions.map((d) => [d.setKey, d.reason]),
            [
                ["set-40", "bad set older than 30 days"],
                ["set-60", "good set older than 30 days"],
            ],
        );
    });

    it("never touches another fleet's snapshots, even of the same environment name", () => {
        assert.deepStrictEqual(plan([...run(1), ...run(90, { fleet: "other" })], 30, 1), []);
    });

    it("keeps everything inside the limit", () => {
        assert.deepStrictEqual(plan([...run(1), ...run(10), ...run(29)], 30, 1), []);
    });
});

describe("retention role policy (IAM simulation)", () => {
    const policy = retentionPolicy({ partition: "aws", region: "us-east-1", accountId: "111111111111", ...owner });
    const principal = "arn:aws:sts::111111111111:assumed-role/prod-lifecycle/fn";
    const SNAPSHOT = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
    const tagged = (environment: string, fleet: string) => ({
        "ec2:ResourceTag/vss-fleet:environment": environment,
        "ec2:ResourceTag/vss-fleet:fleet": fleet,
    });

    it("CAN delete a snapshot tagged for this environment and fleet", async () => {
        assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, tagged("prod", "acme")), "Allowed");
    });

    it("CANNOT delete an untagged snapshot, another environment's or another fleet's", async () => {
        assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT), "ImplicitlyDenied");
        assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, tagged("dev", "acme")), "ImplicitlyDenied");
        assert.strictEqual(await decide(principal, policy, "ec2:DeleteSnapshot", SNAPSHOT, tagged("prod", "other")), "ImplicitlyDenied");
    });

    it("CANNOT delete volumes or instances", async () => {
        const volume = "arn:aws:ec2:us-east-1:111111111111:volume/vol-0123456789abcdef0";
        assert.strictEqual(await decide(principal, policy, "ec2:DeleteVolume", volume, tagged("prod", "acme")), "ImplicitlyDenied");
    });
});
