/**
 * The vss-fleet CLI. Exit codes everywhere: 0 ok (advisories allowed), 1 mandatory violations or a
 * failed environment, 2 invalid input (manifest, inventory, flags). User errors print their problems,
 * never a stack trace, and nothing is applied.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, UserInputError } from "./errors";
import * as path from "path";
import { checkStacks, renderStacks } from "./driver/render";
import { deployPolicy } from "./driver/deployPolicy";
import { exitCodeOf, runFleet } from "./driver/fleet";
import type { Operation } from "./driver/run";
import { loadInventoryFiles } from "./inventory/describeInstances";
import { loadManifest, type Fleet } from "./manifest/load";
import { manifestJsonSchema } from "./manifest/schema";
import { planFleet } from "./offline/engine";
import { driverJson, driverMarkdown, driverText } from "./output/driverFormats";
import { toJson, toMarkdown, toText } from "./output/formats";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Cancels running operations (Ctrl-C); the CLI wires it to SIGINT. */
    readonly signal?: AbortSignal;
}

/** The project folder: the one holding Pulumi.yaml, stacks/ and policies/. */
const PROJECT_ROOT = path.join(__dirname, "..");

const processIo: Io = { out: (t) => process.stdout.write(t + "\n"), err: (t) => process.stderr.write(t + "\n") };

function chooseEnvironments(fleet: Fleet, names: readonly string[]): string[] {
    const known = fleet.environments.map((e) => e.spec.name);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
        throw new UserInputError(unknown.map((n) => `--env ${n}: ${fleet.file} has no environment '${n}' (it has ${known.join(", ")})`));
    }
    return [...names];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positive(value: string, flag: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new UserInputError([`${flag} takes a whole number of at least 1, not '${value}'`]);
    }
    return n;
}

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

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
    const program = new Command("vss-fleet")
        .description("VSS-consistent EBS snapshots for Windows fleets on AWS: validate, plan and apply a fleet manifest.")
        .exitOverride()
        .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
        .showSuggestionAfterError();

    program
        .command("validate")
        .description("Check a fleet manifest; every problem is reported as file:line:col: key: problem.")
        .argument("<manifest>", "the fleet manifest (YAML)")
        .option("--json", 'print {"ok":true,"environments":[...names]} (for a CI matrix)')
        .action((manifest: string, options: { json?: boolean }) => {
            const names = loadManifest(manifest).environments.map((e) => e.spec.name);
            io.out(
                options.json
                    ? JSON.stringify({ ok: true, environments: names })
                    : `${manifest}: valid, ${names.length} environment(s): ${names.join(", ")}`,
            );
            setExit(EXIT.ok);
        });

    program
        .command("plan")
        .description("Plan every environment offline: the real program under mocks, then the policy pack.")
        .argument("<manifest>", "the fleet manifest (YAML)")
        .option("--offline", "plan without credentials or the Pulumi CLI (required: the live path is the GitOps driver)")
        .option(
            "--inventory <file>",
            "existing instances: the JSON of 'aws ec2 describe-instances --output json' (repeatable)",
            collect,
            [],
        )
        .option("--env <name>", "only this environment (repeatable)", collect, [])
        .addOption(new Option("--json", "print exactly one JSON object on stdout").conflicts("format"))
        .addOption(new Option("--format <format>", "output format").choices(["text", "markdown"]).default("text"))
        .action(
            async (
                manifest: string,
                options: { offline?: boolean; inventory: string[]; env: string[]; json?: boolean; format: string },
            ) => {
                if (!options.offline) {
                    throw new UserInputError([
                        "plan needs --offline: it plans without credentials; the live path (Pulumi preview) is not part of this command",
                    ]);
                }
                const fleet = loadManifest(manifest);
                const environments = chooseEnvironments(fleet, options.env);
                const inventory = loadInventoryFiles(options.inventory);
                const plan = await planFleet(fleet, inventory, { environments });
                io.out(options.json ? toJson(plan) : options.format === "markdown" ? toMarkdown(plan, manifest) : toText(plan, manifest));
                setExit(plan.ok ? EXIT.ok : EXIT.violations);
            },
        );

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
            .option("--yes", "confirm a destroy")
            .option("--project-dir <dir>", "the vss-fleet project (Pulumi.yaml, stacks/, policies/)", PROJECT_ROOT)
            .addOption(new Option("--json", "print exactly one JSON object on stdout").conflicts("format"))
            .addOption(new Option("--format <format>", "summary format").choices(["text", "markdown"]).default("text"))
            .action(async (manifest: string, options: DriverFlags) => {
                const fleet = loadManifest(manifest);
                const names = chooseEnvironments(fleet, options.env);
                const chosen = names.length ? fleet.environments.filter((e) => names.includes(e.spec.name)) : fleet.environments;
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
            chooseEnvironments(fleet, [options.env]);
            const env = fleet.environments.find((e) => e.spec.name === options.env);
            io.out(JSON.stringify(deployPolicy(env!.spec), null, 2));
            setExit(EXIT.ok);
        });

    program
        .command("schema")
        .description("Print the fleet manifest's JSON Schema (for yaml-language-server in editors).")
        .action(() => {
            io.out(JSON.stringify(manifestJsonSchema(), null, 2));
            setExit(EXIT.ok);
        });
    return program;
}

/** Runs the CLI and returns its exit code; it never throws for a user's mistake. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
    let code: number = EXIT.ok;
    const program = buildProgram(io, (c) => (code = c));
    try {
        await program.parseAsync([...argv], { from: "user" });
        return code;
    } catch (error) {
        if (error instanceof UserInputError) {
            io.err(error.message);
            return EXIT.invalidInput;
        }
        if (error instanceof CommanderError) {
            // Commander has printed its message; help and version are not errors.
            return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.help"
                ? EXIT.ok
                : EXIT.invalidInput;
        }
        throw error;
    }
}
