/**
 * The vss-fleet CLI. Exit codes everywhere: 0 ok (advisories allowed), 1 mandatory violations or a
 * failed environment, 2 invalid input (manifest, inventory, flags). User errors print their problems,
 * never a stack trace, and nothing is applied.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, UserInputError } from "./errors";
import { loadInventoryFiles } from "./inventory/describeInstances";
import { loadManifest, type Fleet } from "./manifest/load";
import { manifestJsonSchema } from "./manifest/schema";
import { planFleet } from "./offline/engine";
import { toJson, toMarkdown, toText } from "./output/formats";

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

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

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
    const program = new Command("vss-fleet")
        .description("VSS-consistent EBS snapshots for Windows fleets on AWS: validate and plan a fleet manifest.")
        .exitOverride()
        .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
        .showSuggestionAfterError();

    program
        .command("validate")
        .description("Check a fleet manifest; every problem is reported as file:line:col: key: problem.")
        .argument("<manifest>", "the fleet manifest (YAML)")
        .action((manifest: string) => {
            const fleet = loadManifest(manifest);
            io.out(
                `${manifest}: valid, ${fleet.environments.length} environment(s): ${fleet.environments.map((e) => e.spec.name).join(", ")}`,
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
