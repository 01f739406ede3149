/**
 * A scripted stand-in for the `pulumi` executable, for contract tests of the driver. It is a real
 * executable (a Node script) that the Automation API finds on PATH or through
 * PulumiCommand.get({ root }). It records every command line with its start and end time, plays back
 * what the scenario says for each stack and command (engine events over the Automation API's events
 * service, change summaries, policy events, lock failures, errors, delays), and answers the
 * follow-up commands (`stack history`, `stack output`) the way the CLI does.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface CommandScript {
    /** Fail the first N calls as if another update held the stack's lock. */
    readonly lockedTimes?: number;
    readonly delayMs?: number;
    /** Ignore SIGINT (the Automation API's cancel), like a pulumi that hangs. */
    readonly ignoreSigint?: boolean;
    readonly changes?: Record<string, number>;
    readonly policyEvents?: { policyName: string; enforcementLevel: "mandatory" | "warning"; message: string; resourceUrn?: string }[];
    /** Step metadata played as resourcePreEvents, after the prelude (op, urn, type, diffs, detailedDiff). */
    readonly resourceEvents?: Record<string, unknown>[];
    /** Exit with this code and stderr after playing the events. */
    readonly fail?: { readonly exitCode: number; readonly stderr: string };
}

export interface Scenario {
    /** Stacks that exist already (others are created by `stack init`). */
    readonly existingStacks: readonly string[];
    /** stack name -> command (preview, up, refresh, destroy) -> what happens. */
    readonly stacks: Record<string, Record<string, CommandScript>>;
}

export interface Invocation {
    readonly argv: string[];
    readonly cwd: string;
    readonly start: number;
    readonly end: number;
}

export class FakePulumi {
    readonly root: string;
    private readonly logFile: string;
    private readonly scenarioFile: string;

    constructor(scenario: Scenario) {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
        fs.mkdirSync(path.join(this.root, "bin"));
        fs.mkdirSync(path.join(this.root, "state"));
        this.logFile = path.join(this.root, "invocations.jsonl");
        this.scenarioFile = path.join(this.root, "scenario.json");
        fs.writeFileSync(this.scenarioFile, JSON.stringify(scenario));
        const script = path.join(this.root, "bin", "pulumi");
        fs.writeFileSync(
            script,
            `#!${process.execPath}\n${STAND_IN.replace(
                "__CONFIG__",
                JSON.stringify({
                    log: this.logFile,
                    scenario: this.scenarioFile,
                    state: path.join(this.root, "state"),
                    grpc: require.resolve("@grpc/grpc-js"),
                    eventsRpc: require.resolve("@pulumi/pulumi/proto/events_grpc_pb"),
                    eventsPb: require.resolve("@pulumi/pulumi/proto/events_pb"),
                }),
            )}`,
        );
        fs.chmodSync(script, 0o755);
    }

    invocations(): Invocation[] {
        if (!fs.existsSync(this.logFile)) {
            return [];
        }
        return fs
            .readFileSync(this.logFile, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Invocation);
    }

    /** The most operations (preview/up/refresh/destroy) that ran at the same time. */
    maxConcurrentOperations(): number {
        const ops = this.invocations().filter((i) => ["preview", "up", "refresh", "destroy"].includes(i.argv[0]));
        const edges = ops.flatMap((i) => [[i.start, 1] as const, [i.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let now = 0;
        let max = 0;
        for (const [, delta] of edges) {
            now += delta;
            max = Math.max(max, now);
        }
        return max;
    }

    /** The policy config the driver passed with --policy-pack-config for `stack` (its last operation). */
    policyConfig(stack: string): Record<string, Record<string, unknown>> {
        return JSON.parse(fs.readFileSync(path.join(this.root, "state", `policyconfig_${stack}.json`), "utf8"));
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/** The stand-in's source. It runs as its own process, so it is plain JavaScript. */
const STAND_IN = String.raw`
const fs = require("fs");
const path = require("path");
const config = __CONFIG__;
const argv = process.argv.slice(2);
const start = Date.now();
const scenario = JSON.parse(fs.readFileSync(config.scenario, "utf8"));
const flag = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const stack = flag("--stack");
const record = () => fs.appendFileSync(config.log, JSON.stringify({ argv, cwd: process.cwd(), start, end: Date.now() }) + "\n");
const exit = (code, stdout, stderr) => { record(); if (stdout) process.stdout.write(stdout); if (stderr) process.stderr.write(stderr); process.exit(code); };
const stateFile = (name) => path.join(config.state, name.replace(/[^\w.-]/g, "_"));
const existing = () => new Set([...scenario.existingStacks, ...fs.readdirSync(config.state).filter((f) => f.startsWith("stack_")).map((f) => fs.readFileSync(path.join(config.state, f), "utf8"))]);
const history = (kind, changes) => JSON.stringify([{ version: 1, kind, startTime: new Date(start).toISOString(), endTime: new Date().toISOString(), message: "", environment: {}, config: {}, result: "succeeded", resourceChanges: changes }]);

async function sendEvents(events) {
    const target = flag("--event-log");
    if (!target) return;
    const lines = events.map((e, i) => JSON.stringify({ sequence: i + 1, timestamp: Math.floor(Date.now() / 1000), ...e }));
    if (!target.startsWith("tcp://")) { fs.appendFileSync(target, lines.map((l) => l + "\n").join("")); return; }
    const grpc = require(config.grpc);
    const rpc = require(config.eventsRpc);
    const pb = require(config.eventsPb);
    const client = new rpc.EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
    await new Promise((resolve, reject) => {
        const call = client.streamEvents((err) => (err ? reject(err) : resolve()));
        for (const line of lines) call.write(new pb.EventRequest().setEvent(line));
        call.end();
    });
    client.close();
}

async function main() {
    const [command, sub] = argv;
    if (command === "version") return exit(0, "v3.276.0\n");
    if (command === "stack" && sub === "select") {
        return existing().has(stack) ? exit(0) : exit(255, "", "error: no stack named '" + stack + "' found\n");
    }
    if (command === "stack" && sub === "init") {
        fs.writeFileSync(stateFile("stack_" + argv[2]), argv[2]);
        return exit(0, "Created stack '" + argv[2] + "'\n");
    }
    if (command === "stack" && sub === "history") {
        const last = fs.existsSync(stateFile("last_" + stack)) ? JSON.parse(fs.readFileSync(stateFile("last_" + stack), "utf8")) : { kind: "update", changes: {} };
        return exit(0, history(last.kind, last.changes));
    }
    if (command === "stack" && sub === "output") return exit(0, "{}");
    const packConfig = flag("--policy-pack-config");
    if (packConfig) fs.copyFileSync(packConfig, stateFile("policyconfig_" + stack + ".json"));
    if (!["preview", "up", "refresh", "destroy"].includes(command)) return exit(0);
    // An unscripted operation succeeds with no changes, and still reports its summary as the CLI does.
    const script = (scenario.stacks[stack] || {})[command] || {};
    const counter = stateFile("count_" + stack + "_" + command);
    const calls = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, "utf8")) : 0) + 1;
    fs.writeFileSync(counter, String(calls));
    if (calls <= (script.lockedTimes || 0)) {
        return exit(255, "", "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with 'pulumi cancel'.\n");
    }
    if (script.ignoreSigint) process.on("SIGINT", () => {});
    if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
    const changes = script.changes || {};
    await sendEvents([
        { preludeEvent: { config: {} } },
        ...(script.resourceEvents || []).map((metadata) => ({ resourcePreEvent: { metadata: { provider: "", ...metadata }, planning: true } })),
        ...(script.policyEvents || []).map((p) => ({ policyEvent: { policyPackName: "vss-fleet", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", color: "never", ...p } })),
        { summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, policyPacks: { "vss-fleet": "0.1.0" } } },
    ]);
    const kind = { up: "update", refresh: "refresh", destroy: "destroy", preview: "preview" }[command];
    fs.writeFileSync(stateFile("last_" + stack), JSON.stringify({ kind, changes }));
    if (script.fail) return exit(script.fail.exitCode, "", script.fail.stderr);
    exit(0, command + " of " + stack + " done\n");
}
main().catch((error) => exit(1, "", String(error && error.stack || error) + "\n"));
`;
