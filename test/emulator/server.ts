/**
 * Starts and stops the emulator (test/emulator/moto_server.py: moto plus the harness's patches) for
 * the emulator tier, and points the AWS SDK at it. The project's own clients reach it unchanged
 * through AWS_ENDPOINT_URL; credentials, region and endpoint are dummies set only while a tier file
 * runs, and restored after it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "child_process";
import * as path from "path";
import * as readline from "readline";

const SCRIPT = path.join(__dirname, "moto_server.py");
const PYTHON = process.env.VSS_FLEET_PYTHON ?? "python3";
/** moto's default account: what plain dummy keys belong to. */
export const DEFAULT_ACCOUNT = "123456789012";

/** The variables a tier file sets; saved before and restored after, so other test files see no change. */
const SDK_VARIABLES = [
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_EC2_METADATA_DISABLED",
] as const;

export interface Emulator {
    readonly endpoint: string;
    /** POST /_harness/<name> (clock, faults, snapshot-state, command-outcome, window-executions, calls). */
    control<T = unknown>(name: string, body?: unknown): Promise<T>;
    /** Everything back to empty: moto's state (/moto-api/reset) and the harness's (clock, faults, history). */
    reset(): Promise<void>;
    stop(): Promise<void>;
}

/** Why the emulator cannot run here, or undefined when python3 and moto are present. */
export function emulatorMissing(): string | undefined {
    const probe = spawnSync(PYTHON, ["-c", "import moto, werkzeug; print(moto.__version__)"], { encoding: "utf8" });
    if (probe.error) {
        return `${PYTHON} was not found (${(probe.error as NodeJS.ErrnoException).code})`;
    }
    if (probe.status !== 0) {
        return `${PYTHON} cannot import moto (pip install 'moto[server]==5.2.1'): ${probe.stderr.trim().split("\n").pop()}`;
    }
    return undefined;
}

export async function startEmulator(): Promise<Emulator> {
    const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const port = await new Promise<number>((resolve, reject) => {
        const lines = readline.createInterface({ input: child.stdout });
        const timer = setTimeout(() => reject(new Error(`the emulator did not start within 30 s: ${stderr}`)), 30_000);
        lines.on("line", (line) => {
            const match = /^MOTO_HARNESS_PORT=(\d+)$/.exec(line);
            if (match) {
                clearTimeout(timer);
                resolve(Number(match[1]));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the emulator exited with ${code} before it started: ${stderr}`));
        });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const post = async (url: string, body: unknown) => {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const text = await response.text();
        if (!response.ok) {
            throw new Error(`emulator ${url}: ${response.status} ${text}`);
        }
        return text ? (JSON.parse(text) as unknown) : undefined;
    };
    return {
        endpoint,
        control: async <T>(name: string, body: unknown = {}) => (await post(`${endpoint}/_harness/${name}`, body)) as T,
        reset: async () => {
            await post(`${endpoint}/moto-api/reset`, {});
            await post(`${endpoint}/_harness/reset`, {});
        },
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) {
                    resolve();
                    return;
                }
                child.once("exit", () => resolve());
                child.stdin.end(); // the harness stops when its stdin closes
                setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
            }),
    };
}

/** Points the SDK's default configuration at the emulator; returns the function that undoes it. */
export function pointSdkAt(endpoint: string): () => void {
    const saved = Object.fromEntries(SDK_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of SDK_VARIABLES) {
        delete process.env[name];
    }
    Object.assign(process.env, {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
    });
    return () => {
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
    };
}

/**
 * Mocha wiring for one tier file: a fresh emulator for the file, the SDK pointed at it, and state
 * reset after every test. Without python3/moto the file fails in CI (CI=true) and is skipped,
 * with a notice, by hand.
 */
export function useEmulator(suite: Mocha.Suite): { readonly emulator: () => Emulator } {
    let emulator: Emulator | undefined;
    let restore: (() => void) | undefined;
    suite.beforeAll(async function () {
        this.timeout(60_000);
        const missing = emulatorMissing();
        if (missing) {
            if (process.env.CI === "true") {
                throw new Error(`the emulator tier needs python3 with moto: ${missing}`);
            }
            console.warn(`    NOTICE: emulator tier skipped: ${missing}`);
            this.skip();
        }
        emulator = await startEmulator();
        restore = pointSdkAt(emulator.endpoint);
    });
    suite.afterEach(async () => {
        await emulator?.reset();
    });
    suite.afterAll(async () => {
        restore?.();
        await emulator?.stop();
        emulator = undefined;
    });
    return {
        emulator: () => {
            if (!emulator) {
                throw new Error("the emulator is not running (used outside a test?)");
            }
            return emulator;
        },
    };
}
