/**
 * Packages the lifecycle function for Lambda: esbuild bundles functions/lifecycle/handler.ts and
 * everything it imports from this repository (core/: set grouping, retention planning, tag keys, the
 * configuration codec; zod) into one CommonJS file. The AWS SDK v3 clients stay external: the
 * nodejs22.x runtime provides them.
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

/**
 * Why the bundler lives here and names the handler by PATH, not by import: packaging is part of
 * deploying (the component needs the code as a string for the Lambda archive), while the function
 * itself must not know the components and the components must not import the function (layers run
 * one way, see docs/architecture.md). A file path is data to esbuild, not a module dependency, so
 * neither folder imports the other; the test in test/functions/bundle.test.ts runs the bundle.
 */
export const HANDLER_SOURCE = sourceOf(path.join(__dirname, "..", "..", "functions", "lifecycle", "handler.ts"));

/**
 * When this file runs compiled from dist/, the handler's TypeScript source outside dist/, so the
 * compiled CLI bundles exactly what the TypeScript one does, byte for byte.
 */
function sourceOf(file: string): string {
    const dist = file.lastIndexOf(`${path.sep}dist${path.sep}`);
    return fs.existsSync(file) || dist < 0 ? file : file.slice(0, dist) + file.slice(dist + `${path.sep}dist`.length);
}

/**
 * The TypeScript settings the bundle is compiled with, named explicitly: esbuild ignores tsconfig.json
 * files under node_modules/, so an installed vss-fleet would otherwise bundle different bytes (no
 * "use strict") and every deployed function would show a change. The package ships this file.
 */
const TSCONFIG = path.join(path.dirname(HANDLER_SOURCE), "..", "..", "tsconfig.json");

let cached: string | undefined;

export function lifecycleFunctionBundle(): string {
    cached ??= buildSync({
        entryPoints: [HANDLER_SOURCE],
        tsconfig: TSCONFIG,
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
