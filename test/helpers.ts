/** Shared test helpers: valid specs to break one field at a time, and graph lookups. */
import * as assert from "assert";
import type { RecordedResource } from "../automation/offline/mockRuntime";
import { parseEnvironment, type EnvironmentSpec } from "../core/environment";

/** The smallest valid environment input. */
export const MINIMAL = { region: "us-east-1", accountId: "111111111111" } as const;

/** A valid spec (defaults applied) with `overrides` on top; fails the test if it is not valid. */
export function specOf(overrides: Record<string, unknown> = {}, name = "prod"): EnvironmentSpec {
    const result = parseEnvironment(name, { ...MINIMAL, ...overrides });
    if (!result.ok) {
        assert.fail(`test spec is invalid: ${JSON.stringify(result.issues)}`);
    }
    return result.spec;
}

/** The one resource of `type` whose name ends with `suffix`; fails unless exactly one matches. */
export function only(resources: readonly RecordedResource[], type: string, suffix = ""): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
    assert.strictEqual(found.length, 1, `expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** Runs the CLI in-process, capturing what it prints, and returns its exit code. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const { main } = await import("../automation/cli");
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => (out += t + "\n"), err: (t) => (err += t + "\n") });
    return { code, out, err };
}

/** `verify`'s offline inputs over the shipped exports, judged at a fixed time (several command tests share them). */
export const VERIFY_OFFLINE = [
    "--offline",
    "--inventory",
    "examples/inventory.json",
    "--volumes",
    "test/fixtures/lifecycle/volumes.json",
    "--snapshots",
    "test/fixtures/lifecycle/snapshots.json",
    "--at",
    "2026-11-28T08:00:00Z",
] as const;
