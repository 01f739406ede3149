/** What every command module shares: the streams, the exit code, and the common flag helpers. */
import * as path from "path";
import { UserInputError } from "../errors";
import type { Fleet, FleetEnvironment } from "../manifest/load";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Cancels running operations (Ctrl-C); the CLI wires it to SIGINT. */
    readonly signal?: AbortSignal;
}

/** The project folder: the one holding Pulumi.yaml, stacks/ and policies/. */
export const PROJECT_ROOT = path.join(__dirname, "..", "..");

export const collect = (value: string, previous: string[]) => [...previous, value];

export function positive(value: string, flag: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new UserInputError([`${flag} takes a whole number of at least 1, not '${value}'`]);
    }
    return n;
}

/** The environments `--env` names (all when none), refusing names the manifest does not have. */
export function chooseEnvironments(fleet: Fleet, names: readonly string[]): FleetEnvironment[] {
    const known = fleet.environments.map((e) => e.spec.name);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
        throw new UserInputError(unknown.map((n) => `--env ${n}: ${fleet.file} has no environment '${n}' (it has ${known.join(", ")})`));
    }
    return names.length ? fleet.environments.filter((e) => names.includes(e.spec.name)) : [...fleet.environments];
}
