/** restore --availability-zone must be a zone of the region the sets are in: EBS creates a volume from a snapshot only there. */
import * as assert from "assert";
import { zoneRegionProblem } from "../../automation/restore/inputs";
import { runCli } from "../helpers";

const OFFLINE = [
    "--offline",
    "--inventory",
    "examples/inventory.json",
    "--volumes",
    "test/fixtures/lifecycle/volumes.json",
    "--snapshots",
    "test/fixtures/lifecycle/snapshots.json",
];

describe("restore --availability-zone", function () {
    this.timeout(60_000);

    it("accepts zones of the region, Local Zones included, and refuses the rest", () => {
        assert.deepStrictEqual(
            ["us-east-1a", "us-east-1-bos-1a", "us-east-1", "us-east-2a", "eu-west-1a", "use1-az1"].map(
                (zone) => zoneRegionProblem(zone, "us-east-1", "prod") === undefined,
            ),
            [true, true, false, false, false, false],
        );
    });

    it("a zone of another region is refused before anything is read or called: exit 2, the reason and the fix", async () => {
        const result = await runCli(
            "restore",
            "examples/fleet.yaml",
            "--env",
            "prod",
            "--instance",
            "i-0a1b2c3d4e5f60001",
            "--availability-zone",
            "eu-west-1a",
            ...OFFLINE,
        );
        assert.strictEqual(result.code, 2);
        assert.strictEqual(result.out, "");
        assert.strictEqual(
            result.err.trim(),
            "--availability-zone eu-west-1a is not a zone of us-east-1, where the sets of prod are: EBS creates a volume from a snapshot only in the snapshot's region; name a zone of us-east-1, such as us-east-1a",
        );
    });
});
