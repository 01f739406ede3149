/**
 * Packages the lifecycle function for Lambda: esbuild bundles functions/lifecycle/handler.ts and
 * everything it imports from this repository (core/: set grouping, retention planning, tag keys, the
 * configuration codec; zod) into one CommonJS file. The AWS SDK v3 clients stay external: the
 * nodejs22.x runtime provides them.
 * Bundling happens while the Pulumi program runs, so `pulumi up` needs no separate build step, and
 * esbuild's output is deterministic, so an unchanged handler never shows up as a diff.
 */
import { buildSync } from "esbuild";
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
export const HANDLER_SOURCE = path.join(__dirname, "..", "..", "functions", "lifecycle", "handler.ts");

let cached: string | undefined;

export function lifecycleFunctionBundle(): string {
    cached ??= buildSync({
        entryPoints: [HANDLER_SOURCE],
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
