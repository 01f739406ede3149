/**
 * Emulator tier: the bootstrap script `deploy-policy --bootstrap --role-name --out-dir` writes, run as
 * an administrator runs it (`bash bootstrap.sh`, the real AWS CLI) against moto's IAM, then read back
 * with the SDK: the boundary and the deploy parts exist under the administrator's path, the role
 * exists with its trust, and every part is attached. Run twice, it updates instead of failing, and a
 * part an earlier version attached that this one no longer writes is detached.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    AttachRolePolicyCommand,
    CreatePolicyCommand,
    CreatePolicyVersionCommand,
    GetPolicyCommand,
    GetRoleCommand,
    IAMClient,
    ListAttachedRolePoliciesCommand,
    ListPolicyVersionsCommand,
} from "@aws-sdk/client-iam";
import { DEFAULT_ACCOUNT, useEmulator } from "./server";

const ROOT = path.join(__dirname, "..", "..");
const BOUNDARY = `arn:aws:iam::${DEFAULT_ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary`;

/** The AWS CLI, or why this file cannot run: the script is AWS CLI calls, so nothing can stand in for it here. */
function awsCliMissing(): string | undefined {
    const probe = spawnSync("aws", ["--version"], { encoding: "utf8" });
    return probe.error ? `the AWS CLI (aws) is not on PATH: ${(probe.error as NodeJS.ErrnoException).code}` : undefined;
}

describe("emulator: the bootstrap script an administrator runs (deploy-policy --bootstrap --out-dir)", function () {
    // Each AWS CLI call is a Python start: a run of the script is about 20 of them.
    this.timeout(300_000);
    const { emulator } = useEmulator(this);
    let dir: string;

    before(function () {
        const missing = awsCliMissing();
        if (missing) {
            // As the emulator itself: a failure in CI, a notice by hand.
            if (process.env.CI === "true") {
                throw new Error(missing);
            }
            console.warn(`    NOTICE: ${missing}`);
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-bootstrap-"));
        // A fleet repository: the boundary's fleet conditions take its Pulumi project's name.
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: vss-fleet\nruntime: nodejs\nmain: stacks/index.ts\n");
        fs.writeFileSync(
            path.join(dir, "fleet.yaml"),
            [
                "version: 1",
                "environments:",
                "  prod:",
                "    region: us-east-1",
                `    accountId: "${DEFAULT_ACCOUNT}"`,
                "    schedule: cron(30 2 ? * * *)",
                "    targetTags: { Backup: prod }",
                "",
            ].join("\n"),
        );
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    function cli(...args: string[]) {
        return spawnSync(process.execPath, [path.join(ROOT, "bin", "vss-fleet.js"), ...args], { cwd: dir, encoding: "utf8" });
    }

    /** `bash bootstrap.sh` from another folder, the AWS CLI pointed at the emulator as a profile would point it at AWS. */
    function runScript(script: string) {
        return spawnSync("bash", [script], {
            cwd: os.tmpdir(),
            encoding: "utf8",
            env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                AWS_ENDPOINT_URL: emulator().endpoint,
                AWS_ACCESS_KEY_ID: "testing",
                AWS_SECRET_ACCESS_KEY: "testing",
                AWS_DEFAULT_REGION: "us-east-1",
                AWS_EC2_METADATA_DISABLED: "true",
                AWS_CONFIG_FILE: "/dev/null",
                AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
            },
        });
    }

    async function attached(iam: IAMClient, role: string): Promise<string[]> {
        const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }));
        return (out.AttachedPolicies ?? []).map((p) => p.PolicyName ?? "").sort();
    }

    it("creates the boundary, the deploy parts and the role, attaches the parts; again, it updates and detaches a stale part", async () => {
        const write = cli(
            "deploy-policy",
            "fleet.yaml",
            "--env",
            "prod",
            "--bootstrap",
            "--role-name",
            "vss-deploy-prod",
            "--out-dir",
            "out",
        );
        assert.strictEqual(write.status, 0, write.stderr);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "out")).sort(), [
            "bootstrap.sh",
            "vss-deploy-prod-trust.json",
            "vss-fleet-prod-boundary.json",
            "vss-fleet-prod-deploy-1.json",
            "vss-fleet-prod-deploy-2.json",
            "vss-fleet-watch-prod.json",
        ]);
        const script = path.join(dir, "out", "bootstrap.sh");
        assert.strictEqual(fs.statSync(script).mode & 0o777, 0o755);

        const first = runScript(script);
        assert.strictEqual(first.status, 0, `stdout:\n${first.stdout}\nstderr:\n${first.stderr}`);
        assert.strictEqual(
            first.stdout,
            [
                `created ${BOUNDARY}`,
                `created arn:aws:iam::${DEFAULT_ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-deploy-1`,
                `created arn:aws:iam::${DEFAULT_ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-deploy-2`,
                "created role vss-deploy-prod",
                "attached 2 deploy policies to vss-deploy-prod",
                `done: in the manifest, give environment 'prod' deployRoleArn: arn:aws:iam::${DEFAULT_ACCOUNT}:role/vss-deploy-prod`,
                "",
            ].join("\n"),
        );

        const iam = new IAMClient({});
        const boundary = await iam.send(new GetPolicyCommand({ PolicyArn: BOUNDARY }));
        assert.strictEqual(boundary.Policy?.Path, "/vss-fleet-boundary/");
        const role = await iam.send(new GetRoleCommand({ RoleName: "vss-deploy-prod" }));
        assert.strictEqual(role.Role?.Arn, `arn:aws:iam::${DEFAULT_ACCOUNT}:role/vss-deploy-prod`);
        const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? "{}")) as {
            Statement: { Principal: unknown }[];
        };
        assert.deepStrictEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${DEFAULT_ACCOUNT}:root` });
        assert.deepStrictEqual(await attached(iam, "vss-deploy-prod"), ["vss-fleet-prod-deploy-1", "vss-fleet-prod-deploy-2"]);

        // An earlier version's third part, still attached: the next run detaches it and keeps the two.
        const stale = await iam.send(
            new CreatePolicyCommand({
                PolicyName: "vss-fleet-prod-deploy-3",
                Path: "/vss-fleet-boundary/",
                PolicyDocument: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "ec2:DescribeTags", Resource: "*" }],
                }),
            }),
        );
        await iam.send(new AttachRolePolicyCommand({ RoleName: "vss-deploy-prod", PolicyArn: stale.Policy?.Arn }));

        const again = runScript(script);
        assert.strictEqual(again.status, 0, `stdout:\n${again.stdout}\nstderr:\n${again.stderr}`);
        assert.match(again.stdout, new RegExp(`^updated ${BOUNDARY}$`, "m"));
        assert.match(again.stdout, /^updated the trust of role vss-deploy-prod$/m);
        assert.match(again.stdout, /^detached arn:aws:iam::\d{12}:policy\/vss-fleet-boundary\/vss-fleet-prod-deploy-3$/m);
        assert.deepStrictEqual(await attached(iam, "vss-deploy-prod"), ["vss-fleet-prod-deploy-1", "vss-fleet-prod-deploy-2"]);
        const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: BOUNDARY }));
        assert.strictEqual(versions.Versions?.length, 2);
    });

    it("at IAM's five versions of a policy, deletes the oldest non-default one, then adds the new default", async () => {
        const write = cli(
            "deploy-policy",
            "fleet.yaml",
            "--env",
            "prod",
            "--bootstrap",
            "--role-name",
            "vss-deploy-prod",
            "--out-dir",
            "out",
        );
        assert.strictEqual(write.status, 0, write.stderr);
        const iam = new IAMClient({});
        const document = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "ec2:DescribeTags", Resource: "*" }],
        });
        await iam.send(
            new CreatePolicyCommand({ PolicyName: "vss-fleet-prod-boundary", Path: "/vss-fleet-boundary/", PolicyDocument: document }),
        );
        for (let i = 0; i < 4; i++) {
            await iam.send(new CreatePolicyVersionCommand({ PolicyArn: BOUNDARY, PolicyDocument: document, SetAsDefault: i === 1 }));
        }
        const run = runScript(path.join(dir, "out", "bootstrap.sh"));
        assert.strictEqual(run.status, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
        const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: BOUNDARY }));
        // v1 (the oldest non-default) went; v3 was the default, now v6 (the script's) is.
        assert.deepStrictEqual((versions.Versions ?? []).map((v) => `${v.VersionId}${v.IsDefaultVersion ? "*" : ""}`).sort(), [
            "v2",
            "v3",
            "v4",
            "v5",
            "v6*",
        ]);
    });

    it("refuses credentials of another account before any IAM call", () => {
        fs.writeFileSync(
            path.join(dir, "other.yaml"),
            fs.readFileSync(path.join(dir, "fleet.yaml"), "utf8").replace(DEFAULT_ACCOUNT, "111111111111"),
        );
        const write = cli(
            "deploy-policy",
            "other.yaml",
            "--env",
            "prod",
            "--bootstrap",
            "--role-name",
            "vss-deploy-prod",
            "--out-dir",
            "other",
        );
        assert.strictEqual(write.status, 0, write.stderr);
        const run = runScript(path.join(dir, "other", "bootstrap.sh"));
        assert.strictEqual(run.status, 1);
        assert.strictEqual(
            run.stderr,
            `these credentials are for account ${DEFAULT_ACCOUNT}, not 111111111111: use an administrator of 111111111111 (AWS_PROFILE, aws sso login)\n`,
        );
        assert.strictEqual(run.stdout, "");
    });
});
