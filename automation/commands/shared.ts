/** What every command module shares: the streams, the exit code, and the common flag helpers. */
import { UserInputError } from "../errors";
import type { Fleet, FleetEnvironment } from "../manifest/load";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Cancels running operations (Ctrl-C); the CLI wires it to SIGINT. */
    readonly signal?: AbortSignal;
    /**
     * True when stdin is a terminal, so a person can answer a question (apply's and destroy's). Unset
     * (cron, `ssh host cmd`, a pipe, a test) means nobody can: those commands then need --yes.
     */
    readonly interactive?: boolean;
    /** Progress lines (one per environment done); set only when stderr is a terminal. */
    readonly progress?: (text: string) => void;
}

/**
 * "<verb> <environment> (n/total)" on the terminal as each environment completes, or nothing: not
 * with --json (one object on stdout, and scripts read stderr too), not when stderr is a file or a pipe.
 */
export function progressOf(
    io: Io,
    json: boolean | undefined,
    verb: string,
): ((name: string, done: number, total: number) => void) | undefined {
    const progress = io.progress;
    return progress && !json ? (name, done, total) => progress(`${verb} ${name} (${done}/${total})`) : undefined;
}

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

/** The one environment of a command that works on exactly one: --env given once, never the last of several. */
export function oneEnvironment(fleet: Fleet, names: readonly string[], command: string): FleetEnvironment {
    const chosen = chooseEnvironments(fleet, names);
    if (names.length !== 1) {
        const known = fleet.environments.map((e) => e.spec.name).join(", ");
        throw new UserInputError([
            names.length === 0
                ? `${command} works on one environment: name it with --env (the manifest has ${known})`
                : `${command} works on one environment, and --env was given ${names.length} times (${names.join(", ")}): name one`,
        ]);
    }
    return chosen[0];
}
