/**
 * `npm run bench`: the CLI as a user runs it, a whole process on generated files, beside a bare-Node
 * floor (bench/floor.js) that reads the same files, measured in the same run. Each figure is the
 * median of 3 (wall time from spawn to exit; peak RSS reported by the process itself through
 * bench/rss.js). On a shared machine the ratio to the floor is the figure that compares across runs.
 * Writes docs/benchmarks.md. `--quick`: one run each, nothing written. `--only <text>`: the
 * scenarios whose name contains the text. Never a timed test: nothing here can turn CI red.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as prettier from "prettier";
import { writeFleet, writeVerify } from "./generate";

const ROOT = path.join(__dirname, "..");
const CLI = path.join(ROOT, "bin", "vss-fleet.js");
const FLOOR = path.join(__dirname, "floor.js");
const RSS = path.join(__dirname, "rss.js");

interface Scenario {
    readonly name: string;
    readonly cli: string[];
    readonly floor: string[];
    /** Exit codes that mean the command ran (plan exits 1 on the unenrolled servers it reports). */
    readonly codes: readonly number[];
    readonly target?: { readonly seconds: number; readonly mb?: number };
    readonly input?: string;
}

interface Sample {
    /** Wall time, spawn to exit. */
    readonly ms: number;
    readonly mb: number;
    /** CPU time of the process (user + system, all its threads): what a busy machine inflates least. */
    readonly cpuMs: number;
}

function measure(script: string, args: readonly string[], dir: string, codes: readonly number[]): Sample {
    const rssFile = path.join(dir, "rss");
    const out = fs.openSync(path.join(dir, "stdout"), "w");
    const err = fs.openSync(path.join(dir, "stderr"), "w");
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ["--require", RSS, script, ...args], {
        cwd: ROOT,
        stdio: ["ignore", out, err],
        env: { ...process.env, VSS_BENCH_RSS_FILE: rssFile },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    fs.closeSync(out);
    fs.closeSync(err);
    if (child.status === null || !codes.includes(child.status)) {
        const stderr = fs.readFileSync(path.join(dir, "stderr"), "utf8").slice(-2000);
        throw new Error(`${path.basename(script)} ${args.join(" ")} exited ${child.status ?? child.signal}:\n${stderr}`);
    }
    const [rssKib, cpuMicros] = fs.readFileSync(rssFile, "utf8").split(" ").map(Number);
    return { ms, mb: rssKib / 1024, cpuMs: cpuMicros / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function scenarios(dir: string, quick: boolean, only: string | undefined): Scenario[] {
    const want = (name: string) => only === undefined || name.includes(only);
    const list: Scenario[] = [];
    const add = (s: Scenario) => want(s.name) && list.push(s);
    add({ name: "--help", cli: ["--help"], floor: [], codes: [0], target: { seconds: 0.3, mb: 100 } });
    add({ name: "--version", cli: ["--version"], floor: [], codes: [0], target: { seconds: 0.3, mb: 100 } });
    const example = path.join(ROOT, "examples", "fleet.yaml");
    const exampleInventory = path.join(ROOT, "examples", "inventory.json");
    add({ name: "validate example", cli: ["validate", example], floor: ["validate", example], codes: [0], target: { seconds: 0.5 } });
    add({
        name: "plan example",
        cli: ["plan", example, "--offline", "--inventory", exampleInventory],
        floor: ["plan", example, exampleInventory],
        codes: [0, 1],
    });
    const fleets: [string, number, number, boolean, Scenario["target"]][] = [
        ["plan 50 x 1k", 50, 1_000, false, undefined],
        ["plan 50 x 10k", 50, 10_000, false, { seconds: 3, mb: 300 }],
        ["plan 50 x 50k", 50, 50_000, false, { seconds: 4, mb: 400 }],
        ["plan 200 x 10k", 200, 10_000, false, { seconds: 6 }],
        ["plan 50 x 10k, retention and drills everywhere", 50, 10_000, true, undefined],
    ];
    for (const [name, environments, instances, lifecycle, target] of fleets) {
        if (!want(name)) {
            continue;
        }
        const files = writeFleet(dir, name.replace(/[^a-z0-9]+/gi, "-"), { environments, instances, lifecycle });
        const inventory = files.inventory.flatMap((f) => ["--inventory", f]);
        add({
            name,
            cli: ["plan", files.manifest, "--offline", ...inventory],
            floor: ["plan", files.manifest, ...files.inventory],
            codes: [0, 1],
            target,
            input: `${files.inventory.length} files, ${(files.bytes / 1e6).toFixed(1)} MB`,
        });
    }
    const verifyName = "verify --offline 1k x 3 vol x 60 days";
    if (want(verifyName)) {
        const v = writeVerify(dir, quick ? 200 : 1_000, 3, 60);
        add({
            name: quick ? verifyName.replace("1k", "200") : verifyName,
            cli: [
                "verify",
                v.manifest,
                "--offline",
                "--inventory",
                v.inventory[0],
                "--volumes",
                v.volumes,
                "--snapshots",
                v.snapshots,
                "--at",
                v.at,
            ],
            floor: ["verify", v.manifest, v.inventory[0], v.volumes, v.snapshots],
            codes: [0, 1],
            target: quick ? undefined : { seconds: 10, mb: 800 },
            input: `${v.snapshotCount.toLocaleString("en")} snapshots, ${(v.bytes / 1e6).toFixed(0)} MB`,
        });
    }
    return list;
}

interface Row {
    readonly scenario: Scenario;
    readonly cli: Sample;
    readonly floor: Sample;
}

/** Judged on wall time, as the target is written, and on CPU time, which the machine's other users inflate least. */
function verdict(row: Row): string {
    const { target } = row.scenario;
    if (!target) {
        return "";
    }
    const met = (ok: boolean) => (ok ? "met" : "NOT met");
    const want = `≤ ${target.seconds} s${target.mb ? `, ≤ ${target.mb} MB` : ""}`;
    const rss = target.mb === undefined ? "" : `; memory ${met(row.cli.mb <= target.mb)}`;
    return `${want}: wall ${met(row.cli.ms <= target.seconds * 1000)}, CPU ${met(row.cli.cpuMs <= target.seconds * 1000)}${rss}`;
}

function table(rows: readonly Row[]): string[] {
    const lines = [
        "| scenario | input | CLI wall | CLI CPU | CLI peak RSS | floor wall | floor CPU | floor peak RSS | wall ratio | target |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ];
    for (const row of rows) {
        const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        const mb = (v: number) => `${v.toFixed(0)} MB`;
        lines.push(
            `| ${row.scenario.name} | ${row.scenario.input ?? ""} | ${s(row.cli.ms)} | ${s(row.cli.cpuMs)} | ${mb(row.cli.mb)} | ` +
                `${s(row.floor.ms)} | ${s(row.floor.cpuMs)} | ${mb(row.floor.mb)} | ` +
                `${(row.cli.ms / row.floor.ms).toFixed(1)}× | ${verdict(row)} |`,
        );
    }
    const small = rows.find((r) => r.scenario.name === "plan 50 x 1k");
    const large = rows.find((r) => r.scenario.name === "plan 50 x 10k");
    if (small && large) {
        const ratio = large.cli.ms / small.cli.ms;
        const cpuRatio = large.cli.cpuMs / small.cli.cpuMs;
        lines.push(
            "",
            `10× the instances (50 × 1k → 50 × 10k): ${ratio.toFixed(2)}× the wall time, ${cpuRatio.toFixed(2)}× the CPU time ` +
                `(target ≤ 1.5×: ${ratio <= 1.5 && cpuRatio <= 1.5 ? "met" : "NOT met"}); the floor: ${(large.floor.ms / small.floor.ms).toFixed(2)}×.`,
        );
    }
    return lines;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const quick = args.includes("--quick");
    const onlyAt = args.indexOf("--only");
    const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
    const runs = quick ? 1 : 3;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-bench-"));
    const load = os.loadavg()[0];
    try {
        const rows: Row[] = [];
        for (const scenario of scenarios(dir, quick, only)) {
            const cli: Sample[] = [];
            const floor: Sample[] = [];
            // Alternated, so a burst of load from the machine's other users hits both sides alike.
            for (let r = 0; r < runs; r++) {
                cli.push(measure(CLI, scenario.cli, dir, scenario.codes));
                floor.push(measure(FLOOR, scenario.floor, dir, [0]));
            }
            const mid = (samples: Sample[]): Sample => ({
                ms: median(samples.map((c) => c.ms)),
                mb: median(samples.map((c) => c.mb)),
                cpuMs: median(samples.map((c) => c.cpuMs)),
            });
            const row: Row = { scenario, cli: mid(cli), floor: mid(floor) };
            rows.push(row);
            console.log(table([row])[2]);
        }
        const lines = table(rows);
        console.log(["", ...lines].join("\n"));
        if (!quick && only === undefined) {
            await write(lines, rows, load);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function write(lines: readonly string[], rows: readonly Row[], load: number): Promise<void> {
    const cpus = os.cpus();
    const header = [
        "# Benchmarks",
        "",
        "Produced by `npm run bench` (bench/run.ts); do not edit by hand. Every scenario runs the CLI as a user",
        "runs it, `node bin/vss-fleet.js …` as a whole process (start-up, module loading, reading the files,",
        "writing the output to a file), on files bench/generate.ts writes: a manifest and one",
        "`aws ec2 describe-instances --output json` file per account (5 accounts, ~1 KB per instance as the AWS",
        "CLI prints it; 1 % of the Windows servers unenrolled, 5 % Linux). Every environment has the lifecycle",
        "function, as by default: 38 resources per environment of these manifests, 13 with `lifecycle: false`.",
        "Beside it, the floor: bench/floor.js,",
        "plain Node reading the same files and matching instances to environments by tags, nothing else.",
        "Figures are medians of 3 runs, CLI and floor alternated. Wall is spawn to exit; CPU is the process's",
        "user + system time over all its threads; peak RSS is its own ru_maxrss. The targets are wall times on",
        "an idle 2-core machine: on a shared one the wall time is inflated by everyone else's work, so each",
        "target is judged on both, and the ratio to the floor is the figure to compare across runs.",
        "",
        `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ` +
            `Node ${process.version}, load average ${load.toFixed(1)} at the start.`,
        "",
    ];
    const file = path.join(ROOT, "docs", "benchmarks.md");
    // Formatted as `npm run lint` expects the committed file to be.
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    fs.writeFileSync(file, await prettier.format([...header, ...lines, ""].join("\n"), options));
    console.log("wrote docs/benchmarks.md");
    await writeReadme(rows, header[header.length - 2]);
}

/** The scenarios with a target, as the README's short table; the markers keep the rest of the README hand-written. */
const README_ROWS = [
    "--help",
    "validate example",
    "plan 50 x 10k",
    "plan 50 x 50k",
    "plan 200 x 10k",
    "verify --offline 1k x 3 vol x 60 days",
];

async function writeReadme(rows: readonly Row[], runLine: string | undefined): Promise<void> {
    const file = path.join(ROOT, "README.md");
    const text = fs.readFileSync(file, "utf8");
    const start = "<!-- bench:start -->";
    const end = "<!-- bench:end -->";
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) {
        console.log(`README.md has no ${start} … ${end} block; not updated`);
        return;
    }
    const table = ["| scenario | wall | peak RSS | target |", "|---|--:|--:|---|"];
    for (const name of README_ROWS) {
        const row = rows.find((r) => r.scenario.name === name);
        if (row) {
            table.push(`| ${name} | ${(row.cli.ms / 1000).toFixed(2)} s | ${row.cli.mb.toFixed(0)} MB | ${verdict(row)} |`);
        }
    }
    const block = [start, "", `${runLine ?? ""} All figures: [docs/benchmarks.md](docs/benchmarks.md).`, "", ...table, "", end].join("\n");
    const next = text.slice(0, from) + block + text.slice(to + end.length);
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    fs.writeFileSync(file, await prettier.format(next, options));
    console.log("wrote the README's benchmark table");
}

void main();
