import * as assert from "assert";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { UserInputError } from "../../../automation/errors";
import { loadInventoryFiles, parseInventoryFile, regionOfZone } from "../../../automation/inventory/describeInstances";
import { describeWindowsInstances } from "../../../automation/inventory/live";

function problemsOf(fn: () => unknown): string[] {
    try {
        fn();
    } catch (error) {
        assert.ok(error instanceof UserInputError, String(error));
        return [...error.problems];
    }
    return assert.fail("accepted");
}

describe("inventory from 'aws ec2 describe-instances --output json'", () => {
    const inventory = loadInventoryFiles(["examples/inventory.json"]);

    it("reads every live instance, with account from OwnerId and region from the zone", () => {
        assert.deepStrictEqual(
            inventory.map((i) => [i.instanceId, i.accountId, i.region, i.platform ?? "(linux)", i.name]),
            [
                ["i-0a1b2c3d4e5f60001", "111111111111", "us-east-1", "windows", "sql-prod-01"],
                ["i-0a1b2c3d4e5f60002", "111111111111", "us-east-1", "windows", "ad-prod-01"],
                ["i-0a1b2c3d4e5f60003", "111111111111", "us-east-1", "windows", "files-prod-01"],
                ["i-0a1b2c3d4e5f60004", "111111111111", "us-east-1", "windows", "legacy-iis-01"],
                ["i-0a1b2c3d4e5f60005", "111111111111", "us-east-1", "(linux)", "web-prod-01"],
                ["i-0b1b2c3d4e5f60001", "222222222222", "eu-west-1", "windows", "sql-dev-01"],
                ["i-0b1b2c3d4e5f60002", "222222222222", "eu-west-1", "windows", "build-dev-01"],
            ],
        );
    });

    it("leaves terminated instances out", () => {
        assert.ok(!inventory.some((i) => i.instanceId === "i-0a1b2c3d4e5f60006"));
    });

    it("turns Tags into a map", () => {
        assert.deepStrictEqual({ ...inventory[0].tags }, { Name: "sql-prod-01", Environment: "prod", Backup: "prod" });
    });

    it("maps zones to regions, Local Zones included", () => {
        assert.strictEqual(regionOfZone("us-east-1a"), "us-east-1");
        assert.strictEqual(regionOfZone("us-west-2-lax-1a"), "us-west-2");
        assert.strictEqual(regionOfZone("ap-southeast-5b"), "ap-southeast-5");
        assert.strictEqual(regionOfZone("us-gov-west-1a"), "us-gov-west-1");
    });

    it("merges several files, counting an instance listed twice once", () => {
        const merged = loadInventoryFiles(["examples/inventory.json", "examples/inventory-new-server.json", "examples/inventory.json"]);
        assert.strictEqual(merged.length, inventory.length + 1);
    });

    it("points at the broken character of a file that is not JSON", () => {
        const problems = problemsOf(() => parseInventoryFile("inv.json", '{\n  "Reservations": [\n    { "OwnerId": "1" \n'));
        assert.match(problems[0], /^inv\.json:\d+:\d+: not valid JSON: /);
    });

    it("points at the field of a file that is not describe-instances output", () => {
        const text = JSON.stringify(
            { Reservations: [{ OwnerId: "111111111111", Instances: [{ InstanceId: "i-0123456789abcdef0" }] }] },
            null,
            2,
        );
        const problems = problemsOf(() => parseInventoryFile("inv.json", text));
        assert.deepStrictEqual(problems, [
            "inv.json:6:9: Reservations[0].Instances[0].Placement: expected object, received undefined (expected the JSON of 'aws ec2 describe-instances --output json')",
        ]);
    });

    it("rejects the output of another command", () => {
        const problems = problemsOf(() => parseInventoryFile("volumes.json", JSON.stringify({ Volumes: [] })));
        assert.match(problems[0], /^volumes\.json:1:1: Reservations: expected array/);
    });

    it("names a file it cannot read", () => {
        assert.deepStrictEqual(
            problemsOf(() => loadInventoryFiles(["nope.json"])),
            ["nope.json: cannot read the inventory (no such file or folder, ENOENT)"],
        );
    });
});

describe("live inventory (EC2 DescribeInstances)", () => {
    // Created in before(), not in the describe body: a mock made at load time is undone by another
    // file's restore() before these tests run.
    const mockEc2 = () => mockClient(EC2Client);
    let ec2: ReturnType<typeof mockEc2>;
    before(() => (ec2 = mockEc2()));
    afterEach(() => ec2.reset());
    after(() => ec2.restore());

    // EC2 returns Platform "windows" although the SDK types it "Windows"; the reader accepts both.
    const reservation = (owner: string, id: string) => ({
        OwnerId: owner,
        Instances: [
            {
                InstanceId: id,
                Platform: "windows" as "Windows",
                Placement: { AvailabilityZone: "us-east-1a" },
                State: { Name: "running" as const },
                Tags: [{ Key: "Env", Value: "prod" }],
            },
        ],
    });
    const scope = { environment: "prod", accountId: "111111111111", region: "us-east-1", scopeTags: { Env: "prod" } };

    it("pages through DescribeInstances, filtered on the server to Windows, live and in scope", async () => {
        ec2.on(DescribeInstancesCommand)
            .resolvesOnce({ Reservations: [reservation("111111111111", "i-0000000000000000a")], NextToken: "page-2" })
            .resolvesOnce({ Reservations: [reservation("111111111111", "i-0000000000000000b")] });
        const found = await describeWindowsInstances(scope, new EC2Client({ region: "us-east-1" }));
        assert.deepStrictEqual(
            found.map((i) => i.instanceId),
            ["i-0000000000000000a", "i-0000000000000000b"],
        );
        const calls = ec2.commandCalls(DescribeInstancesCommand);
        assert.strictEqual(calls.length, 2);
        assert.deepStrictEqual(calls[0].args[0].input.Filters, [
            { Name: "platform", Values: ["windows"] },
            { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
            { Name: "tag:Env", Values: ["prod"] },
        ]);
        assert.strictEqual(calls[1].args[0].input.NextToken, "page-2");
    });

    it("refuses credentials for another account", async () => {
        ec2.on(DescribeInstancesCommand).resolves({ Reservations: [reservation("999999999999", "i-0000000000000000a")] });
        await assert.rejects(describeWindowsInstances(scope, new EC2Client({ region: "us-east-1" })), (error: Error) => {
            assert.ok(error instanceof UserInputError);
            assert.match(error.message, /the credentials reach account 999999999999, but the manifest says 111111111111/);
            return true;
        });
    });
});
