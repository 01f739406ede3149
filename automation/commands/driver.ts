/** The GitOps commands through the Automation API: preview, apply, drift, destroy; render; deploy-policy. */
import * as path from "path";
import { Option, type Command } from "commander";
import { terminalConfirm } from "../driver/confirm";
import { deployPolicy } from "../driver/deployPolicy";
import { exitCodeOf, runFleet } from "../driver/fleet";
import { checkStacks, renderStacks } from "../driver/render";
import type { Operation } from "../driver/run";
import { EXIT, UserInputError } from "../errors";
import { loadManifest } from "../manifest/load";
import { driverJson, driverMarkdown, driverText } from "../output/driverFormats";
import { chooseEnvironments, collect, positive, PROJECT_ROOT, type Io, type SetExit } from "./shared";

interface DriverFlags {
    env: string[];
    parallel: number;
    inventory: string[];
    org?: string;
    failFast?: boolean;
    accountCheck: boolean;
    yes?: boolean;
    json?: boolean;
    format: string;
    projectDir: string;
}

export function registerDriverCommands(program: Command, io: Io, setExit: SetExit): void {
    for (const [operation, description] of [
        ["preview", "Preview every environment's stack with the policy pack attached."],
        ["apply", "Update every environment's stack (pulumi up) with the policy pack attached."],
        ["drift", "Refresh, then preview expecting no changes: exit 3 when the cloud has drifted."],
        ["destroy", "Destroy the environments' stacks (needs --yes, and names them first)."],
    ] as const) {
        program
            .command(operation)
            .description(description)
            .argument("<manifest>", "the fleet manifest (YAML)")
            .option("--env <name>", "only this environment (repeatable)", collect, [])
            .option("--parallel <n>", "environments at once", (v) => positive(v, "--parallel"), 4)
            .option(
                "--inventory <file>",
                "existing instances from 'aws ec2 describe-instances --output json' instead of live (repeatable)",
                collect,
                [],
            )
            .option("--org <name>", "Pulumi organization of the stacks (org/<environment>)")
            .option("--fail-fast", "stop starting environments after the first failure")
            .option("--no-account-check", "skip the STS account guard (air-gapped runs); said in the output")
            .option("--yes", "confirm a destroy; apply without asking (apply asks on a terminal after the preview)")
            .option("--project-dir <dir>", "the vss-fleet project (Pulumi.yaml, stacks/, policies/)", PROJECT_ROOT)
            .addOption(new Option("--json", "print exactly one JSON object on stdout").conflicts("format"))
            .addOption(new Option("--format <format>", "summary format").choices(["text", "markdown"]).default("text"))
            .action(async (manifest: string, options: DriverFlags) => {
                const fleet = loadManifest(manifest);
                const chosen = chooseEnvironments(fleet, options.env);
                if (operation === "destroy") {
                    const list = chosen.map((e) => `${e.spec.name} (${e.spec.accountId}/${e.spec.region})`).join(", ");
                    if (!options.yes) {
                        throw new UserInputError([`destroy would remove the stacks of ${list}; run again with --yes to confirm`]);
                    }
                    io.err(`destroying ${list}`);
                }
                if (!options.accountCheck) {
                    io.err("account check skipped (--no-account-check): the manifest's accountId is not verified against the credentials");
                }
                const run = await runFleet(fleet, chosen, {
                    operation: operation as Operation,
                    workDir: path.resolve(options.projectDir),
                    manifestPath: path.resolve(manifest),
                    parallel: options.parallel,
                    failFast: options.failFast === true,
                    accountCheck: options.accountCheck,
                    inventoryFiles: options.inventory,
                    organization: options.org,
                    signal: io.signal ?? new AbortController().signal,
                    log: io.err,
                    confirm: operation === "apply" && !options.yes ? terminalConfirm() : undefined,
                });
                const code = exitCodeOf(run);
                io.out(options.json ? driverJson(run, code) : options.format === "markdown" ? driverMarkdown(run) : driverText(run));
                setExit(code);
            });
    }

    program
        .command("render")
        .description("Write stacks/Pulumi.<env>.yaml from the manifest; --check fails when the committed files differ.")
        .argument("<manifest>", "the fleet manifest (YAML)")
        .option("--check", "compare instead of writing; exit 1 when a stack file disagrees with the manifest")
        .option("--stacks-dir <dir>", "where the stack files live", path.join(PROJECT_ROOT, "stacks"))
        .action((manifest: string, options: { check?: boolean; stacksDir: string }) => {
            const fleet = loadManifest(manifest);
            if (options.check) {
                const problems = checkStacks(fleet.environments, options.stacksDir);
                for (const problem of problems) {
                    io.err(`${path.relative(process.cwd(), problem.split(": ")[0])}: ${problem.split(": ").slice(1).join(": ")}`);
                }
                if (problems.length > 0) {
                    io.err(`run 'vss-fleet render ${manifest}' and commit the result`);
                }
                io.out(problems.length === 0 ? `stack files match ${manifest}` : `${problems.length} difference(s)`);
                setExit(problems.length === 0 ? EXIT.ok : EXIT.violations);
                return;
            }
            const files = renderStacks(fleet.environments, options.stacksDir, manifest);
            io.out(files.map((f) => `wrote ${path.relative(process.cwd(), f)}`).join("\n"));
            setExit(EXIT.ok);
        });

    program
        .command("deploy-policy")
        .description("Print the least-privilege IAM policy for the role that deploys an environment.")
        .argument("<manifest>", "the fleet manifest (YAML)")
        .requiredOption("--env <name>", "the environment")
        .action((manifest: string, options: { env: string }) => {
            const fleet = loadManifest(manifest);
            const [env] = chooseEnvironments(fleet, [options.env]);
            io.out(JSON.stringify(deployPolicy(env.spec), null, 2));
            setExit(EXIT.ok);
        });
}
