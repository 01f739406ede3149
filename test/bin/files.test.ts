/**
 * What the CLI reads and writes, run as a user runs it (`node bin/vss-fleet.js`, after `npm run
 * build`): every file written whole or not at all (killed mid-write, a full disk, concurrent renders),
 * outputs never opened before the work succeeds nor over an input, inputs read by counted bytes and
 * decoded as Windows writes them, and every failure one line with a non-zero exit.
 */
import * as assert from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "vss-fleet.js");
const FLEET = path.join(ROOT, "examples", "fleet.yaml");
const INVENTORY = path.join(ROOT, "examples", "inventory.json");
const VOLUMES = path.join(ROOT, "test", "fixtures", "lifecycle", "volumes.json");
const SNAPSHOTS = path.join(ROOT, "test", "fixtures", "lifecycle", "snapshots.json");

interface Ran {
    code: number | null;
    out: string;
    err: string;
}

/** No AWS credentials and no Pulumi CLI: PATH holds node alone. */
const ENV = {
    ...process.env,
    PATH: path.dirname(process.execPath) + ":/usr/bin:/bin",
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_PROFILE: "none-h24",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
};

function run(args: readonly string[], cwd = ROOT, input?: string): Ran {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: ENV, encoding: "utf8", input, timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

function runAsync(args: readonly string[], cwd: string): Promise<Ran> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd, env: ENV });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("close", (code) => resolve({ code, out, err }));
    });
}

/** One line, no stack trace, no "unexpected error". */
function assertOneLine(r: Ran, expected: RegExp): void {
    assert.notStrictEqual(r.code, 0, `exit ${r.code}\n${r.err}`);
    assert.doesNotMatch(r.err, /unexpected error|\n\s+at /, r.err);
    assert.strictEqual(r.err.trimEnd().split("\n").length, 1, r.err);
    assert.match(r.err.trimEnd(), expected);
}

let tmp: string;
const mounts: string[] = [];

function mountTmpfs(dir: string, options: string): void {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
    mounts.push(dir);
}

/** A stack file as Pulumi leaves it: its salt, a secret, and another tool's key beside ours. */
const FOREIGN = [
    "encryptionsalt: v1:Qp3fw0M3e0M=:v1:pZ2H0m5Tz2j4hx0Y:1Vb3w8hV3rR0y9v3vJ0JpQ==",
    "config:",
    "  aws:region: us-east-1",
    "  other-tool:setting: keep-me",
    "  vss-fleet:dbPassword:",
    "    secure: v1:BxW8I8d0K3J5bKsN:Zx3Xh7R5bJb2a9s0sQ==",
    "",
].join("\n");

/** FOREIGN with many more keys of another tool: a render takes long enough for a kill to land in it. */
const LARGE = FOREIGN + Array.from({ length: 3000 }, (_, i) => `  other-tool:key${i}: value-${i}\n`).join("");

function assertWhole(file: string, keys = 0): void {
    const text = fs.readFileSync(file, "utf8");
    const doc = parse(text) as { encryptionsalt?: string; config?: Record<string, unknown> };
    assert.strictEqual(doc.encryptionsalt, "v1:Qp3fw0M3e0M=:v1:pZ2H0m5Tz2j4hx0Y:1Vb3w8hV3rR0y9v3vJ0JpQ==", `${file}:\n${text}`);
    assert.deepStrictEqual(doc.config?.["vss-fleet:dbPassword"], { secure: "v1:BxW8I8d0K3J5bKsN:Zx3Xh7R5bJb2a9s0sQ==" }, text);
    assert.strictEqual(doc.config?.["other-tool:setting"], "keep-me", text);
    for (let i = 0; i < keys; i++) {
        assert.strictEqual(doc.config?.[`other-tool:key${i}`], `value-${i}`, `${file}: other-tool:key${i}`);
    }
}

/** A fleet repository with the example manifest and foreign-keyed stack files for both environments. */
function repo(name: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
    fs.copyFileSync(FLEET, path.join(dir, "fleet.yaml"));
    for (const env of ["prod", "dev"]) {
        fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${env}.yaml`), FOREIGN);
    }
    return dir;
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith("."));

describe("files the CLI reads and writes, as a process", function () {
    this.timeout(180_000);
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-files-"));
    });
    after(() => {
        for (const dir of mounts.reverse()) {
            spawnSync("umount", ["-l", dir]);
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    describe("outputs", () => {
        it("preview --json-file naming the manifest is refused before anything runs; the manifest keeps every byte", () => {
            const dir = repo("json-file-input");
            const manifest = path.join(dir, "fleet.yaml");
            const before = fs.readFileSync(manifest);
            const r = run(["preview", manifest, "--json-file", manifest, "--project-dir", dir]);
            assertOneLine(r, /^--json-file .*fleet\.yaml: is the manifest, an input of this run; write the output to another file$/);
            assert.strictEqual(r.code, 2);
            assert.deepStrictEqual(fs.readFileSync(manifest), before);
        });

        it("preview --json-file is not opened when the run fails (no Pulumi CLI): an existing file keeps its content", () => {
            const dir = repo("json-file-kept");
            const out = path.join(dir, "last-run.json");
            fs.writeFileSync(out, '{"previous": true}\n');
            const r = run(["preview", path.join(dir, "fleet.yaml"), "--json-file", out, "--project-dir", dir]);
            assertOneLine(r, /the Pulumi CLI is not on PATH/);
            assert.strictEqual(fs.readFileSync(out, "utf8"), '{"previous": true}\n');
            assert.deepStrictEqual(leftovers(dir), []);
        });

        it("preview --json-file into a folder that does not exist is refused in one line", () => {
            const dir = repo("json-file-nofolder");
            const r = run(["preview", path.join(dir, "fleet.yaml"), "--json-file", path.join(dir, "nope", "run.json")]);
            assertOneLine(r, /^--json-file .*nope\/run\.json: cannot write in .*nope \(no such file or folder, ENOENT\)$/);
        });
    });

    describe("render: whole files, one writer at a time", () => {
        it("keeps the salt, the secrets and foreign keys, and leaves no temporary or lock file", () => {
            const dir = repo("render-keeps");
            const r = run(["render", "fleet.yaml"], dir);
            assert.strictEqual(r.code, 0, r.err);
            for (const env of ["prod", "dev"]) {
                assertWhole(path.join(dir, "stacks", `Pulumi.${env}.yaml`));
            }
            assert.deepStrictEqual(leftovers(path.join(dir, "stacks")), []);
        });

        it("eight renders at once, three times over, leave every stack file whole with its salt and secret", async () => {
            const dir = repo("render-parallel");
            for (let round = 0; round < 3; round++) {
                const runs = await Promise.all(Array.from({ length: 8 }, () => runAsync(["render", "fleet.yaml"], dir)));
                for (const r of runs) {
                    assert.strictEqual(r.code, 0, r.err);
                }
                for (const env of ["prod", "dev"]) {
                    assertWhole(path.join(dir, "stacks", `Pulumi.${env}.yaml`));
                }
            }
            assert.strictEqual(run(["render", "fleet.yaml", "--check"], dir).code, 0);
            assert.deepStrictEqual(leftovers(path.join(dir, "stacks")), []);
        });

        it("a render killed at any moment leaves each stack file old or new, never cut; the next render takes over its lock", async () => {
            const dir = repo("render-killed");
            const stacks = path.join(dir, "stacks");
            const reset = () => ["prod", "dev"].forEach((env) => fs.writeFileSync(path.join(stacks, `Pulumi.${env}.yaml`), LARGE));
            reset();
            // How long a render takes here, so the kills land before, during and after its writes.
            const started = Date.now();
            assert.strictEqual(run(["render", "fleet.yaml"], dir).code, 0);
            const took = Date.now() - started;
            let killedHoldingLock = 0;
            const rounds = 8;
            for (let i = 0; i < rounds; i++) {
                reset();
                const child = spawn(process.execPath, [BIN, "render", "fleet.yaml"], { cwd: dir, env: ENV, stdio: "ignore" });
                const closed = new Promise((r) => child.on("close", r));
                await new Promise((r) => setTimeout(r, Math.round(took * (0.3 + (0.7 * i) / rounds))));
                child.kill("SIGKILL");
                await closed;
                killedHoldingLock += fs.existsSync(path.join(stacks, ".vss-fleet.lock")) ? 1 : 0;
                for (const env of ["prod", "dev"]) {
                    assertWhole(path.join(stacks, `Pulumi.${env}.yaml`), 3000);
                }
            }
            const r = run(["render", "fleet.yaml"], dir);
            assert.strictEqual(r.code, 0, r.err);
            assert.ok(!fs.existsSync(path.join(stacks, ".vss-fleet.lock")), "the stale lock is gone");
            for (const env of ["prod", "dev"]) {
                assertWhole(path.join(stacks, `Pulumi.${env}.yaml`), 3000);
            }
            // The kills must reach the writes: some render died holding the folder's lock.
            assert.ok(killedHoldingLock > 0, `none of ${rounds} renders was killed while it held the lock (a render takes ${took} ms)`);
        });

        it("a full disk: render fails in one line, the stack file is unchanged and no temporary file is left", () => {
            const dir = path.join(tmp, "full");
            mountTmpfs(dir, "size=64k");
            fs.copyFileSync(FLEET, path.join(dir, "fleet.yaml"));
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.prod.yaml"), FOREIGN);
            // Fill what is left: the stack file's rewrite (a few KiB) cannot fit.
            const filler = path.join(dir, "filler");
            const fd = fs.openSync(filler, "w");
            try {
                for (;;) {
                    fs.writeSync(fd, Buffer.alloc(1024));
                }
            } catch (error) {
                assert.strictEqual((error as NodeJS.ErrnoException).code, "ENOSPC");
            } finally {
                fs.closeSync(fd);
            }
            // One page free: room for the lock file, none for the stack file's new text.
            fs.truncateSync(filler, fs.statSync(filler).size - 4096);
            const r = run(["render", "fleet.yaml"], dir);
            assertOneLine(
                r,
                /^stacks\/Pulumi\.prod\.yaml: not written \(no space left on the device, ENOSPC\); the file is unchanged; not attempted: stacks\/Pulumi\.dev\.yaml$/,
            );
            assert.strictEqual(fs.readFileSync(path.join(dir, "stacks", "Pulumi.prod.yaml"), "utf8"), FOREIGN);
            assert.deepStrictEqual(fs.readdirSync(path.join(dir, "stacks")), ["Pulumi.prod.yaml"]);
        });

        it("refuses to rewrite a stack file over the 1 MiB that --check refuses, and leaves it as it was", () => {
            const dir = repo("render-large");
            const file = path.join(dir, "stacks", "Pulumi.prod.yaml");
            const large = FOREIGN + `  other-tool:blob: "${"x".repeat(1024 * 1024)}"\n`;
            fs.writeFileSync(file, large);
            const r = run(["render", "fleet.yaml"], dir);
            assertOneLine(
                r,
                /^stacks\/Pulumi\.prod\.yaml: the stack file is 1 MiB, over the 1 MiB limit; vss-fleet neither reads nor rewrites it/,
            );
            assert.strictEqual(r.code, 2);
            assert.strictEqual(fs.readFileSync(file, "utf8"), large);
        });

        it("a missing, read-only or file --stacks-dir: one line, exit 2", () => {
            const dir = repo("render-dirs");
            assertOneLine(run(["render", "fleet.yaml", "--stacks-dir", "missing"], dir), /^missing: no such folder; create it/);
            fs.writeFileSync(path.join(dir, "a-file"), "");
            assertOneLine(
                run(["render", "fleet.yaml", "--stacks-dir", "a-file"], dir),
                /^a-file: is a file \(or under one\), not a folder/,
            );
            const ro = path.join(dir, "ro");
            mountTmpfs(ro, "ro,size=64k");
            assertOneLine(
                run(["render", "fleet.yaml", "--stacks-dir", "ro"], dir),
                /^ro: cannot write in this folder \(read-only file system, EROFS\); nothing was written$/,
            );
        });
    });

    describe("init", () => {
        it("on a full disk removes what it wrote, so the next init (with room) succeeds", () => {
            const dir = path.join(tmp, "init-full");
            mountTmpfs(dir, "size=64k");
            fs.writeFileSync(path.join(dir, "filler"), Buffer.alloc(40 * 1024));
            const target = path.join(dir, "fleet");
            const r = run(["init", target]);
            assertOneLine(
                r,
                /not written \(no space left on the device, ENOSPC\); vss-fleet init removed what it had written \(\d+ file\(s\)\), so .* is as it was/,
            );
            assert.ok(!fs.existsSync(target), fs.existsSync(target) ? fs.readdirSync(target, { recursive: true }).join(", ") : "");
            fs.rmSync(path.join(dir, "filler"));
            const again = run(["init", target]);
            assert.strictEqual(again.code, 0, again.err);
            assert.ok(fs.existsSync(path.join(target, "fleet.yaml")));
        });

        it("into a read-only folder: one line, exit non-zero, nothing created", () => {
            const dir = path.join(tmp, "init-ro");
            mountTmpfs(dir, "ro,size=64k");
            const r = run(["init", dir]);
            assertOneLine(r, /read-only file system, EROFS/);
            assert.deepStrictEqual(fs.readdirSync(dir), []);
        });

        it("prints the cd of a folder with a space quoted for the shell", () => {
            const r = run(["init", path.join(tmp, "my fleet")]);
            assert.strictEqual(r.code, 0, r.err);
            assert.match(r.out, new RegExp(`  cd '${tmp.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/my fleet' && npm install`));
        });
    });

    describe("inputs", () => {
        it("a duplicate key in an AWS CLI export is refused with file:line:col and the key", () => {
            const file = path.join(tmp, "dup.json");
            const text = fs
                .readFileSync(INVENTORY, "utf8")
                .replace('"Platform": "windows",', '"Platform": "windows",\n          "Platform": "linux",');
            assert.notStrictEqual(text, fs.readFileSync(INVENTORY, "utf8"));
            fs.writeFileSync(file, text);
            const r = run(["plan", FLEET, "--offline", "--inventory", file]);
            assert.strictEqual(r.code, 2, r.err);
            assert.match(
                r.err,
                /dup\.json:\d+:11: Reservations\[0\]\.Instances\[0\]\.Platform: duplicate key 'Platform' \(first at line \d+, column 11\)/,
            );
        });

        it("--at naming a day that does not exist is refused, not rolled over to the next month", () => {
            const r = run([
                "verify",
                FLEET,
                "--offline",
                "--inventory",
                INVENTORY,
                "--volumes",
                VOLUMES,
                "--snapshots",
                SNAPSHOTS,
                "--at",
                "2026-11-31T08:00:00Z",
            ]);
            assertOneLine(r, /^--at 2026-11-31T08:00:00Z: not a time \(2026-11 has no day 31\); use ISO 8601/);
            assert.strictEqual(r.code, 2);
        });

        it("a bad StartTime in a snapshots export names file:line:col and the key", () => {
            const file = path.join(tmp, "snaps.json");
            fs.writeFileSync(file, fs.readFileSync(SNAPSHOTS, "utf8").replace(/"StartTime": "[^"]*"/, '"StartTime": "yesterday"'));
            const r = run([
                "verify",
                FLEET,
                "--offline",
                "--inventory",
                INVENTORY,
                "--volumes",
                VOLUMES,
                "--snapshots",
                file,
                "--at",
                "2026-11-28T08:00:00Z",
            ]);
            assertOneLine(r, /snaps\.json:9:7: Snapshots\[0\]\.StartTime: "yesterday" is not an ISO 8601 time/);
            assert.strictEqual(r.code, 2);
        });

        it('restore --offline names the file, position and key of \'"Size": "100"\' in a volumes export', () => {
            const file = path.join(tmp, "vols.json");
            fs.writeFileSync(file, fs.readFileSync(VOLUMES, "utf8").replace('"Size": 100', '"Size": "100"'));
            const r = run([
                "restore",
                FLEET,
                "--env",
                "prod",
                "--instance",
                "i-0a1b2c3d4e5f60001",
                "--offline",
                "--inventory",
                INVENTORY,
                "--volumes",
                file,
                "--snapshots",
                SNAPSHOTS,
            ]);
            assertOneLine(r, /vols\.json:\d+:7: Volumes\[\d\]\.Size: expected number, received string/);
            assert.strictEqual(r.code, 2);
        });

        it("restore --apply checks the instance id's shape before any EC2 call (exit 2)", () => {
            const r = run(["restore", FLEET, "--env", "prod", "--instance", "i-not-an-id", "--apply"]);
            assertOneLine(r, /^--instance i-not-an-id: not an instance id/);
            assert.strictEqual(r.code, 2);
        });

        it("/dev/zero as the manifest is refused at the 1 MiB limit", () => {
            const r = run(["validate", "/dev/zero"]);
            assertOneLine(r, /^\/dev\/zero: the manifest is over the 1 MiB limit \(reading stopped there\)$/);
        });

        it("a FIFO fed forever as --inventory is refused at the 256 MiB limit without reading more", function () {
            const fifo = path.join(tmp, "forever.fifo");
            execFileSync("mkfifo", [fifo]);
            const feeder = spawn("sh", ["-c", `yes '{"Reservations": []}' > '${fifo}'`], { stdio: "ignore" });
            try {
                const r = spawnSync(
                    "bash",
                    ["-c", `command time -f '%M' '${process.execPath}' '${BIN}' plan '${FLEET}' --offline --inventory '${fifo}'`],
                    {
                        env: ENV,
                        encoding: "utf8",
                        timeout: 120_000,
                    },
                );
                const lines = r.stderr
                    .trimEnd()
                    .split("\n")
                    .filter((l) => !l.startsWith("Command exited"));
                const maxRssKiB = Number(lines.pop());
                assert.strictEqual(r.status, 2, r.stderr);
                assert.deepStrictEqual(lines, [
                    `${fifo}: the inventory is over the 256 MiB limit (reading stopped there); export it in parts (one file per region, or narrower --filters) and pass each part`,
                ]);
                // The limit, its copy when joined, and Node itself: well under a gigabyte.
                assert.ok(maxRssKiB < 1024 * 1024, `peak memory ${maxRssKiB} KiB`);
            } finally {
                feeder.kill();
            }
        });

        it("a pipe as the manifest (/dev/stdin) is refused at the limit", () => {
            const r = spawnSync("bash", ["-c", `head -c 3000000 /dev/zero | '${process.execPath}' '${BIN}' validate /dev/stdin`], {
                env: ENV,
                encoding: "utf8",
            });
            assert.strictEqual(r.status, 2, r.stderr);
            assert.strictEqual(r.stderr, "/dev/stdin: the manifest is over the 1 MiB limit (reading stopped there)\n");
        });

        it("UTF-16 LE and BE with a BOM and UTF-8 with a BOM (PowerShell's exports) read as their UTF-8 original", () => {
            const utf8 = run(["plan", FLEET, "--offline", "--inventory", INVENTORY, "--json"]);
            assert.strictEqual(utf8.code, 0, utf8.err);
            const text = fs.readFileSync(INVENTORY, "utf8");
            const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
            const variants = {
                "le.json": le,
                "be.json": Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]),
                "bom.json": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
            };
            for (const [name, bytes] of Object.entries(variants)) {
                fs.writeFileSync(path.join(tmp, name), bytes);
                const r = run(["plan", FLEET, "--offline", "--inventory", path.join(tmp, name), "--json"]);
                assert.strictEqual(r.code, 0, `${name}: ${r.err}`);
                assert.strictEqual(r.out.replaceAll(path.join(tmp, name), INVENTORY), utf8.out, name);
            }
            const manifest = path.join(tmp, "fleet-utf16.yaml");
            fs.writeFileSync(manifest, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fs.readFileSync(FLEET, "utf8"), "utf16le")]));
            const v = run(["validate", manifest]);
            assert.strictEqual(v.code, 0, v.err);
        });

        it("UTF-16 without a BOM is refused by name with the fix; no NUL byte reaches the terminal", () => {
            const file = path.join(tmp, "nobom.json");
            fs.writeFileSync(file, Buffer.from(fs.readFileSync(INVENTORY, "utf8"), "utf16le"));
            const r = run(["plan", FLEET, "--offline", "--inventory", file]);
            assertOneLine(r, /nobom\.json: the inventory is UTF-16 without a byte-order mark, .*save it as UTF-8/);
            assert.ok(!r.err.includes("\0") && !r.out.includes("\0"));
        });

        it("a name with a zero-width space is printed escaped, so it does not look like another", () => {
            const manifest = path.join(tmp, "zw.yaml");
            fs.writeFileSync(manifest, fs.readFileSync(FLEET, "utf8").replace("    region: us-east-1\n", "    region\u200b: us-east-1\n"));
            const r = run(["validate", manifest]);
            assert.strictEqual(r.code, 2, r.err);
            assert.match(r.err, /prod\.region\\u200b/);
            assert.ok(!r.err.includes("\u200b"));
        });
    });
});
