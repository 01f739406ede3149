// Preloaded (`node --require`) into every measured process: on exit, its own peak RSS (ru_maxrss) and
// CPU time go to the file the benchmark names, so the figures are the process's and not the runner's.
"use strict";
const file = process.env.VSS_BENCH_RSS_FILE;
if (file) {
    process.on("exit", () => {
        const usage = process.resourceUsage();
        // Peak RSS in KiB, then CPU time (user + system, all threads) in microseconds.
        require("fs").writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
    });
}
