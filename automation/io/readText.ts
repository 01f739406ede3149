/**
 * Reading a text file a person or AWS gave us: bytes counted as they arrive (a size reported by
 * fstat says nothing about /dev/zero, a FIFO or a pipe, which would otherwise fill memory), and the
 * encodings Windows tools write decoded: UTF-8 with a byte-order mark and UTF-16 (PowerShell's
 * `Out-File` and `>` write UTF-16 LE with a BOM). Anything else that is not UTF-8 text is refused by
 * name, with the fix, so no raw bytes (NUL, escape sequences) reach the terminal.
 */
import * as fs from "fs";
import { UserInputError } from "../errors";
import { errnoText } from "./errno";

export interface ReadLimit {
    /** The most bytes read; the file is refused at the first byte past it. */
    readonly maxBytes: number;
    /** What the file is, for messages: "the manifest", "the inventory". */
    readonly what: string;
    /** What to do about a file over the limit. */
    readonly tooLargeFix?: string;
}

const CHUNK = 1024 * 1024;

/** Sleeps without leaving the synchronous read (a non-blocking pipe with nothing in it yet). */
function pause(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function mib(bytes: number): string {
    return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

/** A size as a person reads it: whole MiB when it is that large, else bytes. */
function sizeText(bytes: number): string {
    return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MiB` : `${bytes} bytes`;
}

/** The file's bytes, at most `limit.maxBytes` of them; throws one line when it cannot be read or is larger. */
export function readLimitedBytes(file: string, limit: ReadLimit): Buffer {
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (error) {
        throw new UserInputError([`${file}: cannot read ${limit.what} (${errnoText(error)})`]);
    }
    try {
        const stat = fs.fstatSync(fd);
        if (stat.isDirectory()) {
            throw new UserInputError([`${file}: is a folder; ${limit.what} is a file`]);
        }
        const fix = limit.tooLargeFix ? `; ${limit.tooLargeFix}` : "";
        // A regular file's size is known before reading; anything else (a FIFO, /dev/zero, a pipe) is counted.
        if (stat.isFile() && stat.size > limit.maxBytes) {
            throw new UserInputError([`${file}: ${limit.what} is ${sizeText(stat.size)}, over the ${mib(limit.maxBytes)} limit${fix}`]);
        }
        // A regular file is read into one buffer of its size (and a byte more, to see it grow past the
        // limit); anything else chunk by chunk. Either way the bytes are counted, never trusted to stat.
        const chunks: Buffer[] = [];
        let total = 0;
        let buffer = Buffer.allocUnsafe(Math.min(stat.isFile() ? stat.size + 1 : CHUNK, limit.maxBytes + 1));
        let used = 0;
        for (;;) {
            if (used === buffer.length) {
                chunks.push(buffer);
                buffer = Buffer.allocUnsafe(Math.min(CHUNK, limit.maxBytes + 1 - total));
                used = 0;
            }
            let n: number;
            try {
                n = fs.readSync(fd, buffer, used, buffer.length - used, null);
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
                    pause(10);
                    continue;
                }
                throw new UserInputError([`${file}: cannot read ${limit.what} (${errnoText(error)})`]);
            }
            if (n === 0) {
                break;
            }
            used += n;
            total += n;
            if (total > limit.maxBytes) {
                throw new UserInputError([`${file}: ${limit.what} is over the ${mib(limit.maxBytes)} limit (reading stopped there)${fix}`]);
            }
        }
        const last = buffer.subarray(0, used);
        return chunks.length === 0 ? last : Buffer.concat([...chunks, last], total);
    } finally {
        fs.closeSync(fd);
    }
}

/** The file's text, decoded as described above. */
export function readLimitedText(file: string, limit: ReadLimit): string {
    return decodeText(file, readLimitedBytes(file, limit), limit.what);
}

const SAVE_AS_UTF8 =
    "save it as UTF-8 (PowerShell: `... | Out-File -Encoding utf8 FILE`, or `Set-Content -Encoding utf8`; the AWS CLI: `aws ... > FILE` from cmd or bash)";

/**
 * UTF-8 (a BOM is dropped), UTF-16 LE or BE with a BOM; text without a BOM must be UTF-8 and hold no
 * NUL byte (UTF-16 without a BOM, a binary file).
 */
export function decodeText(file: string, bytes: Buffer, what: string): string {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        return utf8(file, bytes.subarray(3), what);
    }
    if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        return utf16(file, bytes.subarray(2), "utf-16le", what);
    }
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        return utf16(file, bytes.subarray(2), "utf-16be", what);
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
        const looksUtf16 = bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0);
        throw new UserInputError([
            looksUtf16
                ? `${file}: ${what} is UTF-16 without a byte-order mark, which cannot be told apart from binary; ${SAVE_AS_UTF8}`
                : `${file}:${position(bytes, nul)}: ${what} holds a NUL byte: it is not a text file (or not UTF-8); ${SAVE_AS_UTF8}`,
        ]);
    }
    return utf8(file, bytes, what);
}

function utf8(file: string, bytes: Buffer, what: string): string {
    try {
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
        const bad = firstInvalidUtf8(bytes);
        throw new UserInputError([
            `${file}:${position(bytes, bad)}: ${what} is not UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, "0")}; ` +
                `Windows-1252 or another code page?); ${SAVE_AS_UTF8}`,
        ]);
    }
}

function utf16(file: string, bytes: Buffer, encoding: "utf-16le" | "utf-16be", what: string): string {
    if (bytes.length % 2 !== 0) {
        throw new UserInputError([`${file}: ${what} is ${encoding.toUpperCase()} with an odd number of bytes (cut short?)`]);
    }
    const le = encoding === "utf-16le" ? bytes : Buffer.from(bytes).swap16();
    const text = new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true }).decode(le);
    const nul = text.indexOf("\0");
    if (nul >= 0) {
        const before = text.slice(0, nul);
        throw new UserInputError([
            `${file}:${before.split("\n").length}:${nul - before.lastIndexOf("\n")}: ${what} holds a NUL character: it is not a text file`,
        ]);
    }
    return text;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
    // A prefix decodes (streaming: a sequence cut at its end waits for more) unless it holds the bad byte.
    const decodes = (end: number) => {
        try {
            new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
            return true;
        } catch {
            return false;
        }
    };
    let lo = 0; // decodes
    let hi = bytes.length; // does not
    while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        [lo, hi] = decodes(mid) ? [mid, hi] : [lo, mid];
    }
    return lo;
}

/** `line:col` of a byte offset (the column counts bytes). */
function position(bytes: Buffer, offset: number): string {
    let line = 1;
    let start = 0;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
        line++;
        start = i + 1;
    }
    return `${line}:${offset - start + 1}`;
}
