// Preloaded (`node --require`) into every measured process: on exit, its own peak RSS (ru_maxrss, KiB)
// goes to the file the benchmark names, so the figure is the process's and not the runner's.
"use strict";
const file = process.env.VSS_BENCH_RSS_FILE;
if (file) {
    process.on("exit", () => require("fs").writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
