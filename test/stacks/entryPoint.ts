/**
 * The file `pulumi up` runs for a Node.js project, computed by Pulumi's own code rather than by a copy
 * of its rules: the CLI's half (where the program is, from Pulumi.yaml's `main`) is Go, so it is
 * mirrored here; the language runtime's half (which file that means) is @pulumi/pulumi's `cmd/run`,
 * run as the language host runs it, with a preload that reports the module `cmd/run` is about to
 * load and exits before any of it runs. No engine, no monitor, nothing of the program is executed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

export interface ProgramLocation {
    /** The working directory the language host gives the program (`--pwd`). */
    readonly pwd: string;
    /** The program argument: "." for a folder, else the file's name in `pwd`. */
    readonly program: string;
}

/**
 * Where the CLI tells the language host the program is: github.com/pulumi/pulumi/pkg/v3/engine
 * project.go, getPwdMain (v3.274.1). No `main`: the project folder and ".". A folder: that folder and
 * ".". A file: its folder and its name.
 */
export function programLocation(projectDir: string): ProgramLocation {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { main?: unknown };
    if (typeof project.main !== "string" || project.main === "") {
        return { pwd: projectDir, program: "." };
    }
    const main = path.resolve(projectDir, project.main);
    if (fs.statSync(main).isDirectory()) {
        return { pwd: main, program: "." };
    }
    return { pwd: path.dirname(main), program: path.basename(main) };
}

/**
 * Loaded before cmd/run: the Stack resource cmd/run wraps the program in would dial the engine, so it
 * just calls the program; and the first absolute module cmd/run/run.js requires is the program, whose
 * resolved file name is printed before the process exits. `.ts` resolves as ts-node would register it.
 */
const PRELOAD = `
const Module = require("module");
const path = require("path");
const sdk = process.env.VSS_FLEET_PULUMI_SDK;
require(path.join(sdk, "runtime", "stack.js")).runInPulumiStack = (run) => run();
require.extensions[".ts"] = require.extensions[".js"];
const runJs = path.join(sdk, "cmd", "run", "run.js");
const load = Module._load;
Module._load = function (request, parent, isMain) {
    if (parent && parent.filename === runJs && path.isAbsolute(request)) {
        process.stdout.write(JSON.stringify({ entry: Module._resolveFilename(request, parent) }) + "\\n");
        process.exit(0);
    }
    return load.apply(this, arguments);
};
`;

/**
 * The absolute path of the file @pulumi/pulumi's cmd/run (from `sdkDir`, the package's folder) loads
 * as the program of the project in `projectDir`, given the arguments pulumi-language-nodejs passes.
 */
export function pulumiEntryPoint(projectDir: string, sdkDir: string): string {
    const { pwd, program } = programLocation(projectDir);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vss-entry-"));
    try {
        const preload = path.join(tmp, "preload.js");
        fs.writeFileSync(preload, PRELOAD);
        const env: NodeJS.ProcessEnv = { ...process.env, VSS_FLEET_PULUMI_SDK: sdkDir };
        // Not a TypeScript run: ts-node would only change how the file loads, not which file it is.
        delete env.PULUMI_NODEJS_TYPESCRIPT;
        const out = execFileSync(
            process.execPath,
            ["-r", preload, path.join(sdkDir, "cmd", "run"), "--monitor", "127.0.0.1:1", "--pwd", pwd, program],
            { cwd: projectDir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
        );
        const line = out.split("\n").find((l) => l.startsWith('{"entry":'));
        if (!line) {
            throw new Error(`cmd/run loaded no program for ${projectDir}:\n${out}`);
        }
        return (JSON.parse(line) as { entry: string }).entry;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}
