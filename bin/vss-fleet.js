#!/usr/bin/env node
// The vss-fleet command: the compiled CLI in dist/ (`npm ci` builds it through `prepare`; `npm run
// build` after editing). Without dist/, or with VSS_FLEET_FROM_SOURCE=1, the TypeScript sources run
// through ts-node instead: slower to start, for development only.
const path = require("path");
const fs = require("fs");

// Before anything else loads: an older Node than package.json's engines fails in many ways later
// (warnings from dependencies, SDK notices, missing APIs); one line says what to do instead.
const wanted = require("../package.json").engines.node; // ">=22.12.0"
const need = wanted
    .replace(/^>=\s*/, "")
    .split(".")
    .map(Number);
const have = process.versions.node.split(".").map(Number);
const differs = need.findIndex((n, i) => (have[i] || 0) !== n);
if (differs >= 0 && (have[differs] || 0) < need[differs]) {
    process.stderr.write(
        `vss-fleet needs Node.js ${wanted} (package.json engines); this is ${process.version}: install a newer Node.js (https://nodejs.org/)\n`,
    );
    process.exitCode = 2;
    return; // a CommonJS module may end here: nothing else is loaded
}
// Node >= 22.1 keeps the compiled bytecode of every module between runs (in the OS temp dir).
require("module").enableCompileCache?.();
const compiled = path.join(__dirname, "..", "dist", "automation", "cli.js");
const fromSource = process.env.VSS_FLEET_FROM_SOURCE === "1" || !fs.existsSync(compiled);
if (fromSource) {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
}

/**
 * Ends with `code` the way Node ends a finished script: the exit code is set and the event loop runs
 * out, so whatever stdout and stderr still hold is written first, however slowly a pipe's reader takes
 * it (a pipe holds 64 KiB; process.exit() right after a write would lose the rest).
 */
const finish = (code) => (process.exitCode = code);

// Ctrl-C cancels running Pulumi updates cleanly (SIGINT to each CLI); a second Ctrl-C exits now, after
// flushing what is already written (the driver removes its temporary files in an 'exit' handler).
// A reader that never drains cannot hold the exit back for more than two seconds.
const cancel = new AbortController();
process.on("SIGINT", () => {
    if (cancel.signal.aborted) {
        process.exitCode = 130;
        setTimeout(() => process.exit(), 2000).unref();
        let pending = 2;
        for (const stream of [process.stdout, process.stderr]) {
            stream.write("", () => --pending === 0 && process.exit());
        }
        return;
    }
    process.stderr.write("cancelling running updates (Ctrl-C again to exit now)\n");
    cancel.abort();
});
// A closed stdout (`vss-fleet plan ... | head`) is not a crash: stop writing, keep the exit code.
process.stdout.on("error", (error) => {
    if (error.code !== "EPIPE") {
        throw error;
    }
});
const io = {
    out: (t) => process.stdout.write(t + "\n"),
    err: (t) => process.stderr.write(t + "\n"),
    signal: cancel.signal,
    // apply and destroy ask before they change anything, only when someone can answer.
    interactive: process.stdin.isTTY === true,
    // One line per environment done, for a person watching a terminal; never into a file or a pipe.
    progress: process.stderr.isTTY ? (t) => process.stderr.write(t + "\n") : undefined,
};
require(fromSource ? "../automation/cli" : compiled)
    .main(process.argv.slice(2), io)
    .then(finish)
    .catch((error) => {
        console.error(`vss-fleet: unexpected error (a bug, please report it): ${error && error.stack ? error.stack : error}`);
        finish(1);
    });
