/**
 * Packages the lifecycle function for Lambda: esbuild bundles handler.ts and everything it imports
 * from this repository (set grouping, retention planning, the spec's tag keys, zod) into one
 * CommonJS file. The AWS SDK v3 clients stay external: the nodejs22.x runtime provides them.
 * Bundling happens while the Pulumi program runs, so `pulumi up` needs no separate build step, and
 * esbuild's output is deterministic, so an unchanged handler never shows up as a diff.
 */
import { buildSync } from "esbuild";
import * as path from "node:path";

export const HANDLER_FILE = "index.js";
/** Lambda's handler setting for the bundle: the file's name without .js, then the export. */
export const HANDLER = "index.handler";
export const RUNTIME = "nodejs22.x";

let cached: string | undefined;

export function lifecycleFunctionBundle(): string {
    cached ??= buildSync({
        entryPoints: [path.join(__dirname, "handler.ts")],
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
