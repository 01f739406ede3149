/**
 * Emulator tier: the CLI's own AWS calls against a real AWS API (moto), code unchanged: the live
 * inventory (DescribeInstances, server-side filters, several pages), live `verify` across two
 * accounts and regions (the second reached by assuming the manifest's deployRoleArn through STS),
 * and the account guard (STS GetCallerIdentity).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { accountProblem } from "../../automation/driver/identity";
import { describeWindowsInstances } from "../../automation/inventory/live";
import { describeImagesResolver } from "../../policies/lib/windows";
import { runCli } from "../helpers";
import { launchWindows, LINUX_AMI, runWindow, WINDOWS_AMI, type SimInstance } from "./fleet";
import { DEFAULT_ACCOUNT, useEmulator } from "./server";
import { deploy, environmentSpec, functionClients } from "./world";

const EU_ACCOUNT = "222222222222";
const EU_ROLE = `arn:aws:iam::${EU_ACCOUNT}:role/vss-fleet-deploy`;
const NIGHT = new Date("2026-10-05T02:30:00Z");

/** An EC2 client in another account: credentials from assuming a role there, as moto hands them out. */
async function ec2In(roleArn: string, region: string): Promise<EC2Client> {
    const assumed = await new STSClient({}).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "seed" }));
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new Error("AssumeRole returned no credentials");
    }
    return new EC2Client({
        region,
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
}

/** Temporary folders the tests wrote manifests into, removed after the file. */
const folders: string[] = [];

function manifestFile(text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-emulator-"));
    folders.push(dir);
    const file = path.join(dir, "fleet.yaml");
    fs.writeFileSync(file, text);
    return file;
}

describe("emulator: the CLI's AWS calls against a real AWS API", function () {
    this.timeout(60_000);
    const { emulator } = useEmulator(this);
    after(() => folders.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("live inventory: Windows only (the platform filter), not terminated, over several pages", async () => {
        const ec2 = new EC2Client({});
        const tags = { Environment: "prod" };
        const windows: SimInstance[] = [];
        for (let i = 1; i <= 5; i++) {
            windows.push(await launchWindows(ec2, { name: `WIN0${i}`, availabilityZone: "us-east-1a", tags, dataVolumes: 0 }));
        }
        await launchWindows(ec2, { name: "LNX01", availabilityZone: "us-east-1a", tags, dataVolumes: 0, imageId: LINUX_AMI });
        await launchWindows(ec2, { name: "WIN99", availabilityZone: "us-east-1a", tags: { Environment: "dev" }, dataVolumes: 0 });
        const gone = await launchWindows(ec2, { name: "WIN00", availabilityZone: "us-east-1a", tags, dataVolumes: 0 });
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone.instanceId] }));
        await emulator().control("faults", { maxResults: { DescribeInstances: 2 } });
        const scope = { environment: "prod", accountId: DEFAULT_ACCOUNT, region: "us-east-1", scopeTags: tags };
        const found = await describeWindowsInstances(scope, ec2);
        assert.deepStrictEqual(found.map((i) => i.name).sort(), ["WIN01", "WIN02", "WIN03", "WIN04", "WIN05"]);
        assert.ok(found.every((i) => i.platform === "windows" && i.accountId === DEFAULT_ACCOUNT && i.region === "us-east-1"));
        const calls = await emulator().control<Record<string, number>>("calls");
        assert.strictEqual(calls.DescribeInstances, 3, "five instances in pages of two");
    });

    it("live inventory: credentials that reach another account than the manifest's are refused", async () => {
        const ec2 = new EC2Client({});
        await launchWindows(ec2, { name: "WIN01", availabilityZone: "us-east-1a", tags: {}, dataVolumes: 0 });
        const scope = { environment: "prod", accountId: "111111111111", region: "us-east-1", scopeTags: {} };
        await assert.rejects(describeWindowsInstances(scope, ec2), {
            name: "UserInputError",
            message:
                "environment prod: the credentials reach account 123456789012, but the manifest says 111111111111; use that account's credentials (or its deployRoleArn)",
        });
    });

    it("the policy pack's AMI resolver: DescribeImages says which images are Windows", async () => {
        const facts = await describeImagesResolver()([WINDOWS_AMI, LINUX_AMI], "us-east-1");
        assert.deepStrictEqual(Object.fromEntries(facts), {
            [WINDOWS_AMI]: { platform: "windows", name: "Windows_Server-2008-R2_SP1-English-64Bit-Base-2017.10.13" },
            [LINUX_AMI]: { platform: undefined, name: "ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-20170727" },
        });
    });

    // EC2 answers DescribeImages with InvalidAMIID.NotFound when ONE of the ImageIds is unknown
    // (deregistered, or no longer shared); the resolver asks by filter, so one such AMI is simply unknown.
    it("the policy pack's AMI resolver: a deregistered AMI is unknown, not an error for the whole batch", async () => {
        const facts = await describeImagesResolver()([WINDOWS_AMI, "ami-0123456789abcdef0"], "us-east-1");
        assert.deepStrictEqual([...facts.keys()], [WINDOWS_AMI]);
    });

    it("the account guard: GetCallerIdentity, directly and after assuming the deploy role", async () => {
        const spec = (fields: Record<string, unknown>) => environmentSpec("prod", fields);
        assert.strictEqual(await accountProblem(spec({})), undefined);
        assert.strictEqual(
            await accountProblem(spec({ accountId: "111111111111" })),
            "the credentials are for account 123456789012, but the manifest says 111111111111; refusing to touch it",
        );
        assert.strictEqual(await accountProblem(spec({ accountId: EU_ACCOUNT, deployRoleArn: EU_ROLE })), undefined);
        // The manifest refuses a role in another account; the guard is the second line behind it.
        const elsewhere = {
            ...spec({ accountId: EU_ACCOUNT, deployRoleArn: EU_ROLE }),
            deployRoleArn: "arn:aws:iam::333333333333:role/vss-fleet-deploy",
        };
        assert.strictEqual(
            await accountProblem(elsewhere),
            "the credentials (after assuming arn:aws:iam::333333333333:role/vss-fleet-deploy) are for account 333333333333, " +
                "but the manifest says 222222222222; refusing to touch it",
        );
    });

    it("live verify: two accounts and regions, one instance breaching, exit 1", async () => {
        const clients = functionClients();
        const prodSpec = environmentSpec("prod", { targetTags: { Backup: "prod" } });
        const prod = await deploy(clients, prodSpec, "acme");
        await emulator().control("clock", { now: "2026-09-01T00:00:00Z" });
        const sql01 = await launchWindows(clients.ec2, {
            name: "SQL01",
            availabilityZone: "us-east-1a",
            tags: { Backup: "prod" },
            dataVolumes: 1,
        });
        const sql02 = await launchWindows(clients.ec2, {
            name: "SQL02",
            availabilityZone: "us-east-1b",
            tags: { Backup: "prod" },
            dataVolumes: 0,
        });
        await runWindow(clients, emulator(), prod.env, [sql01, sql02], NIGHT, new Map([[sql02.instanceId, "fail"]]));

        // The second environment lives in another account and region; the CLI reaches it through its deployRoleArn.
        const euEc2 = await ec2In(EU_ROLE, "eu-west-1");
        await emulator().control("clock", { now: "2026-09-01T00:00:00Z" });
        const app01 = await launchWindows(euEc2, { name: "APP01", availabilityZone: "eu-west-1a", tags: { Backup: "eu" }, dataVolumes: 0 });
        const euSpec = environmentSpec("eu", { region: "eu-west-1", accountId: EU_ACCOUNT, targetTags: { Backup: "eu" } });
        await runWindow(
            { ec2: euEc2, ssm: clients.ssm },
            emulator(),
            { ...prod.env, spec: euSpec, tags: { ...prod.env.tags, "vss-fleet:environment": "eu" }, description: "vss-fleet acme/eu" },
            [app01],
            NIGHT,
        );

        const file = manifestFile(
            [
                "version: 1",
                "environments:",
                "  prod:",
                "    region: us-east-1",
                `    accountId: "${DEFAULT_ACCOUNT}"`,
                "    targetTags: { Backup: prod }",
                "  eu:",
                "    region: eu-west-1",
                `    accountId: "${EU_ACCOUNT}"`,
                `    deployRoleArn: ${EU_ROLE}`,
                "    targetTags: { Backup: eu }",
                "",
            ].join("\n"),
        );
        // The fleet's project is named acme: verify reads the name there (--fleet must agree with it).
        fs.writeFileSync(path.join(path.dirname(file), "Pulumi.yaml"), "name: acme\nruntime: nodejs\n");
        const { code, out, err } = await runCli(
            "verify",
            file,
            "--at",
            "2026-10-05T08:30:00Z",
            "--project-dir",
            path.dirname(file),
            "--fleet",
            "acme",
        );
        assert.strictEqual(err, "");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(out.trimEnd().split("\n"), [
            "2 of 2 environment(s) of the manifest verified at 2026-10-05T08:30:00Z:",
            "prod (RPO 26 h): 1 ok, 1 breach",
            `  ok     ${sql01.instanceId} (SQL01): newest good set 6 h old (2026-10-05T02:31:00Z)`,
            `  BREACH ${sql02.instanceId} (SQL02): no good set`,
            "  WARNING recycle bin: no Recycle Bin rule retains snapshots tagged vss-fleet:environment=prod; a deleted snapshot is gone for good (deploy the stack, which creates the rule)",
            "eu (RPO 26 h): 1 ok, 0 breach",
            `  ok     ${app01.instanceId} (APP01): newest good set 6 h old (2026-10-05T02:31:00Z)`,
            "  WARNING recycle bin: no Recycle Bin rule retains snapshots tagged vss-fleet:environment=eu; a deleted snapshot is gone for good (deploy the stack, which creates the rule)",
            "Summary: 3 instance(s) in 2 environment(s): 2 ok, 1 breach (prod: 1 ok, 1 breach; eu: 1 ok, 0 breach)",
            "BREACH: 1 instance(s) without a good set within the RPO.",
        ]);
    });
});
