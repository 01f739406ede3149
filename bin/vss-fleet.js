#!/usr/bin/env node
// The vss-fleet command: the TypeScript CLI through ts-node (transpile only; type-checking is CI's job).
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });

/**
 * Exits once stdout and stderr have handed everything to the OS. process.exit() right after a write
 * loses what a pipe's reader has not taken yet (a pipe holds 64 KiB), so the code is set first and
 * the exit waits for both streams; a stream the reader closed (EPIPE) counts as flushed.
 */
function exitWhenFlushed(code) {
    process.exitCode = code;
    let pending = 2;
    const done = () => {
        if (--pending === 0) {
            process.exit(code);
        }
    };
    for (const stream of [process.stdout, process.stderr]) {
        if (stream.destroyed || stream.writableEnded) {
            done();
        } else {
            stream.write("", done);
        }
    }
}

// Ctrl-C cancels running Pulumi updates cleanly (SIGINT to each CLI); a second Ctrl-C exits now, after
// flushing what is already written (the driver removes its temporary files in an 'exit' handler).
// A reader that never drains cannot hold the exit back for more than two seconds.
const cancel = new AbortController();
process.on("SIGINT", () => {
    if (cancel.signal.aborted) {
        setTimeout(() => process.exit(130), 2000).unref();
        exitWhenFlushed(130);
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
const io = { out: (t) => process.stdout.write(t + "\n"), err: (t) => process.stderr.write(t + "\n"), signal: cancel.signal };
require("../automation/cli")
    .main(process.argv.slice(2), io)
    .then(exitWhenFlushed)
    .catch((error) => {
        console.error(`vss-fleet: unexpected error (a bug, please report it): ${error && error.stack ? error.stack : error}`);
        exitWhenFlushed(1);
    });
