/**
 * After `tsc -p tsconfig.build.json`: the files the compiled code reads beside itself at run time,
 * copied to the same place under dist/ (tsc copies only what it compiles).
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const ASSETS = [
    // The diskshadow engine's script, embedded into its SSM document when the stack is built.
    "components/document/diskshadow/VssFleetSnapshot.ps1",
    // The policy pack's version, which the offline engine prints as the server would.
    "policies/package.json",
];

for (const asset of ASSETS) {
    const target = path.join(root, "dist", asset);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, asset), target);
}
