import * as assert from "assert";
import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { describeImagesResolver } from "../../policies/lib/windows";
import { resource, run } from "./harness";

const WINDOWS_AMI = "ami-0windows0000000001";
const LINUX_AMI = "ami-0linux000000000001";
const config = {
    "windows-instance-enrolled": {
        environments: [{ name: "prod", targetTags: { Backup: "prod" } }],
        windowsAmiIds: [WINDOWS_AMI],
        resolveAmis: false,
    },
};
const INSTANCE = "aws:ec2/instance:Instance";
const windowsInstance = (props: Record<string, unknown> = {}) =>
    resource(INSTANCE, "sql-1", { ami: WINDOWS_AMI, instanceType: "m6i.large", tags: { Backup: "prod", Name: "sql-1" }, ...props });

describe("windows-instance-enrolled", () => {
    const POLICY = "windows-instance-enrolled";

    it("passes a Windows instance that carries an environment's target tags", async () => {
        assert.deepStrictEqual((await run(POLICY, [windowsInstance()], config)).violations, []);
    });

    it("blocks a Windows instance without target tags, naming it, why it is Windows and the tags to add", async () => {
        const { violations } = await run(POLICY, [windowsInstance({ tags: { Name: "sql-1" } })], config);
        assert.strictEqual(violations.length, 1);
        assert.strictEqual(violations[0].enforcementLevel, "mandatory");
        assert.strictEqual(violations[0].urn, "urn:pulumi:test::app::aws:ec2/instance:Instance::sql-1");
        assert.strictEqual(
            violations[0].message,
            "Every Windows instance a stack creates carries the target tags of a backup environment, or is exempted.\n" +
                `aws:ec2/instance:Instance sql-1 is a Windows instance (its AMI ${WINDOWS_AMI} is listed as Windows) that no backup environment selects. ` +
                "Add the tags Backup=prod (environment prod), or exempt it with a reason and an expiry date.",
        );
    });

    it("blocks an instance whose tag value belongs to no environment", async () => {
        const { violations } = await run(POLICY, [windowsInstance({ tags: { Backup: "staging" } })], config);
        assert.strictEqual(violations.length, 1);
    });

    it("ignores Linux instances", async () => {
        assert.deepStrictEqual((await run(POLICY, [windowsInstance({ ami: LINUX_AMI, tags: {} })], config)).violations, []);
    });

    for (const [signal, props] of [
        ["getPasswordData", { ami: LINUX_AMI, getPasswordData: true }],
        ["<powershell> user data", { ami: LINUX_AMI, userData: "<powershell>Install-WindowsFeature Web-Server</powershell>" }],
        [
            "base64 <powershell> user data",
            { ami: LINUX_AMI, userDataBase64: Buffer.from("<powershell>hostname</powershell>").toString("base64") },
        ],
        ["an OS tag", { ami: LINUX_AMI, tags: { OS: "Windows Server 2022" } }],
    ] as const) {
        it(`recognises Windows by ${signal}`, async () => {
            const { violations } = await run(POLICY, [windowsInstance({ tags: {}, ...props })], config);
            assert.strictEqual(violations.length, 1);
        });
    }

    it("resolves each AMI with one EC2 DescribeImages call for the whole pack, and trusts platform windows", async () => {
        const ec2 = mockClient(EC2Client);
        ec2.on(DescribeImagesCommand).resolves({
            // The API returns lowercase "windows" although the SDK types it "Windows"; the policy accepts both.
            Images: [{ ImageId: "ami-0fromec2000000001", Platform: "windows" as "Windows", Name: "Windows_Server-2022-English-Full-Base" }],
        });
        const resolveAmis = describeImagesResolver(() => new EC2Client({ region: "us-east-1" }));
        const stack = [1, 2, 3].map((i) => resource(INSTANCE, `web-${i}`, { ami: "ami-0fromec2000000001", tags: {} }));
        const resolving = { "windows-instance-enrolled": { ...config["windows-instance-enrolled"], resolveAmis: true } };
        const { violations } = await run(POLICY, stack, resolving, { resolveAmis });
        assert.strictEqual(violations.length, 3);
        assert.match(violations[0].message, /its AMI ami-0fromec2000000001 has platform windows/);
        const calls = ec2.commandCalls(DescribeImagesCommand);
        assert.strictEqual(calls.length, 1, "windows-instance-can-run-snapshot asks too, but hits the cache");
        assert.deepStrictEqual(calls[0].args[0].input, { Filters: [{ Name: "image-id", Values: ["ami-0fromec2000000001"] }] });
        ec2.restore();
    });

    it("counts a maintenance-window target in the same stack as an environment", async () => {
        const target = resource("aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget", "backup-target", {
            resourceType: "INSTANCE",
            targets: [{ key: "tag:VSS-Snapshot", values: ["dev"] }],
        });
        const instance = windowsInstance({ tags: { "VSS-Snapshot": "dev" } });
        assert.deepStrictEqual((await run(POLICY, [instance, target], config)).violations, []);
    });

    it("follows an autoscaling group to its launch template's instance tags and propagated tags", async () => {
        const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "web-lt", {
            imageId: WINDOWS_AMI,
            tagSpecifications: [{ resourceType: "instance", tags: { Name: "web" } }],
        });
        const group = (tags: unknown[]) =>
            resource(
                "aws:autoscaling/group:Group",
                "web-asg",
                { launchTemplate: { id: UNKNOWN_VALUES.string }, tags },
                { launchTemplate: [template] },
            );
        const unenrolled = await run(POLICY, [template, group([])], config);
        assert.strictEqual(unenrolled.violations.length, 1);
        assert.match(
            unenrolled.violations[0].message,
            /aws:autoscaling\/group:Group web-asg launches Windows instances \(launch template web-lt: /,
        );
        const enrolled = await run(POLICY, [template, group([{ key: "Backup", value: "prod", propagateAtLaunch: true }])], config);
        assert.deepStrictEqual(enrolled.violations, []);
    });

    it("accepts a valid exemption, and reports one without a reason or past its date", async () => {
        const instance = windowsInstance({ tags: {} });
        const exempt = (e: Record<string, unknown>) => ({
            "windows-instance-enrolled": { ...config["windows-instance-enrolled"], exemptions: [e] },
        });
        const valid = await run(POLICY, [instance], exempt({ urn: instance.urn, reason: "legacy build agent", expires: "2027-01-31" }));
        assert.deepStrictEqual(valid.violations, []);
        const expired = await run(POLICY, [instance], exempt({ urn: instance.urn, reason: "legacy", expires: "2026-11-01" }));
        const messages = expired.violations.map((v) => v.message.split("\n")[1]);
        assert.strictEqual(messages.length, 2, "the stale exemption, and the instance it no longer covers");
        assert.ok(messages.includes(`The exemption for ${instance.urn} expired on 2026-11-01; renew it or enroll the instance.`));
        assert.ok(messages.some((m) => m.startsWith("aws:ec2/instance:Instance sql-1 is a Windows instance")));
        const noReason = await run(POLICY, [instance], exempt({ namePattern: "^sql-", expires: "2027-01-31" }));
        assert.ok(
            noReason.violations.some((v) =>
                v.message.endsWith("The exemption for ^sql- has no reason; say why the instance needs no backup."),
            ),
        );
    });

    it("decides from known inputs during preview: an unknown AMI does not hide getPasswordData", async () => {
        const { violations } = await run(
            POLICY,
            [windowsInstance({ ami: UNKNOWN_VALUES.string, getPasswordData: true, tags: {} })],
            config,
        );
        assert.strictEqual(violations.length, 1);
        assert.strictEqual(violations[0].enforcementLevel, "mandatory");
    });

    it("becomes advisory during preview when a Windows instance's tags are unknown", async () => {
        // The engine sends one sentinel (the string one) for every unknown value, whatever its type.
        const { violations } = await run(POLICY, [windowsInstance({ tags: UNKNOWN_VALUES.string })], config);
        assert.strictEqual(violations.length, 1);
        assert.strictEqual(violations[0].enforcementLevel, "advisory");
        assert.match(
            violations[0].message,
            /^can't run policy 'windows-instance-enrolled' from policy pack 'vss-fleet@v0.0.0' during preview: string value at \.tags/,
        );
    });

    it("can be made advisory or disabled through config, for one policy or all", async () => {
        const stack = [windowsInstance({ tags: {} })];
        const advisory = await run(POLICY, stack, { ...config, all: "advisory" });
        assert.strictEqual(advisory.violations[0].enforcementLevel, "advisory");
        const disabled = await run(POLICY, stack, {
            "windows-instance-enrolled": { ...config["windows-instance-enrolled"], enforcementLevel: "disabled" },
        });
        assert.deepStrictEqual(disabled.violations, []);
    });
});
