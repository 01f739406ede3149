#!/usr/bin/env node
// The vss-fleet command: the TypeScript CLI through ts-node (transpile only; type-checking is CI's job).
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
// Ctrl-C cancels running Pulumi updates cleanly (SIGINT to each CLI); a second Ctrl-C exits at once.
const cancel = new AbortController();
process.on("SIGINT", () => {
    if (cancel.signal.aborted) {
        process.exit(130);
    }
    process.stderr.write("cancelling running updates (Ctrl-C again to exit now)\n");
    cancel.abort();
});
const io = { out: (t) => process.stdout.write(t + "\n"), err: (t) => process.stderr.write(t + "\n"), signal: cancel.signal };
require("../automation/cli")
    .main(process.argv.slice(2), io)
    .then((code) => process.exit(code))
    .catch((error) => {
        console.error(`vss-fleet: unexpected error (a bug, please report it): ${error && error.stack ? error.stack : error}`);
        process.exit(1);
    });
