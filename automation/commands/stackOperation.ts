/**
 * What preview, apply, drift and destroy share: the same options and the same run through the
 * Automation API (one stack per environment, bounded parallel, policy pack attached). Each of the four
 * is its own module that names its operation, description and examples.
 */
import * as path from "path";
import type { Operation } from "../driver/run";
import { UserInputError } from "../errors";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import {
    envFilter,
    flag,
    format,
    INSTANCES_JSON,
    jsonNotFormat,
    negatable,
    optionalText,
    parallel,
    projectDir,
    repeatable,
} from "./options";
import { chooseEnvironments, positive, progressOf } from "./shared";

/** Only the two commands that change stacks take --yes, each with its own meaning. */
const YES: Partial<Record<Operation, string>> = {
    apply: "apply without asking (needed when stdin is not a terminal: cron, ssh host cmd, CI); on a terminal each environment's preview is shown and confirmed",
    destroy:
        "destroy without asking (needed when stdin is not a terminal); on a terminal each environment's destroy preview is shown and confirmed",
};

export function stackOperation(operation: Operation, description: string, examples: readonly string[]) {
    const yes = YES[operation];
    return defineCommand({
        name: operation,
        description,
        examples,
        takesManifest: true,
        options: [
            envFilter,
            parallel,
            repeatable("inventory", "--inventory <file>", `existing instances from ${INSTANCES_JSON} instead of live (repeatable)`),
            optionalText("org", "--org <name>", "Pulumi organization of the stacks (org/<environment>)"),
            flag("failFast", "--fail-fast", "stop starting environments after the first failure"),
            negatable("accountCheck", "--no-account-check", "skip the STS account guard (air-gapped runs); said in the output"),
            optionalText(
                "timeout",
                "--timeout <minutes>",
                "each environment's time limit: then its update is cancelled and it fails 'timed out' (default: none)",
            ),
            projectDir,
            jsonNotFormat,
            format("summary format"),
            optionalText(
                "commentLimit",
                "--comment-limit <chars>",
                "markdown: at most this many characters, the resource diff cut to fit (default 65536, one GitHub comment)",
            ),
            optionalText("jsonFile", "--json-file <file>", "also write the --json summary, every resource step included, to this file"),
            ...(yes === undefined ? [] : [flag("yes", "--yes", yes)]),
        ],
        async run({ manifest, options, io }) {
            const confirmed = (options as { yes?: boolean }).yes === true;
            const asks = yes !== undefined && !confirmed;
            if (asks && !io.interactive && operation === "apply") {
                // Before anything else: nobody can answer, and applying unasked is what --yes is for.
                throw new UserInputError([
                    "apply asks before changing anything, and stdin is not a terminal (cron, 'ssh host cmd', a pipe), so nobody can answer: " +
                        "run again with --yes to apply without asking",
                ]);
            }
            const { loadManifest } = await import("../manifest/load");
            const fleet = loadManifest(manifest);
            const chosen = chooseEnvironments(fleet, options.env);
            if (operation === "destroy") {
                const list = chosen.map((e) => `${e.spec.name} (${e.spec.accountId}/${e.spec.region})`).join(", ");
                if (asks && !io.interactive) {
                    throw new UserInputError([
                        `destroy would remove the stacks of ${list}, and stdin is not a terminal, so nobody can confirm: run again with --yes to confirm`,
                    ]);
                }
                io.err(asks ? `destroy: previewing what would be removed from ${list}` : `destroying ${list}`);
            }
            if (!options.accountCheck) {
                io.err("account check skipped (--no-account-check): the manifest's accountId is not verified against the credentials");
            }
            if (options.jsonFile !== undefined) {
                // Before anything runs (a file that cannot be written must not surface after an apply),
                // and without opening it: a run that stops early leaves it as it was.
                const { checkOutputFile } = await import("../io/outputFile");
                const stackFiles = chosen.map((e) => ({
                    file: path.join(options.projectDir, "stacks", `Pulumi.${e.spec.name}.yaml`),
                    what: "a stack file",
                }));
                checkOutputFile(options.jsonFile, "--json-file", [
                    { file: manifest, what: "the manifest" },
                    ...options.inventory.map((file) => ({ file, what: "an --inventory file" })),
                    ...stackFiles,
                ]);
            }
            const commentLimit = options.commentLimit === undefined ? undefined : positive(options.commentLimit, "--comment-limit");
            const timeoutMs = options.timeout === undefined ? undefined : positive(options.timeout, "--timeout") * 60_000;
            const { exitCodeOf, runFleet } = await import("../driver/runFleet");
            const { terminalConfirm } = await import("../driver/confirm");
            const { driverJson, driverMarkdown, driverText } = await import("../output/driverFormats");
            const progressDone = progressOf(io, options.json, operation);
            const run = await runFleet(fleet, chosen, {
                operation,
                workDir: path.resolve(options.projectDir),
                manifestPath: path.resolve(manifest),
                parallel: options.parallel,
                failFast: options.failFast === true,
                accountCheck: options.accountCheck,
                inventoryFiles: options.inventory,
                organization: options.org,
                timeoutMs,
                signal: io.signal ?? new AbortController().signal,
                log: io.err,
                onEnvironment: progressDone && ((r, n, total) => progressDone(`${r.name}: ${r.status}`, n, total)),
                confirm: asks ? terminalConfirm(process.stdin, process.stderr, operation === "destroy" ? "destroy" : "apply") : undefined,
            });
            const code = exitCodeOf(run);
            io.out(
                options.json ? driverJson(run, code) : options.format === "markdown" ? driverMarkdown(run, commentLimit) : driverText(run),
            );
            if (options.jsonFile !== undefined) {
                // The full diff for a CI artifact, beside a markdown comment that may have been cut; written
                // whole or not at all, after the summary is out (a full disk must not hide what was done).
                const { WriteFailed, writeFileAtomic } = await import("../io/atomicWrite");
                try {
                    writeFileAtomic(options.jsonFile, driverJson(run, code) + "\n");
                } catch (error) {
                    if (!(error instanceof WriteFailed)) {
                        throw error;
                    }
                    io.err(`--json-file ${error.message}`);
                    return code === EXIT.ok ? EXIT.violations : code;
                }
            }
            return code;
        },
    });
}
