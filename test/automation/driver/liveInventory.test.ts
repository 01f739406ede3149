/**
 * The driver's live inventory (no --inventory files): discover's readers through aws-sdk-client-mock,
 * so the policy pack's preflight gets instance profiles and SSM registration on the GitOps path too;
 * and the rate control the driver sizes from it, written to the stack file before the stack runs.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { mockClient } from "aws-sdk-client-mock";
import { parse } from "yaml";
import { runFleet } from "../../../automation/driver/runFleet";
import { parseManifest } from "../../../automation/manifest/load";
import { FakePulumi } from "./fakePulumi";

const MANIFEST = `version: 1
environments:
  a:
    region: us-east-1
    accountId: "111111111111"
    targetTags: { Backup: a }
    scope: { tags: { Team: ops } }
  b:
    region: us-east-1
    accountId: "111111111111"
    targetTags: { Backup: b }
    maxConcurrency: "5"
`;

const instance = (id: string, tags: Record<string, string>, profile?: string) => ({
    InstanceId: id,
    InstanceType: "m6i.large" as const,
    // The API returns lowercase "windows" although the SDK types it "Windows".
    Platform: "windows" as "Windows",
    Placement: { AvailabilityZone: "us-east-1b" },
    State: { Name: "running" as const },
    ...(profile ? { IamInstanceProfile: { Arn: profile, Id: "AIPAEXAMPLE" } } : {}),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

const PROFILE = "arn:aws:iam::111111111111:instance-profile/app/web-servers";

describe("driver: the live inventory carries the preflight facts", function () {
    this.timeout(60_000);
    const ec2 = mockClient(EC2Client);
    const ssm = mockClient(SSMClient);
    let workDir: string;
    let fake: FakePulumi;
    beforeEach(() => {
        ec2.reset();
        ssm.reset();
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-live-driver-"));
        fs.copyFileSync("Pulumi.yaml", path.join(workDir, "Pulumi.yaml"));
        fs.mkdirSync(path.join(workDir, "stacks"));
        fake = new FakePulumi({ existingStacks: ["a", "b"], stacks: {} });
    });
    afterEach(() => {
        fake.dispose();
        fs.rmSync(workDir, { recursive: true, force: true });
    });
    after(() => {
        ec2.restore();
        ssm.restore();
    });

    async function preview() {
        const fleet = parseManifest("fleet.yaml", MANIFEST);
        const logged: string[] = [];
        await runFleet(fleet, fleet.environments, {
            operation: "preview",
            workDir,
            manifestPath: path.join(workDir, "fleet.yaml"),
            parallel: 2,
            failFast: false,
            accountCheck: false,
            inventoryFiles: [],
            signal: new AbortController().signal,
            log: (line) => logged.push(line),
            pulumiCommand: await PulumiCommand.get({ root: fake.root, skipVersionCheck: true }),
            retry: { attempts: 1, baseDelayMs: 10 },
            ec2: () => new EC2Client({ region: "us-east-1" }),
            ssm: () => new SSMClient({ region: "us-east-1" }),
        });
        return logged;
    }

    it("gives the preflight policy each instance's profile and SSM registration, 'not registered' where SSM lists none", async () => {
        ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
            const scoped = (input.Filters ?? []).some((f) => f.Name === "tag:Team");
            return {
                Reservations: [
                    {
                        OwnerId: "111111111111",
                        Instances: scoped
                            ? [
                                  instance("i-0000000000000001a", { Backup: "a", Team: "ops" }, PROFILE),
                                  instance("i-0000000000000002b", { Backup: "a", Team: "ops" }),
                              ]
                            : [instance("i-0000000000000003c", { Backup: "b" }, PROFILE)],
                    },
                ],
            };
        });
        // Two pages, whichever environment asks first.
        ssm.on(DescribeInstanceInformationCommand).callsFake((input: { NextToken?: string }) =>
            input.NextToken === "page-2"
                ? {
                      InstanceInformationList: [
                          { InstanceId: "i-0000000000000003c", PingStatus: "ConnectionLost", PlatformType: "Windows" },
                      ],
                  }
                : {
                      InstanceInformationList: [
                          {
                              InstanceId: "i-0000000000000001a",
                              PingStatus: "Online",
                              AgentVersion: "3.3.987.0",
                              PlatformType: "Windows",
                              LastPingDateTime: new Date("2026-11-29T06:55:00Z"),
                          },
                      ],
                      NextToken: "page-2",
                  },
        );

        await preview();
        const inventory = fake.policyConfig("a")["fleet-enrolled-instances-snapshot-ready"].inventory as Record<string, unknown>[];
        assert.deepStrictEqual(
            inventory.map((i) => [i.instanceId, i.instanceProfileArn, i.ssm]),
            [
                [
                    "i-0000000000000001a",
                    PROFILE,
                    {
                        registered: true,
                        pingStatus: "Online",
                        agentVersion: "3.3.987.0",
                        platformType: "Windows",
                        lastPingDateTime: "2026-11-29T06:55:00.000Z",
                    },
                ],
                ["i-0000000000000002b", null, { registered: false }],
            ],
        );
        // The scope goes to EC2 as a filter; SSM is asked for Windows agents and paged through.
        const filters = ec2.commandCalls(DescribeInstancesCommand).map((c) => (c.args[0].input.Filters ?? []).map((f) => f.Name));
        assert.deepStrictEqual(filters.sort(), [
            ["platform", "instance-state-name"],
            ["platform", "instance-state-name", "tag:Team"],
        ]);
        // (The paginator reuses one input object, so the recorded NextTokens cannot be told apart.)
        const pages = ssm.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input.Filters);
        assert.deepStrictEqual(
            pages,
            Array(4).fill([{ Key: "PlatformTypes", Values: ["Windows"] }]),
            "two pages per environment, Windows agents",
        );
        const b = fake.policyConfig("b")["fleet-enrolled-instances-snapshot-ready"].inventory as Record<string, unknown>[];
        assert.deepStrictEqual(
            b.map((i) => [i.instanceId, (i.ssm as { pingStatus?: string }).pingStatus]),
            [["i-0000000000000003c", "ConnectionLost"]],
        );
    });

    it("sizes the default rate control from the live inventory, shares the burst, and writes it to the stack file", async () => {
        const many = (prefix: string, n: number, tags: Record<string, string>) =>
            Array.from({ length: n }, (_, i) => instance(`i-${prefix}${String(i).padStart(15, "0")}`, tags));
        ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: { Name?: string }[] }) => ({
            Reservations: [
                {
                    OwnerId: "111111111111",
                    Instances: (input.Filters ?? []).some((f) => f.Name === "tag:Team")
                        ? many("a", 400, { Backup: "a", Team: "ops" })
                        : many("b", 20, { Backup: "b" }),
                },
            ],
        }));
        ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
        const logged = await preview();
        const config = (env: string) =>
            (parse(fs.readFileSync(path.join(workDir, "stacks", `Pulumi.${env}.yaml`), "utf8")) as { config: Record<string, unknown> })
                .config;
        // a: 400 enrolled, 1 h window: 200 wanted at once, capped by the burst less b's 5 running alongside.
        assert.deepStrictEqual(config("a")["vss-fleet:rateControl"], { maxConcurrency: "95", maxErrors: "40" });
        // b sets maxConcurrency itself; only its maxErrors is sized (a tenth of 20).
        assert.deepStrictEqual(config("b")["vss-fleet:rateControl"], { maxErrors: "2" });
        assert.ok(
            logged.includes("[b] Rate control: maxConcurrency 5 from the manifest; default maxErrors 2, a tenth of the enrolled"),
            logged.join("\n"),
        );
        assert.ok(
            logged.some((line) =>
                /^\[a\] Rate control: default maxConcurrency 95 for 400 enrolled: .*\(5 taken by environments whose windows overlap, 95 left\)/.test(
                    line,
                ),
            ),
        );
    });
});
