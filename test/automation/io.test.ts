/** The file-IO building blocks: duplicate keys, strict times, decoding, the folder lock, atomic writes. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { parseIsoTime } from "../../core/lifecycle/isoTime";
import { UserInputError } from "../../automation/errors";
import { writeFileAtomic } from "../../automation/io/atomicWrite";
import { LOCK_FILE, withFolderLock } from "../../automation/io/folderLock";
import { decodeText } from "../../automation/io/readText";
import { duplicateKeys } from "../../automation/jsonPosition";
import { shellQuote, visible } from "../../automation/display";

function problems(fn: () => unknown): readonly string[] {
    try {
        fn();
    } catch (error) {
        if (error instanceof UserInputError) {
            return error.problems;
        }
        throw error;
    }
    assert.fail("expected a UserInputError");
}

describe("duplicate keys in JSON text", () => {
    it("finds each duplicate with its path and both offsets, ignoring look-alikes in strings and other objects", () => {
        const text = '{"a": [{"k": 1, "x": "\\"k\\": 2", "k": 3}, {"k": 1}], "b": {"a": 1}, "a\\u0062": 0, "ab": 1}';
        const found = duplicateKeys(text, 10);
        assert.deepStrictEqual(
            found.map((d) => ({
                path: d.path,
                at: text.slice(d.offset, d.offset + 4),
                first: text.slice(d.firstOffset, d.firstOffset + 4),
            })),
            [
                { path: ["a", 0, "k"], at: '"k":', first: '"k":' },
                { path: ["ab"], at: '"ab"', first: '"a\\u' },
            ],
        );
        assert.strictEqual(found[0].offset, text.indexOf('"k": 3'));
    });

    it("stops at the limit and finds none where keys are unique (any JSON.stringify output)", () => {
        assert.strictEqual(duplicateKeys('{"a":1,"a":2,"a":3,"a":4}', 2).length, 2);
        fc.assert(fc.property(fc.jsonValue(), (value) => duplicateKeys(JSON.stringify(value), 5).length === 0));
    });
});

describe("ISO 8601 times, strictly", () => {
    it("refuses dates and times that do not exist, accepts those that do", () => {
        assert.deepStrictEqual(parseIsoTime("2026-11-31T08:00:00Z"), { problem: "2026-11 has no day 31" });
        assert.deepStrictEqual(parseIsoTime("2026-02-29"), { problem: "2026-02 has no day 29" });
        assert.deepStrictEqual(parseIsoTime("2028-02-30T00:00:00Z"), { problem: "2028-02 has no day 30" });
        assert.deepStrictEqual(parseIsoTime("2026-13-01"), { problem: "month 13 does not exist" });
        assert.deepStrictEqual(parseIsoTime("2026-11-28T24:00:00Z"), { problem: "the time of day is out of range (00:00:00 to 23:59:59)" });
        assert.deepStrictEqual(parseIsoTime("yesterday"), { problem: "not an ISO 8601 time" });
        assert.strictEqual((parseIsoTime("2028-02-29T23:59:59.999Z") as { date: Date }).date.toISOString(), "2028-02-29T23:59:59.999Z");
        assert.strictEqual((parseIsoTime("2026-11-27T07:30:04+01:00") as { date: Date }).date.toISOString(), "2026-11-27T06:30:04.000Z");
    });

    it("reads back every instant's own ISO text", () => {
        fc.assert(
            fc.property(fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }), (d) => {
                const parsed = parseIsoTime(d.toISOString());
                return "date" in parsed && parsed.date.getTime() === d.getTime();
            }),
        );
    });
});

describe("decoding text files", () => {
    const text = '{"Name": "Müller\'s server"}\n';
    it("UTF-8 with and without a BOM, UTF-16 LE and BE with a BOM give the same text", () => {
        const le = Buffer.from(text, "utf16le");
        for (const bytes of [
            Buffer.from(text),
            Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
            Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
            Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]),
        ]) {
            assert.strictEqual(decodeText("f.json", bytes, "the inventory"), text);
        }
    });

    it("names Windows-1252, NUL bytes and an odd UTF-16 length, with the position", () => {
        assert.match(
            problems(() => decodeText("f.json", Buffer.from('{\n "a": "M\xfcller"}', "latin1"), "the inventory"))[0],
            /^f\.json:2:9: the inventory is not UTF-8 \(byte 0xfc;/,
        );
        assert.match(
            problems(() => decodeText("f.json", Buffer.from('{"a"\0}'), "the inventory"))[0],
            /^f\.json:1:5: the inventory holds a NUL byte/,
        );
        assert.match(
            problems(() => decodeText("f.json", Buffer.from([0xff, 0xfe, 0x41]), "the inventory"))[0],
            /UTF-16LE with an odd number of bytes/,
        );
    });
});

describe("display", () => {
    it("escapes what prints as nothing or as a space, keeps tabs, newlines and Pulumi's colours", () => {
        assert.strictEqual(visible("prod\u200b\u00a0\ufeff\u202e\0x\t\n\x1b[1m"), "prod\\u200b\\u00a0\\ufeff\\u202e\\u0000x\t\n\x1b[1m");
        assert.strictEqual(visible("Müller 東京"), "Müller 東京");
    });

    it("quotes a shell argument only when it must, and so that the shell reads it back", () => {
        assert.strictEqual(shellQuote("fleet.yaml"), "fleet.yaml");
        assert.strictEqual(shellQuote("my fleet/it's.yaml"), "'my fleet/it'\\''s.yaml'");
    });
});

describe("the folder lock and atomic writes", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-io-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a live holder is named after the wait; a dead one's lock is taken over", () => {
        const lock = path.join(dir, LOCK_FILE);
        fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), command: "render", since: "2026-12-08T01:00:00Z" }));
        assert.deepStrictEqual(
            problems(() => withFolderLock(dir, { command: "render", waitMs: 100 }, () => 1)),
            [
                `${dir}: locked by vss-fleet render (pid ${process.pid} on ${os.hostname()}, since 2026-12-08T01:00:00Z); wait for it to finish, or delete ${lock} if that process is gone`,
            ],
        );
        fs.writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname(), command: "render", since: "x" }));
        assert.strictEqual(
            withFolderLock(dir, { command: "render", waitMs: 100 }, () => JSON.parse(fs.readFileSync(lock, "utf8")).pid),
            process.pid,
        );
        assert.deepStrictEqual(fs.readdirSync(dir), []);
    });

    it("keeps the replaced file's mode; exclusive never replaces; a failed write leaves no temporary file", () => {
        const file = path.join(dir, "f.yaml");
        fs.writeFileSync(file, "old", { mode: 0o600 });
        writeFileAtomic(file, "new");
        assert.strictEqual(fs.readFileSync(file, "utf8"), "new");
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
        assert.deepStrictEqual(
            problems(() => writeFileAtomic(file, "other", { exclusive: true })),
            [`${file}: not written (already exists, EEXIST); the file is unchanged`],
        );
        assert.deepStrictEqual(
            problems(() => writeFileAtomic(path.join(dir, "no", "f"), "x")),
            [`${path.join(dir, "no", "f")}: not written (no such file or folder, ENOENT); no file was created`],
        );
        assert.deepStrictEqual(fs.readdirSync(dir), ["f.yaml"]);
    });
});
