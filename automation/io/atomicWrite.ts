/**
 * Every file vss-fleet writes is written whole or not at all: the text goes to a temporary file in
 * the same folder, is flushed to the disk (fsync), and is renamed over the target, and the folder is
 * flushed so the rename itself survives a crash. A full disk, a killed process or a power cut leaves
 * the old file or the new one, never a truncated mix; a failure removes the temporary file and says,
 * in one line, what was not written and that the target was left as it was.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserInputError } from "../errors";
import { errnoText } from "./errno";

/** A write that failed; the target is as it was before (unchanged, or still absent). */
export class WriteFailed extends UserInputError {}

export interface AtomicWriteOptions {
    /** Refuse (EEXIST) when the target exists, instead of replacing it. */
    readonly exclusive?: boolean;
    /** The file's mode, also over a replaced file's; without it a replaced file keeps its own, a new one 0o666 less the umask. */
    readonly mode?: number;
}

/** Temporary files start with a dot and end in .tmp: no stack-file or manifest glob matches them. */
export function temporaryName(file: string): string {
    return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

function writeAll(fd: number, data: Buffer): void {
    for (let done = 0; done < data.length;) {
        done += fs.writeSync(fd, data, done, data.length - done);
    }
}

/** Flushes a folder's entries (the rename); file systems that cannot are left to their own guarantees. */
export function syncFolder(dir: string): void {
    let fd: number | undefined;
    try {
        fd = fs.openSync(dir, "r");
        fs.fsyncSync(fd);
    } catch {
        // EISDIR, EINVAL, EPERM: a platform or file system without directory fsync.
    } finally {
        if (fd !== undefined) {
            fs.closeSync(fd);
        }
    }
}

/** The mode of the file being replaced, so a rewrite keeps its permissions. */
function existingMode(file: string): number | undefined {
    try {
        return fs.statSync(file).mode & 0o7777;
    } catch {
        return undefined;
    }
}

/** Writes `content` to `file` whole or not at all (see above); throws WriteFailed with one line. */
export function writeFileAtomic(file: string, content: string | Buffer, options: AtomicWriteOptions = {}): void {
    const mode = existingMode(file);
    const existed = mode !== undefined;
    const tmp = temporaryName(file);
    let fd: number | undefined;
    let created = false;
    try {
        if (options.exclusive && existed) {
            throw Object.assign(new Error("exists"), { code: "EEXIST", syscall: "open" });
        }
        const wanted = options.mode ?? mode;
        fd = fs.openSync(tmp, "wx", wanted ?? 0o666);
        created = true;
        if (wanted !== undefined) {
            fs.fchmodSync(fd, wanted); // the umask narrowed openSync's mode
        }
        writeAll(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fd = undefined;
        if (options.exclusive) {
            // link() fails if the target appeared meanwhile: no other file is ever replaced.
            fs.linkSync(tmp, file);
            fs.unlinkSync(tmp);
        } else {
            fs.renameSync(tmp, file);
        }
        created = false;
        syncFolder(path.dirname(file));
    } catch (error) {
        if (fd !== undefined) {
            try {
                fs.closeSync(fd);
            } catch {
                // already failing; the close error says nothing more
            }
        }
        if (created) {
            fs.rmSync(tmp, { force: true });
        }
        throw new WriteFailed([`${file}: not written (${errnoText(error)}); ${existed ? "the file is unchanged" : "no file was created"}`]);
    }
}
