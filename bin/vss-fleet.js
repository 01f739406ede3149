#!/usr/bin/env node
// The vss-fleet command: the TypeScript CLI through ts-node (transpile only; type-checking is CI's job).
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../automation/cli")
    .main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error) => {
        console.error(`vss-fleet: unexpected error (a bug, please report it): ${error && error.stack ? error.stack : error}`);
        process.exit(1);
    });
