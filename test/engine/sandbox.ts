/**
 * The engine tier's sandbox: the real Pulumi CLI built by scripts/pulumi-cli.sh, a local file backend
 * and a PULUMI_HOME in a temporary folder, passphrase secrets, and the stand-in AWS provider
 * (test/engine/standin-aws-provider, a test double) installed as `pulumi-resource-aws` the way the
 * CLI installs any plugin. Nothing here touches ~/.pulumi or a cloud.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as esbuild from "esbuild";

export const PULUMI_VERSION = "3.274.1";
/** @pulumi/aws's version: the SDK asks the engine for exactly this plugin. */
export const AWS_PLUGIN_VERSION = "7.48.0";
export const REPO = path.resolve(__dirname, "..", "..");

const CACHE = path.join(process.env.VSS_FLEET_CACHE ?? path.join(os.homedir(), ".cache", "vss-fleet"), `pulumi-v${PULUMI_VERSION}`);
export const BIN = path.join(CACHE, "bin");
const STANDIN = path.join(CACHE, `standin-aws-provider-v${AWS_PLUGIN_VERSION}`, "pulumi-resource-aws");
/** The provider that calls the AWS API at AWS_ENDPOINT_URL (test/engine/aws-api-provider). */
export const AWS_API_PROVIDER = path.join(CACHE, `aws-api-provider-v${AWS_PLUGIN_VERSION}`, "pulumi-resource-aws");

/** Which AWS provider a sandbox installs as aws v7.48.0: the record-only stand-in, or the one that calls the AWS API. */
export type AwsProvider = "standin" | "aws-api";

/** Why the tier cannot run, or undefined when the CLI and the stand-in provider are built. */
export function engineMissing(): string | undefined {
    for (const file of [path.join(BIN, "pulumi"), STANDIN]) {
        if (!fs.existsSync(file)) {
            return `${file} is not built: run 'npm run pulumi-cli' (a cold build takes about 25 minutes)`;
        }
    }
    return undefined;
}

/**
 * Why `pulumi preview` of the project's own program cannot run (it needs the Node.js language host),
 * or undefined when pulumi-language-nodejs is built.
 */
export function languageHostMissing(): string | undefined {
    if (fs.existsSync(path.join(BIN, "pulumi-language-nodejs"))) {
        return undefined;
    }
    const note = path.join(CACHE, "pulumi-language-nodejs.unavailable");
    const raw = fs.existsSync(note) ? fs.readFileSync(note, "utf8").trim() : "not built";
    // The script keeps go's JSON-quoted error; one line reads better in the notice.
    const why = raw
        .replace(/^"|"$/g, "")
        .replace(/(\\[nt])+/g, " ")
        .replace(/\s+/g, " ");
    return `pulumi-language-nodejs v${PULUMI_VERSION}: ${why}`;
}

/**
 * In a `before` hook: a missing CLI fails the suite with what to run. `npm test` builds it first
 * (`pretest`: scripts/pulumi-cli.sh, about a second once cached), as .ci/run does, so the tier always
 * runs; only a bare `npx mocha test/engine/...` on a machine without the build meets this message.
 */
export function requireEngine(): void {
    const missing = engineMissing();
    if (missing) {
        assert.fail(`engine tier: ${missing}; npm test runs it first`);
    }
}

export interface ProviderCall {
    readonly method: string;
    readonly urn?: string;
    readonly id?: string;
    readonly tok?: string;
    readonly preview?: boolean;
    readonly changes?: string[];
    readonly pid: number;
}

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export class Sandbox {
    readonly dir: string;
    readonly project: string;
    readonly env: Record<string, string>;
    private readonly callsFile: string;

    private constructor() {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-engine-"));
        this.project = path.join(this.dir, "project");
        this.callsFile = path.join(this.dir, "standin-aws-calls.jsonl");
        this.env = {
            PULUMI_HOME: path.join(this.dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "engine-tier-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            // Only the stand-in may answer for aws; the CLI must not try to download the real one.
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            STANDIN_AWS_CALLS: this.callsFile,
            PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
        };
        fs.mkdirSync(path.join(this.dir, "backend"));
        // The project file and the shipped stack files, so config changes never touch the repository.
        fs.mkdirSync(path.join(this.project, "stacks"), { recursive: true });
        // The program stays the repository's: main points back at its stacks/.
        const main = path.relative(this.project, path.join(REPO, "stacks"));
        fs.writeFileSync(
            path.join(this.project, "Pulumi.yaml"),
            fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, `main: ${main}/`),
        );
        for (const file of fs.readdirSync(path.join(REPO, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
            fs.copyFileSync(path.join(REPO, "stacks", file), path.join(this.project, "stacks", file));
        }
    }

    /** A sandbox with the backend logged in and the chosen AWS provider (default: the stand-in) installed as aws v7.48.0. */
    static async create(provider: AwsProvider = "standin"): Promise<Sandbox> {
        const sandbox = new Sandbox();
        const binary = provider === "aws-api" ? AWS_API_PROVIDER : STANDIN;
        if (!fs.existsSync(binary)) {
            assert.fail(`engine tier: ${binary} is not built; npm run pulumi-cli builds it`);
        }
        await sandbox.cli(["login", sandbox.env.PULUMI_BACKEND_URL]).then(expectOk);
        await sandbox.cli(["plugin", "install", "resource", "aws", AWS_PLUGIN_VERSION, "--file", binary]).then(expectOk);
        return sandbox;
    }

    /** The CLI for the Automation API, without its version probe (the binary is pinned above). */
    pulumiCommand(): Promise<PulumiCommand> {
        return PulumiCommand.get({ root: path.dirname(BIN), skipVersionCheck: true });
    }

    /** Runs the real `pulumi` with the sandbox's environment. */
    cli(args: readonly string[], cwd = this.project): Promise<CliResult> {
        return new Promise((resolve) => {
            execFile(
                path.join(BIN, "pulumi"),
                [...args, "--non-interactive"],
                { cwd, env: { ...process.env, ...this.env }, maxBuffer: 64 * 1024 * 1024 },
                (error, stdout, stderr) => {
                    const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
                    resolve({ code, stdout, stderr });
                },
            );
        });
    }

    /**
     * The policy pack as an executable analyzer plugin. The CLI runs a pack folder through the
     * Node.js language host, which cannot be built here (see languageHostMissing); an executable
     * given to --policy-pack it launches itself, so this one execs pulumi-analyzer-policy (the
     * launcher beside the CLI, the same @pulumi/policy server) on the pack. The pack is bundled by
     * esbuild first: the policy-pack host type-checks TypeScript with ts-node on every start, about
     * a minute here per preview, and `npm run build` type-checks the pack already.
     */
    policyPack(packDir = path.join(REPO, "policies")): string {
        const bundle = fs.mkdtempSync(path.join(this.dir, "pack-"));
        esbuild.buildSync({
            entryPoints: [path.join(packDir, "index.ts")],
            outfile: path.join(bundle, "index.js"),
            bundle: true,
            platform: "node",
            format: "cjs",
            target: "node22",
            // Resolved from the repository's node_modules (NODE_PATH below): one @pulumi/pulumi.
            external: ["@pulumi/*", "@aws-sdk/*"],
            logLevel: "silent",
        });
        // The pack's name and version come from package.json in its folder.
        const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as Record<string, unknown>;
        fs.writeFileSync(path.join(bundle, "package.json"), JSON.stringify({ ...manifest, main: "index.js" }));
        fs.writeFileSync(path.join(bundle, "PulumiPolicy.yaml"), fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml")));
        const launcher = path.join(bundle, "vss-fleet-policies");
        fs.writeFileSync(
            launcher,
            [
                "#!/bin/sh",
                `cd ${JSON.stringify(bundle)} || exit 1`,
                `NODE_PATH=${JSON.stringify(path.join(REPO, "node_modules"))} exec ${JSON.stringify(path.join(BIN, "pulumi-analyzer-policy"))} "$1" .`,
                "",
            ].join("\n"),
            { mode: 0o755 },
        );
        return launcher;
    }

    /** Writes a policy-pack config file (policy name -> config) and returns its path. */
    policyConfig(name: string, config: unknown): string {
        const file = path.join(this.dir, `policy-config.${name}.json`);
        fs.writeFileSync(file, JSON.stringify(config, null, 2));
        return file;
    }

    /** Every call the stand-in provider recorded so far, in order. */
    calls(): ProviderCall[] {
        if (!fs.existsSync(this.callsFile)) {
            return [];
        }
        return fs
            .readFileSync(this.callsFile, "utf8")
            .split("\n")
            .filter((line) => line.trim())
            .map((line) => JSON.parse(line) as ProviderCall);
    }

    /** Forgets the recorded calls, so the next step's are read alone. */
    clearCalls(): void {
        fs.rmSync(this.callsFile, { force: true });
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

function expectOk(result: CliResult): void {
    assert.strictEqual(result.code, 0, `pulumi failed:\n${result.stdout}\n${result.stderr}`);
}

/** The resource URNs of the non-preview calls of one method. */
export function urnsOf(calls: readonly ProviderCall[], method: string): string[] {
    return calls.filter((c) => c.method === method && c.preview !== true).map((c) => c.urn ?? "");
}
