/**
 * A Pulumi archive (as the engine sends it: an AssetArchive of string or file assets) as the zip
 * file Lambda's CreateFunction takes. Deflated entries, fixed timestamps, names sorted: the same
 * archive always makes the same bytes, so its SHA-256 is the code's identity.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as zlib from "zlib";

const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

interface Entry {
    readonly name: string;
    readonly data: Buffer;
}

function entriesOf(archive: Record<string, unknown>, prefix = ""): Entry[] {
    if (archive[SIG_KEY] !== ARCHIVE_SIG) {
        throw new Error("the function's code is not a Pulumi archive");
    }
    if (typeof archive.path === "string" || typeof archive.uri === "string") {
        throw new Error("only AssetArchive code is supported (the stack's bundle is one); a FileArchive or RemoteArchive is not");
    }
    const assets = (archive.assets ?? {}) as Record<string, Record<string, unknown>>;
    return Object.entries(assets).flatMap(([name, asset]) => {
        if (asset[SIG_KEY] === ARCHIVE_SIG) {
            return entriesOf(asset, `${prefix}${name}/`);
        }
        if (asset[SIG_KEY] !== ASSET_SIG) {
            throw new Error(`archive entry ${name} is neither an asset nor an archive`);
        }
        if (typeof asset.text === "string") {
            return [{ name: prefix + name, data: Buffer.from(asset.text) }];
        }
        if (typeof asset.path === "string") {
            return [{ name: prefix + name, data: fs.readFileSync(asset.path) }];
        }
        throw new Error(`archive entry ${name} has no text or path`);
    });
}

/** The zip of an archive, and its base64 SHA-256 (Lambda's CodeSha256). */
export function zipArchive(archive: unknown): { zip: Buffer; sha256: string } {
    const entries = entriesOf(archive as Record<string, unknown>).sort((a, b) => a.name.localeCompare(b.name));
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    // 1980-01-01 00:00: the DOS epoch, so the bytes do not depend on the clock.
    const time = 0;
    const date = (0 << 9) | (1 << 5) | 1;
    for (const entry of entries) {
        const name = Buffer.from(entry.name);
        const compressed = zlib.deflateRawSync(entry.data);
        const crc = zlib.crc32(entry.data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(0, 6);
        local.writeUInt16LE(8, 8);
        local.writeUInt16LE(time, 10);
        local.writeUInt16LE(date, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(compressed.length, 18);
        local.writeUInt32LE(entry.data.length, 22);
        local.writeUInt16LE(name.length, 26);
        local.writeUInt16LE(0, 28);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE(0x031e, 4); // made by Unix, zip 3.0
        central.writeUInt16LE(20, 6);
        central.writeUInt16LE(0, 8);
        central.writeUInt16LE(8, 10);
        central.writeUInt16LE(time, 12);
        central.writeUInt16LE(date, 14);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(compressed.length, 20);
        central.writeUInt32LE(entry.data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
        central.writeUInt32LE(offset, 42);
        locals.push(local, name, compressed);
        centrals.push(central, name);
        offset += local.length + name.length + compressed.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    const zip = Buffer.concat([...locals, directory, end]);
    return { zip, sha256: crypto.createHash("sha256").update(zip).digest("base64") };
}
