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
    // With the pack's package.json below, dist/policies/ is a complete JavaScript policy pack: what an
    // installed vss-fleet attaches to runs, and what `pulumi policy publish` uploads (docs/adopting.md).
    "policies/PulumiPolicy.yaml",
];

for (const asset of ASSETS) {
    const target = path.join(root, "dist", asset);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, asset), target);
}

// The pack's package.json (its name and version, which the offline engine prints as the server would),
// pointing at the compiled entry instead of index.ts: no TypeScript is needed to run or publish it.
const pack = JSON.parse(fs.readFileSync(path.join(root, "policies", "package.json"), "utf8"));
fs.writeFileSync(path.join(root, "dist", "policies", "package.json"), JSON.stringify({ ...pack, main: "index.js" }, null, 2) + "\n");
