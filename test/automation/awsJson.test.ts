import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AWS_JSON_MAX_MIB } from "../../automation/awsJson";
import { UserInputError } from "../../automation/errors";
import { loadInventoryFiles, parseInventoryFile } from "../../automation/inventory/describeInstances";
import { jsonPathOffset, lineAndColumn } from "../../automation/jsonPosition";
import { YamlSource } from "../../core/environment";

function problemsOf(fn: () => unknown): readonly string[] {
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

const TEXT = `{
  "Reservations": [
    { "OwnerId": "1", "Instances": [] },
    {
      "OwnerId": "111111111111",
      "Instances": [ { "InstanceId": "i-1", "Tags": [ { "Key": "a\\"b", "Value": "x,}]" } ] } ]
    }
  ],
  "Next": null
}`;

describe("JSON positions without a parse tree", () => {
    it("finds keys, array elements and the closest parent of a missing key", () => {
        const at = (p: (string | number)[]) => lineAndColumn(TEXT, jsonPathOffset(TEXT, p));
        assert.deepStrictEqual(at([]), { line: 1, col: 1 });
        assert.deepStrictEqual(at(["Reservations"]), { line: 2, col: 3 });
        assert.deepStrictEqual(at(["Reservations", 1]), { line: 4, col: 5 });
        assert.deepStrictEqual(at(["Reservations", 1, "Instances", 0, "Tags", 0, "Value"]), { line: 6, col: 72 });
        assert.deepStrictEqual(at(["Reservations", 1, "Instances", 0, "Placement"]), { line: 6, col: 22 });
        assert.deepStrictEqual(at(["Reservations", 2, "OwnerId"]), { line: 2, col: 3 }, "past the last element: the array's key");
        assert.deepStrictEqual(at(["Next", "x"]), { line: 9, col: 3 });
    });

    it("agrees with the positioned YAML parse on every path of a document, and on missing ones", () => {
        const source = new YamlSource("t.json", TEXT);
        const paths: (string | number)[][] = [];
        const walk = (value: unknown, at: (string | number)[]) => {
            paths.push(at, [...at, "missing"], [...at, 7]);
            if (Array.isArray(value)) {
                value.forEach((v, i) => walk(v, [...at, i]));
            } else if (typeof value === "object" && value !== null) {
                Object.entries(value).forEach(([k, v]) => walk(v, [...at, k]));
            }
        };
        walk(JSON.parse(TEXT), []);
        assert.strictEqual(paths.length, 3 * 15);
        for (const p of paths) {
            assert.deepStrictEqual(lineAndColumn(TEXT, jsonPathOffset(TEXT, p)), source.locate(p), JSON.stringify(p));
        }
    });
});

describe("reading AWS CLI JSON", () => {
    it("points at the character where valid YAML stops being JSON", () => {
        const problems = problemsOf(() => parseInventoryFile("inv.json", '{ "Reservations": [] }\n# exported by hand\n'));
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0], /^inv\.json:2:1: not valid JSON: /);
    });

    it("lists 20 problems of a file, then says how many more", () => {
        const instances = Array.from({ length: 23 }, (_, i) => ({ InstanceId: `i-${String(i).padStart(8, "0")}` }));
        const text = JSON.stringify({ Reservations: [{ OwnerId: "111111111111", Instances: instances }] });
        const problems = problemsOf(() => parseInventoryFile("inv.json", text));
        assert.strictEqual(problems.length, 21);
        assert.strictEqual(
            problems[0],
            "inv.json:1:57: Reservations[0].Instances[0].Placement: expected object, received undefined (expected the JSON of 'aws ec2 describe-instances --output json')",
        );
        assert.strictEqual(
            problems[20],
            "inv.json: 3 more problem(s) like these (expected the JSON of 'aws ec2 describe-instances --output json')",
        );
    });

    describe("the size limit", () => {
        let dir: string;
        before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-json-"))));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        // Sparse files: the size is real to fstat, the disk holds nothing.
        const sized = (name: string, bytes: number) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, "");
            fs.truncateSync(file, bytes);
            return file;
        };

        it("refuses a file over the limit with a message, before reading it", () => {
            assert.strictEqual(AWS_JSON_MAX_MIB, 256);
            const file = sized("big.json", 300 * 1024 * 1024);
            assert.deepStrictEqual(
                problemsOf(() => loadInventoryFiles([file])),
                [
                    `${file}: the inventory is 300 MiB, over the 256 MiB limit; export it in parts (one file per region, or narrower --filters) and pass each part`,
                ],
            );
        });

        it("reads a file of exactly the limit", function () {
            this.timeout(60_000);
            // Exactly 256 MiB of JSON: the object, then spaces (fstat sees the size; the zeros of a sparse file are not JSON).
            const file = path.join(dir, "limit.json");
            const head = '{"Reservations":[]}';
            fs.writeFileSync(file, head + " ".repeat(AWS_JSON_MAX_MIB * 1024 * 1024 - head.length));
            assert.deepStrictEqual(loadInventoryFiles([file]), []);
            fs.rmSync(file);
        });
    });
});
