/**
 * One writer at a time in a folder of stack files: two `render`s (or a render and a driver run) that
 * each read a stack file, change it and write it back would otherwise lose one's changes, or the keys
 * that only the file held (Pulumi's encryptionsalt, secrets, other tools' config). The lock is a file
 * created exclusively (O_EXCL) in the folder, naming its holder; a holder that died (its pid is gone on
 * this host) leaves a stale lock that the next run takes over. Waiting is bounded: past it, one line
 * names the holder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserInputError } from "../errors";
import { errnoText } from "./errno";

export const LOCK_FILE = ".vss-fleet.lock";

interface Holder {
    readonly pid: number;
    readonly host: string;
    readonly command: string;
    readonly since: string;
}

export interface LockOptions {
    /** What the lock is taken for, recorded for a waiting run's message ("render"). */
    readonly command: string;
    /** How long to wait for another holder, in ms. */
    readonly waitMs?: number;
}

const DEFAULT_WAIT_MS = 60_000;
/** A holder writes its name right after creating the file; an empty lock this old has no holder. */
const EMPTY_LOCK_STALE_MS = 5_000;

function pause(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readHolder(file: string): Holder | undefined {
    try {
        const holder = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Holder>;
        return typeof holder.pid === "number" && typeof holder.host === "string"
            ? { pid: holder.pid, host: holder.host, command: String(holder.command ?? "?"), since: String(holder.since ?? "?") }
            : undefined;
    } catch {
        return undefined; // gone meanwhile, or being written: look again
    }
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
    }
}

const describe = (h: Holder) => `vss-fleet ${h.command} (pid ${h.pid} on ${h.host}, since ${h.since})`;

/**
 * Takes over a stale lock: renamed away first (only one contender's rename succeeds), then checked;
 * a live holder's lock, renamed in a race with its taking over, is put back.
 */
function breakStale(file: string): void {
    const aside = `${file}.stale.${process.pid}`;
    try {
        fs.renameSync(file, aside);
    } catch {
        return; // another run took it over first
    }
    const moved = readHolder(aside);
    if (moved && moved.host === os.hostname() && alive(moved.pid)) {
        try {
            fs.linkSync(aside, file);
        } catch {
            // a third run holds it now; the moved holder finishes without a lock file
        }
    }
    fs.rmSync(aside, { force: true });
}

/** A lock file its holder never wrote its name into (killed right after creating it). */
function emptyAndOld(file: string): boolean {
    try {
        return Date.now() - fs.statSync(file).mtimeMs > EMPTY_LOCK_STALE_MS;
    } catch {
        return false;
    }
}

function acquire(dir: string, options: LockOptions): () => void {
    const file = path.join(dir, LOCK_FILE);
    const me: Holder = { pid: process.pid, host: os.hostname(), command: options.command, since: new Date().toISOString() };
    const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
    let delay = 5;
    for (;;) {
        let fd: number;
        try {
            fd = fs.openSync(file, "wx");
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code !== "EEXIST") {
                throw new UserInputError([folderProblem(dir, error)]);
            }
            const holder = readHolder(file);
            if (holder ? holder.host === me.host && !alive(holder.pid) : emptyAndOld(file)) {
                breakStale(file);
                continue;
            }
            if (Date.now() >= deadline) {
                throw new UserInputError([
                    `${dir}: locked by ${holder ? describe(holder) : "another vss-fleet run"}; ` +
                        `wait for it to finish, or delete ${file} if that process is gone`,
                ]);
            }
            pause(delay);
            delay = Math.min(delay * 2, 200);
            continue;
        }
        try {
            fs.writeSync(fd, JSON.stringify(me) + "\n");
            fs.fsyncSync(fd);
        } catch (error) {
            fs.closeSync(fd);
            fs.rmSync(file, { force: true });
            throw new UserInputError([folderProblem(dir, error)]);
        }
        fs.closeSync(fd);
        return () => {
            if (readHolder(file)?.pid === me.pid) {
                fs.rmSync(file, { force: true });
            }
        };
    }
}

/** What is wrong with a folder we must write in, in one line. */
export function folderProblem(dir: string, error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
        return `${dir}: no such folder; create it, or name the folder that holds the stack files (render: --stacks-dir)`;
    }
    if (code === "ENOTDIR") {
        return `${dir}: is a file (or under one), not a folder; name the folder that holds the stack files (render: --stacks-dir)`;
    }
    return `${dir}: cannot write in this folder (${errnoText(error)}); nothing was written`;
}

/** Runs `fn` holding the folder's lock; the lock goes when it returns or throws. */
export function withFolderLock<T>(dir: string, options: LockOptions, fn: () => T): T {
    const release = acquire(dir, options);
    try {
        return fn();
    } finally {
        release();
    }
}
