/** Carrying out retention when EC2 refuses the FIRST snapshot of a set: nothing of that set goes, the next set still does. */
import * as assert from "assert";
import { DeleteSnapshotCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { applyRetention } from "../../functions/lifecycle/applyRetention";

const deletion = (key: string, ids: string[]) => ({
    instanceId: "i-1",
    setKey: key,
    startTime: "2026-10-01T04:00:00.000Z",
    snapshotIds: ids,
    reason: "good set older than 30 days",
});

describe("applyRetention", () => {
    const ec2 = mockClient(EC2Client);
    after(() => ec2.restore());
    beforeEach(() => ec2.reset());

    it("a delete that fails on the first snapshot keeps the whole set and goes on with the next set", async () => {
        ec2.on(DeleteSnapshotCommand).resolves({});
        ec2.on(DeleteSnapshotCommand, { SnapshotId: "snap-a1" }).rejects(
            Object.assign(new Error("in use by an AMI"), { name: "InvalidSnapshot.InUse" }),
        );
        const outcome = await applyRetention(new EC2Client({ region: "us-east-1" }), [
            deletion("a", ["snap-a1", "snap-a2", "snap-a3"]),
            deletion("b", ["snap-b1", "snap-b2"]),
        ]);
        assert.deepStrictEqual(
            ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId),
            ["snap-a1", "snap-b1", "snap-b2"],
        );
        assert.deepStrictEqual(outcome.deletedSnapshotIds, ["snap-b1", "snap-b2"]);
        assert.deepStrictEqual(outcome.failures, [
            {
                subject: "retention of i-1's set from 2026-10-01T04:00:00.000Z",
                reasons: [
                    "deleting snap-a1 failed (InvalidSnapshot.InUse: in use by an AMI); 3 snapshot(s) of the set were kept and the next run retries",
                ],
            },
        ]);
    });
});
