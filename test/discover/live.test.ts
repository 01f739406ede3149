import * as assert from "assert";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetAccountAuthorizationDetailsCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeInstanceInformationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers";

const MANIFEST = [
    "version: 1",
    "environments:",
    "  prod:",
    "    region: us-east-1",
    '    accountId: "111111111111"',
    "    targetTags: { Backup: prod }",
    "  web:",
    "    region: us-east-1",
    '    accountId: "111111111111"',
    "    targetTags: { Backup: web }",
].join("\n");

const instance = (id: string, tags: Record<string, string>, profile?: string) => ({
    InstanceId: id,
    InstanceType: "m6i.large" as const,
    // The API returns lowercase "windows" although the SDK types it "Windows".
    Platform: "windows" as "Windows",
    Placement: { AvailabilityZone: "us-east-1b" },
    State: { Name: "running" as const },
    ...(profile ? { IamInstanceProfile: { Arn: profile } } : {}),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe("discover --live (EC2, SSM and IAM through aws-sdk-client-mock)", () => {
    const ec2 = mockClient(EC2Client);
    const ssm = mockClient(SSMClient);
    const iam = mockClient(IAMClient);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-live-"));
        fs.writeFileSync(path.join(dir, "fleet.yaml"), MANIFEST);
    });
    after(() => {
        ec2.restore();
        ssm.restore();
        iam.restore();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
        ec2.reset();
        ssm.reset();
        iam.reset();
        iam.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [], Policies: [] });
    });

    it("reads each account and region once, pages through both APIs, and judges SSM registration there", async () => {
        ec2.on(DescribeInstancesCommand)
            .resolvesOnce({
                Reservations: [
                    {
                        OwnerId: "111111111111",
                        Instances: [instance("i-0000000000000001a", { Backup: "prod" }, "arn:aws:iam::111111111111:instance-profile/app")],
                    },
                ],
                NextToken: "page-2",
            })
            .resolvesOnce({
                Reservations: [
                    {
                        OwnerId: "111111111111",
                        Instances: [
                            instance("i-0000000000000002b", { Backup: "prod" }),
                            instance("i-0000000000000003c", { backup: "web" }),
                        ],
                    },
                ],
            });
        // SSM knows no instance here: with live reads that still means "not managed", since SSM was asked for this account and region.
        ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
        const { code, out, err } = await runCli("discover", path.join(dir, "fleet.yaml"), "--live", "--json");
        assert.strictEqual(err, "");
        assert.strictEqual(code, 0);
        const calls = ec2.commandCalls(DescribeInstancesCommand);
        assert.strictEqual(calls.length, 2, "two pages, one account/region for both environments");
        assert.deepStrictEqual(calls[0].args[0].input.Filters?.[0], { Name: "platform", Values: ["windows"] });
        assert.deepStrictEqual(ssm.commandCalls(DescribeInstanceInformationCommand)[0].args[0].input.Filters, [
            { Key: "PlatformTypes", Values: ["Windows"] },
        ]);
        const json = JSON.parse(out) as {
            environments: {
                name: string;
                enrolled: { instanceId: string; missing: string[] }[];
                unenrolled: { instanceId: string; group: string }[];
            }[];
        };
        assert.deepStrictEqual(json.environments[0].enrolled, [
            {
                instanceId: "i-0000000000000001a",
                accountId: "111111111111",
                region: "us-east-1",
                instanceType: "m6i.large",
                missing: ["not-managed-by-ssm"],
            },
            {
                instanceId: "i-0000000000000002b",
                accountId: "111111111111",
                region: "us-east-1",
                instanceType: "m6i.large",
                missing: ["no-instance-profile", "not-managed-by-ssm"],
            },
        ]);
        assert.deepStrictEqual(
            json.environments[1].unenrolled.map((u) => [u.instanceId, u.group]),
            [["i-0000000000000003c", "carry backup=web (expected Backup=web)"]],
        );
    });

    it("refuses credentials that reach another account, naming the environment", async () => {
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [{ OwnerId: "999999999999", Instances: [instance("i-0000000000000004d", {})] }],
        });
        const { code, err } = await runCli("discover", path.join(dir, "fleet.yaml"), "--live");
        assert.strictEqual(code, 2);
        assert.match(err, /^environment prod: the credentials reach account 999999999999, but the manifest says 111111111111/);
    });

    it("refuses --live together with instance files", async () => {
        const { code, err } = await runCli("discover", path.join(dir, "fleet.yaml"), "--live", "--inventory", "examples/inventory.json");
        assert.strictEqual(code, 2);
        assert.match(err, /^--live reads instances and SSM agents itself/);
    });
    it("judges each server's role from the account's IAM details, read once per account, documents URL-encoded as the API sends them", async () => {
        const app = "arn:aws:iam::111111111111:instance-profile/app";
        const db = "arn:aws:iam::111111111111:instance-profile/db";
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [
                {
                    OwnerId: "111111111111",
                    Instances: [
                        instance("i-0000000000000001a", { Backup: "prod" }, app),
                        instance("i-0000000000000002b", { Backup: "prod" }, db),
                    ],
                },
            ],
        });
        ssm.on(DescribeInstanceInformationCommand).resolves({
            InstanceInformationList: [
                { InstanceId: "i-0000000000000001a", PingStatus: "Online", PlatformType: "Windows" },
                { InstanceId: "i-0000000000000002b", PingStatus: "Online", PlatformType: "Windows" },
            ],
        });
        const snapshotPolicy = "arn:aws:iam::111111111111:policy/team/db-snapshots";
        const allow = (action: string) =>
            encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] }));
        iam.on(GetAccountAuthorizationDetailsCommand)
            .resolvesOnce({
                RoleDetailList: [
                    {
                        RoleName: "app-role",
                        InstanceProfileList: [
                            { Arn: app, InstanceProfileName: "app", Path: "/", InstanceProfileId: "A", CreateDate: new Date(), Roles: [] },
                        ],
                        RolePolicyList: [{ PolicyName: "logs", PolicyDocument: allow("logs:PutLogEvents") }],
                        AttachedManagedPolicies: [{ PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }],
                    },
                ],
                IsTruncated: true,
                Marker: "page-2",
            })
            .resolvesOnce({
                RoleDetailList: [
                    {
                        RoleName: "db-role",
                        InstanceProfileList: [
                            { Arn: db, InstanceProfileName: "db", Path: "/", InstanceProfileId: "B", CreateDate: new Date(), Roles: [] },
                        ],
                        RolePolicyList: [],
                        AttachedManagedPolicies: [
                            { PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
                            { PolicyArn: snapshotPolicy },
                        ],
                    },
                ],
                Policies: [
                    { Arn: snapshotPolicy, PolicyVersionList: [{ Document: allow("ec2:CreateSnapshots"), IsDefaultVersion: true }] },
                ],
            });
        const { code, out, err } = await runCli("discover", path.join(dir, "fleet.yaml"), "--live", "--json");
        assert.strictEqual(err, "");
        assert.strictEqual(code, 0);
        // Both environments live in one account: IAM is read once (two pages), not once per environment.
        assert.strictEqual(iam.commandCalls(GetAccountAuthorizationDetailsCommand).length, 2);
        assert.deepStrictEqual(iam.commandCalls(GetAccountAuthorizationDetailsCommand)[0].args[0].input.Filter, [
            "Role",
            "LocalManagedPolicy",
        ]);
        const json = JSON.parse(out) as { environments: { enrolled: { instanceId: string; missing: string[] }[] }[] };
        assert.deepStrictEqual(
            json.environments[0].enrolled.map((e) => [e.instanceId, e.missing]),
            [
                ["i-0000000000000001a", ["role-cannot-snapshot"]],
                ["i-0000000000000002b", []],
            ],
        );
    });

    it("leaves roles unknown, with one line on stderr, when IAM refuses the read", async () => {
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [
                {
                    OwnerId: "111111111111",
                    Instances: [instance("i-0000000000000001a", { Backup: "prod" }, "arn:aws:iam::111111111111:instance-profile/app")],
                },
            ],
        });
        ssm.on(DescribeInstanceInformationCommand).resolves({
            InstanceInformationList: [{ InstanceId: "i-0000000000000001a", PingStatus: "Online", PlatformType: "Windows" }],
        });
        iam.on(GetAccountAuthorizationDetailsCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
        const { code, out, err } = await runCli("discover", path.join(dir, "fleet.yaml"), "--live", "--json");
        assert.strictEqual(code, 0);
        assert.strictEqual(
            err,
            "note: environment prod: IAM refused GetAccountAuthorizationDetails (AccessDenied), so its roles' snapshot permission is not judged; " +
                "re-run the bootstrap (the deploy policy allows it) or pass --iam with the file of " +
                "'aws iam get-account-authorization-details --filter Role LocalManagedPolicy --output json'\n",
        );
        const json = JSON.parse(out) as { environments: { enrolled: { instanceId: string; missing: string[] }[] }[] };
        assert.deepStrictEqual(json.environments[0].enrolled[0].missing, [], "unknown is never reported as lacking");
    });
});
