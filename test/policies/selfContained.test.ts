/**
 * `pulumi policy publish ./policies` uploads only the pack's folder, so nothing in it may import a
 * file outside it, and every package it imports must be one of its own dependencies.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const PACK = path.join(__dirname, "..", "..", "policies");

function packFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? (entry.name === "node_modules" ? [] : packFiles(full)) : full.endsWith(".ts") ? [full] : [];
    });
}

describe("the policy pack is self-contained (publishable on its own)", () => {
    const dependencies = Object.keys(
        (JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { dependencies: object }).dependencies,
    );
    const imports = packFiles(PACK).flatMap((file) =>
        ts
            .preProcessFile(fs.readFileSync(file, "utf8"), true, true)
            .importedFiles.map((i) => ({ file: path.relative(PACK, file), specifier: i.fileName })),
    );

    it("imports no file outside policies/", () => {
        const outside = imports.filter(
            (i) =>
                i.specifier.startsWith(".") && path.resolve(PACK, path.dirname(i.file), i.specifier).startsWith(PACK + path.sep) === false,
        );
        assert.deepStrictEqual(outside, []);
        assert.ok(imports.length > 20, "the scan saw the pack's imports");
    });

    it("imports only packages its package.json declares", () => {
        const packages = new Set(
            imports
                .filter((i) => !i.specifier.startsWith("."))
                .map((i) =>
                    i.specifier
                        .split("/")
                        .slice(0, i.specifier.startsWith("@") ? 2 : 1)
                        .join("/"),
                ),
        );
        const undeclared = [...packages].filter((p) => !dependencies.includes(p) && p !== "util" && p !== "fs" && p !== "path");
        assert.deepStrictEqual(undeclared, []);
    });
});
