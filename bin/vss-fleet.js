#!/usr/bin/env node
// The vss-fleet command: the compiled CLI in dist/ (`npm ci` builds it through `prepare`; `npm run
// build` after editing). Without dist/, or with VSS_FLEET_FROM_SOURCE=1, the TypeScript sources run
// through ts-node instead: slower to start, for development only.
const path = require("path");
const fs = require("fs");
// Node >= 22.1 keeps the compiled bytecode of every module between runs (in the OS temp dir).
require("module").enableCompileCache?.();
const compiled = path.join(__dirname, "..", "dist", "automation", "cli.js");
const fromSource = process.env.VSS_FLEET_FROM_SOURCE === "1" || !fs.existsSync(compiled);
if (fromSource) {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
}
// Ctrl-C cancels running Pulumi updates cleanly (SIGINT to each CLI); a second Ctrl-C exits at once.
const cancel = new AbortController();
process.on("SIGINT", () => {
    if (cancel.signal.aborted) {
        process.exit(130);
    }
    process.stderr.write("cancelling running updates (Ctrl-C again to exit now)\n");
    cancel.abort();
});
const io = {
    out: (t) => process.stdout.write(t + "\n"),
    err: (t) => process.stderr.write(t + "\n"),
    signal: cancel.signal,
    // One line per environment done, for a person watching a terminal; never into a file or a pipe.
    progress: process.stderr.isTTY ? (t) => process.stderr.write(t + "\n") : undefined,
};
require(fromSource ? "../automation/cli" : compiled)
    .main(process.argv.slice(2), io)
    .then((code) => process.exit(code))
    .catch((error) => {
        console.error(`vss-fleet: unexpected error (a bug, please report it): ${error && error.stack ? error.stack : error}`);
        process.exit(1);
    });
