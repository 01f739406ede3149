/** verify --offline reads all three of its inputs and reports the problems of every file at once. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers";

describe("verify --offline input problems", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-verify-inputs-"));
        fs.writeFileSync(path.join(dir, "instances.json"), '{"Reservations": [{"OwnerId": "1"}]}\n');
        fs.writeFileSync(path.join(dir, "volumes.json"), '{"Volumes": 3}\n');
        fs.writeFileSync(path.join(dir, "snapshots.json"), '{"Snapshots": [\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("names a problem in each of the inventory, volumes and snapshots files, not only the first", async () => {
        const at = (f: string) => path.join(dir, f);
        const { code, out, err } = await runCli(
            "verify",
            "examples/fleet.yaml",
            "--offline",
            "--inventory",
            at("instances.json"),
            "--volumes",
            at("volumes.json"),
            "--snapshots",
            at("snapshots.json"),
        );
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        const lines = err.trim().split("\n");
        assert.deepStrictEqual(
            [...new Set(lines.map((l) => l.split(":")[0]))],
            [at("instances.json"), at("volumes.json"), at("snapshots.json")],
            err,
        );
        assert.match(
            lines[2],
            /volumes\.json:1:2: Volumes: expected array, received number \(expected the JSON of 'aws ec2 describe-volumes --output json'\)$/,
        );
        assert.match(lines[3], /snapshots\.json:2:1: not valid JSON: /);
    });
});
