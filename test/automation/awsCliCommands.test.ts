/**
 * Every AWS CLI command vss-fleet prints (in its messages, help, restore plans, templates and docs)
 * exists: each `aws <service> <operation>` and `aws <service> wait <waiter>` is checked against
 * botocore's service and waiter models, which are what the AWS CLI itself is built from. The restore
 * plan's steps (`call: "ec2 ..."`) are printed as `aws <call>`, so they are checked too.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

const ROOT = path.join(__dirname, "..", "..");
const SCANNED = ["automation", "components", "core", "policies", "functions", "stacks", "templates", "bin", "docs", "README.md"];

/** botocore's data folder (python3 with botocore is part of the test tools, as for moto). */
function botocoreData(): string {
    const found = spawnSync("python3", ["-c", "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))"], {
        encoding: "utf8",
    });
    assert.strictEqual(found.status, 0, `python3 with botocore is needed to check AWS CLI commands: ${found.stderr}`);
    return found.stdout.trim();
}

/** The AWS CLI's name for an API name: botocore's xform_name with '-' ("DescribeDBInstances" -> "describe-db-instances"). */
export function cliName(name: string): string {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
        .toLowerCase();
}

function readJson(file: string): { operations?: Record<string, unknown>; waiters?: Record<string, unknown> } {
    const raw = fs.readFileSync(file);
    return JSON.parse((file.endsWith(".gz") ? zlib.gunzipSync(raw) : raw).toString("utf8"));
}

/** The newest API version's operations and waiters of one service, as CLI names. */
function serviceModel(data: string, service: string): { operations: Set<string>; waiters: Set<string> } | undefined {
    const folder = path.join(data, service);
    if (!fs.existsSync(folder)) {
        return undefined;
    }
    const newest = fs.readdirSync(folder).sort().pop() as string;
    const file = (base: string) => [base, base + ".gz"].map((f) => path.join(folder, newest, f)).find((f) => fs.existsSync(f));
    const serviceFile = file("service-2.json");
    const waitersFile = file("waiters-2.json");
    return {
        operations: new Set(Object.keys(serviceFile ? (readJson(serviceFile).operations ?? {}) : {}).map(cliName)),
        waiters: new Set(Object.keys(waitersFile ? (readJson(waitersFile).waiters ?? {}) : {}).map(cliName)),
    };
}

function filesUnder(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (fs.statSync(full).isFile()) {
        return [full];
    }
    return fs
        .readdirSync(full, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile() && /\.(ts|js|md|ps1|ya?ml|sh|json)$/.test(d.name) && !d.parentPath.includes("node_modules"))
        .map((d) => path.join(d.parentPath, d.name));
}

/** The AWS CLI's own commands, not in any API model (its "customizations"). */
const CLI_CUSTOMIZATIONS = new Set(["sso login", "sso logout", "configure sso", "configure list", "s3 cp", "s3 ls", "s3 sync"]);

interface Printed {
    readonly where: string;
    readonly service: string;
    readonly wait: boolean;
    readonly name: string;
}

/** `aws <service> [wait] <op>` in text, and a restore step's `call: "<service> [wait] <op>"` (printed with `aws ` before it). */
export function printedCommands(text: string, where: string): Printed[] {
    const found: Printed[] = [];
    for (const pattern of [
        /\baws ([a-z][a-z0-9-]*) (wait )?([a-z][a-z0-9-]*[a-z0-9])/g,
        /\b(?:call: |case )"([a-z][a-z0-9-]*) (wait )?([a-z][a-z0-9-]*)"/g,
    ]) {
        for (const m of text.matchAll(pattern)) {
            const line = text.slice(0, m.index).split("\n").length;
            found.push({ where: `${where}:${line}`, service: m[1], wait: m[2] !== undefined, name: m[3] });
        }
    }
    return found;
}

describe("every AWS CLI command vss-fleet prints exists (botocore's models)", function () {
    this.timeout(60_000);
    const data = botocoreData();
    const models = new Map<string, ReturnType<typeof serviceModel>>();
    const model = (service: string) => {
        if (!models.has(service)) {
            models.set(service, serviceModel(data, service));
        }
        return models.get(service);
    };
    const problems = (commands: readonly Printed[]) =>
        commands.flatMap((c) => {
            if (!c.wait && CLI_CUSTOMIZATIONS.has(`${c.service} ${c.name}`)) {
                return [];
            }
            const m = model(c.service);
            if (!m) {
                return [`${c.where}: aws ${c.service}: no such service`];
            }
            const known = c.wait ? m.waiters : m.operations;
            return known.has(c.name)
                ? []
                : [`${c.where}: aws ${c.service} ${c.wait ? "wait " : ""}${c.name}: no such ${c.wait ? "waiter" : "operation"}`];
        });

    it("the checker knows real commands and refuses invented ones (it can fail)", () => {
        assert.strictEqual(cliName("DescribeReplaceRootVolumeTasks"), "describe-replace-root-volume-tasks");
        assert.strictEqual(cliName("GetAccountAuthorizationDetails"), "get-account-authorization-details");
        assert.deepStrictEqual(
            problems(
                printedCommands(
                    "run aws ec2 wait replace-root-volume-task-succeeded, then aws ec2 wait instance-running and aws ec2 describe-replace-root-volume-tasks; aws rbin list-rules; aws nosuch thing",
                    "x",
                ),
            ),
            ["x:1: aws ec2 wait replace-root-volume-task-succeeded: no such waiter", "x:1: aws nosuch: no such service"],
        );
    });

    it("in the sources, templates and docs", () => {
        const commands = SCANNED.flatMap(filesUnder).flatMap((file) =>
            printedCommands(fs.readFileSync(file, "utf8"), path.relative(ROOT, file)),
        );
        assert.ok(commands.length > 40, `only ${commands.length} commands found: the scan is broken`);
        assert.deepStrictEqual(problems(commands), []);
    });

    it("in the restore plans of every mode (as printed)", async () => {
        const { planRestore, restoreText } = await import("../../automation/restore/plan");
        const volumes = new Map([
            ["vol-root", { volumeId: "vol-root", volumeType: "gp3", size: 100, encrypted: true, device: "/dev/sda1" }],
            ["vol-data", { volumeId: "vol-data", volumeType: "gp3", size: 500, device: "xvdf" }],
        ]);
        const set = {
            key: "set-1",
            startTime: new Date("2026-11-27T07:30:04Z"),
            snapshots: [
                { snapshotId: "snap-root", volumeId: "vol-root", device: "/dev/sda1", size: 100 },
                { snapshotId: "snap-data", volumeId: "vol-data", device: "xvdf", size: 500, storageTier: "archive" },
            ],
        };
        const instance = {
            instanceId: "i-0a1b2c3d4e5f60001",
            state: "stopped",
            availabilityZone: "us-east-1a",
            instanceType: "m6i.xlarge",
            rootDeviceName: "/dev/sda1",
            devicesInUse: ["/dev/sda1", "xvdf"],
        };
        const texts = (["beside", "replace", "new-instance"] as const).map((mode) =>
            restoreText(planRestore({ instance, set, volumes, mode } as never)),
        );
        const replace = texts[1];
        assert.match(replace, /aws ec2 describe-replace-root-volume-tasks/);
        assert.deepStrictEqual(problems(texts.flatMap((t, i) => printedCommands(t, `plan ${i}`))), []);
    });
});
