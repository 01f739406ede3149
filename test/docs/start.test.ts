/**
 * docs/START.md, followed literally: its `sh start:<path>` blocks run in order, in one bash per path,
 * with `npx vss-fleet` as this repository's bin (as in runnableBlocks.test.ts) and the AWS CLI and SDK
 * pointed at the emulator (moto) where the page needs an AWS account. Lines of the form
 * `name=value   # from ...` are the reader's inputs (the instance the alert names): the test gives
 * them the emulator's values. `start:install` is run by test/package/install.test.ts; `needs-account`
 * blocks (preview, apply, live verify) need a Pulumi backend and a real account, and are only checked
 * by references.test.ts (the command and its flags exist).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { ListCommandsCommand } from "@aws-sdk/client-ssm";
import { verifyRun } from "../../functions/lifecycle/actions";
import { launchWindows, runWindow, type SimInstance } from "../emulator/fleet";
import { DEFAULT_ACCOUNT, useEmulator } from "../emulator/server";
import { alerts, deploy, environmentSpec, functionClients, type Deployed } from "../emulator/world";

const ROOT = path.join(__dirname, "..", "..");
const START = path.join(ROOT, "docs", "START.md");
const BIN = path.join(ROOT, "bin", "vss-fleet.js");

/** The code of the fenced blocks whose info string is exactly `sh <tag>` (or `<tag>` for text blocks), in order. */
export function startBlocks(text: string, tag: string): string[] {
    const blocks: string[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() !== "```" + tag) {
            continue;
        }
        const body: string[] = [];
        for (i++; i < lines.length && lines[i].trim() !== "```"; i++) {
            body.push(lines[i]);
        }
        blocks.push(body.join("\n"));
    }
    return blocks;
}

/** The reader's inputs (`name=value  # from the alert`) given the test's values; every one must be used. */
function withInputs(script: string, inputs: Readonly<Record<string, string>>): string {
    const used = new Set<string>();
    const out = script.replace(/^(\w+)=\S+(\s+#.*)$/gm, (line, name: string, comment: string) => {
        if (!(name in inputs)) {
            return line;
        }
        used.add(name);
        return `${name}=${inputs[name]}${comment}`;
    });
    assert.deepStrictEqual([...used].sort(), Object.keys(inputs).sort(), "every input the test gives is a line of the page");
    return out;
}

describe("docs/START.md, followed literally (moto for AWS)", function () {
    this.timeout(300_000);
    const { emulator } = useEmulator(this);
    const text = fs.readFileSync(START, "utf8");
    let tmp: string;
    before(() => {
        // The page's AWS steps are AWS CLI calls: without the CLI they cannot be followed (fails, as in CI).
        const probe = spawnSync("aws", ["--version"], { encoding: "utf8" });
        assert.ok(!probe.error, "docs/START.md's AWS steps need the AWS CLI (aws) on PATH");
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-start-"));
    });
    after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

    /** Runs the blocks as one bash script in `cwd`: `npx vss-fleet` is this repository's CLI, AWS is the emulator. */
    function bash(script: string, cwd: string) {
        const prelude = [
            "set -eo pipefail",
            `npx() { if [ "$1" = vss-fleet ]; then shift; node ${JSON.stringify(BIN)} "$@"; else command npx "$@"; fi; }`,
        ].join("\n");
        return spawnSync("bash", ["-c", `${prelude}\n${script}`], {
            cwd,
            encoding: "utf8",
            env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                AWS_ENDPOINT_URL: emulator().endpoint,
                AWS_ACCESS_KEY_ID: "testing",
                AWS_SECRET_ACCESS_KEY: "testing",
                AWS_DEFAULT_REGION: "us-east-1",
                AWS_REGION: "us-east-1",
                AWS_EC2_METADATA_DISABLED: "true",
                AWS_CONFIG_FILE: "/dev/null",
                AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
            },
        });
    }

    function ok(result: ReturnType<typeof bash>, what: string): string {
        assert.strictEqual(result.status, 0, `${what} exited ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
        return result.stdout;
    }

    it("the page has the three paths, and every block is tagged (run, run elsewhere, or needs an account)", () => {
        const tags = [...text.matchAll(/^```(\S.*)$/gm)].map((m) => m[1]);
        const known = new Set(["sh start:install", "sh start:first-deployment", "sh start:administrator", "sh start:failed-night"]);
        known.add("sh start:restore").add("sh needs-account").add("sh runnable").add("text").add("json");
        assert.deepStrictEqual(
            tags.filter((t) => !known.has(t)),
            [],
        );
        for (const tag of ["start:first-deployment", "start:administrator", "start:failed-night", "start:restore"]) {
            assert.ok(startBlocks(text, `sh ${tag}`).length > 0, tag);
        }
    });

    it("a first deployment: init, the reader's manifest edit, validate, render, plan, the bootstrap files; the administrator's script against IAM", () => {
        ok(bash(`node ${JSON.stringify(BIN)} init myfleet`, tmp), "init (the install block's init, from this clone)");
        const fleet = path.join(tmp, "myfleet");
        // The reader's edit: the account of prod (and of its deployRoleArn) is theirs: here, the emulator's.
        const manifest = path.join(fleet, "fleet.yaml");
        const edited = fs.readFileSync(manifest, "utf8").replaceAll("111111111111", DEFAULT_ACCOUNT);
        assert.match(edited, new RegExp(`deployRoleArn: arn:aws:iam::${DEFAULT_ACCOUNT}:role/vss-fleet-deploy-prod `));
        fs.writeFileSync(manifest, edited);

        const out = ok(bash(startBlocks(text, "sh start:first-deployment").join("\n"), fleet), "the first deployment's blocks");
        assert.match(out, /^fleet\.yaml: valid, 2 environment\(s\): prod, dev$/m);
        assert.match(out, /^OK: 2 of 2 environment\(s\) planned/m);
        assert.match(out, /^wrote bootstrap-prod\/bootstrap\.sh$/m);
        assert.ok(fs.existsSync(path.join(fleet, "bootstrap-prod", "vss-fleet-deploy-prod-trust.json")), "the trust file START.md names");
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(fleet, "vss-fleet-guardrails-scp.json"), "utf8")).Version, "2012-10-17");

        const admin = ok(bash(startBlocks(text, "sh start:administrator").join("\n"), fleet), "the administrator's script");
        assert.match(admin, /^created role vss-fleet-deploy-prod$/m);
        assert.match(
            admin,
            new RegExp(
                `^done: in the manifest, give environment 'prod' deployRoleArn: arn:aws:iam::${DEFAULT_ACCOUNT}:role/vss-fleet-deploy-prod$`,
                "m",
            ),
        );
    });

    describe("a failed night, then a restore", () => {
        let clients: ReturnType<typeof functionClients>;
        let prod: Deployed;
        let files: SimInstance;
        let sql: SimInstance;
        let commandId: string;
        const NIGHT = (n: number) => new Date(Date.UTC(2026, 10, 26 + n, 2, 30));

        beforeEach(async () => {
            clients = functionClients();
            // The fleet exists before its first night (an instance launched after a run is not judged by it).
            await emulator().control("clock", { now: "2026-11-20T09:00:00Z" });
            prod = await deploy(clients, environmentSpec("prod", { targetTags: { Backup: "prod" } }), "vss-fleet");
            sql = await launchWindows(clients.ec2, {
                name: "sql-prod-01",
                availabilityZone: "us-east-1a",
                tags: { Backup: "prod" },
                dataVolumes: 1,
            });
            files = await launchWindows(clients.ec2, {
                name: "files-prod-01",
                availabilityZone: "us-east-1a",
                tags: { Backup: "prod" },
                dataVolumes: 1,
            });
            // A good night, then one where the file server's snapshot step fails.
            await runWindow(clients, emulator(), prod.env, [sql, files], NIGHT(1));
            const run = await runWindow(clients, emulator(), prod.env, [sql, files], NIGHT(2), new Map([[files.instanceId, "fail"]]));
            const listed = await clients.ssm.send(new ListCommandsCommand({}));
            commandId = listed.Commands?.map((c) => c.CommandId ?? "").pop() ?? "";
            // What the agent reports for the failed document, step by step (moto runs no document).
            await emulator().control("command-outcome", {
                commandId,
                outcomes: [
                    {
                        instanceId: files.instanceId,
                        status: "Failed",
                        plugins: [
                            {
                                name: "installAwsVssComponents",
                                status: "Success",
                                responseCode: 0,
                                output: "AwsVssComponents is installed.",
                            },
                            {
                                name: "createVssSnapshot",
                                status: "Failed",
                                responseCode: 1,
                                output: "VSS writer SqlServerWriter failed: timed out",
                            },
                        ],
                    },
                    { instanceId: sql.instanceId, status: "Success" },
                ],
            });
            await verifyRun(clients, prod.config, run.windowExecutionId, new Date(NIGHT(2).getTime() + 60 * 60_000));
        });

        it("the alert reads as the page shows it; the Run Command blocks find the failed step, its output, the writers, and re-run the instance", async () => {
            const [alert] = await alerts(emulator(), prod.config.alertTopicArn);
            const shown = startBlocks(text, "text")[0].split("\n");
            const label = (id: string) => id.replace("i-0a1b2c3d4e5f60003", files.instanceId);
            assert.strictEqual(`Subject: ${alert.subject}`, shown[0]);
            assert.deepStrictEqual(alert.message.split("\n"), shown.slice(2).map(label));

            const script = withInputs(startBlocks(text, "sh start:failed-night").join("\n"), {
                instance: files.instanceId,
                region: "us-east-1",
            });
            const out = ok(bash(script, tmp), "the failed night's blocks");
            const steps = JSON.parse(out.slice(0, out.indexOf("\n}\n") + 2)) as unknown;
            assert.deepStrictEqual(steps, {
                status: "Failed",
                details: "Failed",
                document: prod.env.documentName,
                steps: [
                    { step: "installAwsVssComponents", status: "Success", exit: 0 },
                    { step: "createVssSnapshot", status: "Failed", exit: 1 },
                ],
            });
            assert.match(out, /^1\tVSS writer SqlServerWriter failed: timed out\t$/m);
            // Three commands were sent to the instance since: the writers' query and the re-run, each waited for.
            const sent = await clients.ssm.send(new ListCommandsCommand({ InstanceId: files.instanceId }));
            const after = (sent.Commands ?? []).filter((c) => c.CommandId !== commandId && c.DocumentName !== undefined);
            assert.deepStrictEqual(after.map((c) => [c.DocumentName, c.Comment]).slice(-2), [
                ["AWS-RunPowerShellScript", "vss-fleet: which VSS writer failed"],
                [prod.env.documentName, "vss-fleet: re-run of one instance"],
            ]);
            assert.deepStrictEqual(after[after.length - 2].Parameters, { commands: ["vssadmin list writers"] });
        });

        it("the restore blocks: the plan of the newest good set, then --apply, live: a copy of its data volume attached beside", async () => {
            const dir = path.join(tmp, "restore");
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(
                path.join(dir, "fleet.yaml"),
                `version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "${DEFAULT_ACCOUNT}"\n    targetTags: { Backup: prod }\n`,
            );
            // A fleet repository: its Pulumi project's name is the fleet tag the night's snapshots carry.
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: vss-fleet\nruntime: nodejs\nmain: stacks/index.ts\n");
            const script = `instance=${sql.instanceId}\n${startBlocks(text, "sh start:restore").join("\n")}`;
            const out = ok(bash(script, dir), "the restore blocks");
            const heading = `Restore of ${sql.instanceId} from the set of 2026-11-28T02:31:00.000Z (beside), 3 step(s); nothing is deleted:`;
            // The plan, then the same plan carried out.
            assert.strictEqual(out.split("\n").filter((l) => l === heading).length, 2, out);
            assert.match(out, /^DONE: every step ran; nothing was deleted\.$/m);
            const restored = await clients.ec2.send(
                new DescribeVolumesCommand({ Filters: [{ Name: "tag-key", Values: ["vss-fleet:restored-from"] }] }),
            );
            assert.deepStrictEqual(
                (restored.Volumes ?? []).map((v) => [v.Attachments?.[0]?.InstanceId, v.Attachments?.[0]?.Device]),
                [[sql.instanceId, "xvdg"]],
            );
        });
    });
});
