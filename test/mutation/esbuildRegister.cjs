// Loads .ts with esbuild's transform instead of ts-node, for stryker.deletion.json only: Stryker runs
// the tests once per mutant, and ts-node's start (loading the TypeScript compiler) was about 5 of the
// 8 seconds each run took here. No type check: `npx tsc` and the normal suite do that.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook: mocha --require loads it before any TypeScript. */
const fs = require("fs");
const esbuild = require("esbuild");

require.extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const { code } = esbuild.transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename });
    module._compile(code, filename);
};
