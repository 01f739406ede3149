/**
 * Packages the lifecycle function for Lambda: esbuild bundles handler.ts and everything it imports
 * from this repository (set grouping, retention planning, the spec's tag keys, zod) into one
 * CommonJS file. The AWS SDK v3 clients stay external: the nodejs22.x runtime provides them.
 * Bundling happens while the Pulumi program runs, so `pulumi up` needs no separate build step, and
 * esbuild's output is deterministic, so an unchanged handler never shows up as a diff.
 */
import { buildSync } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

export const HANDLER_FILE = "index.js";
/** Lambda's handler setting for the bundle: the file's name without .js, then the export. */
export const HANDLER = "index.handler";
export const RUNTIME = "nodejs22.x";

let cached: string | undefined;

/**
 * handler.ts beside this file; when this file runs compiled from dist/, the same place in the
 * sources, so the compiled CLI bundles exactly what the TypeScript one does, byte for byte.
 */
function handlerSource(): string {
    const beside = path.join(__dirname, "handler.ts");
    const dist = beside.lastIndexOf(`${path.sep}dist${path.sep}`);
    return fs.existsSync(beside) || dist < 0 ? beside : beside.slice(0, dist) + beside.slice(dist + `${path.sep}dist`.length);
}

export function lifecycleFunctionBundle(): string {
    cached ??= buildSync({
        entryPoints: [handlerSource()],
        bundle: true,
        write: false,
        platform: "node",
        target: "node22",
        format: "cjs",
        external: ["@aws-sdk/*"],
        legalComments: "none",
        minify: true,
        logLevel: "silent",
    }).outputFiles[0].text;
    return cached;
}
