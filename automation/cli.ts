/**
 * The vss-fleet CLI: builds commander's program from the command modules (automation/commands/, one
 * per command) and turns what they return or throw into an exit code (automation/exitCodes.ts). User
 * errors print their problems, never a stack trace, and nothing is applied.
 */
import { Command, CommanderError } from "commander";
import type { CommandDefinition } from "./commands/command";
import { COMMANDS } from "./commands";
import { type Io } from "./commands/shared";
import { awsFailureLine } from "./awsFailure";
import { UserInputError } from "./errors";
import { EXIT, exitCodeHelp } from "./exitCodes";
import { visible } from "./display";
import { errnoText, isErrno } from "./io/errno";
import { version } from "../package.json";

export type { Io } from "./commands/shared";

const processIo: Io = {
    out: (t) => process.stdout.write(t + "\n"),
    err: (t) => process.stderr.write(t + "\n"),
    interactive: process.stdin.isTTY === true,
};

function addCommand(program: Command, definition: CommandDefinition, io: Io, setExit: (code: number) => void): void {
    const command = program.command(definition.name).description(definition.description);
    if (definition.takesManifest) {
        command.argument("<manifest>", "the fleet manifest (YAML)");
    } else if (definition.operand) {
        command.argument(`[${definition.operand.name}]`, definition.operand.description);
    }
    for (const def of definition.options) {
        const option = def.build();
        if (option.attributeName() !== def.key) {
            throw new Error(`option ${option.flags} of ${definition.name} arrives as '${option.attributeName()}', not '${def.key}'`);
        }
        command.addOption(option);
    }
    command.addHelpText("after", ["", "Examples:", ...definition.examples.map((e) => `  $ ${e}`)].join("\n"));
    command.action(async (...args: unknown[]) => {
        // commander passes the argument (when there is one), then the options, then the command.
        const hasArgument = definition.takesManifest || definition.operand !== undefined;
        const manifest = definition.takesManifest ? (args[0] as string) : "";
        const operand = definition.operand ? (args[0] as string | undefined) : undefined;
        const options = (hasArgument ? args[1] : args[0]) as never;
        setExit(await definition.run({ manifest, operand, options, io }));
    });
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
    const program = new Command("vss-fleet")
        .description("VSS-consistent EBS snapshots for Windows fleets on AWS: validate, plan, apply and verify a fleet manifest.")
        .exitOverride()
        .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
        .version(version, "-V, --version", "print the version")
        .showSuggestionAfterError()
        .addHelpText("after", "\n" + exitCodeHelp());
    for (const definition of COMMANDS) {
        addCommand(program, definition, io, setExit);
    }
    return program;
}

/** Runs the CLI and returns its exit code; it never throws for a user's mistake. */
export async function main(argv: readonly string[], given: Io = processIo): Promise<number> {
    const io = unambiguous(given, argv);
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
        // Credentials missing or refused, throttled, access denied, an endpoint that is not AWS: the
        // environment could not be checked or changed. One line, as for every user-facing error (which
        // call, where, what came back, what to check); exit 1, not "invalid input".
        const aws = awsFailureLine(error);
        if (aws !== undefined) {
            io.err(`vss-fleet: ${aws}`);
            return EXIT.violations;
        }
        if (isErrno(error)) {
            // A file or folder the run needed and could not use (read-only, missing, a file where a
            // folder belongs): one line naming it, not a stack trace.
            io.err(`vss-fleet: ${error.path ? `${error.path}: ` : ""}${errnoText(error)} (${error.syscall ?? "file system"})`);
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

/**
 * What is printed shows hidden characters escaped (automation/display), so a name never looks like
 * another. JSON keeps its value (`\u200b` in a JSON string is the same string); --write-enrollment's
 * YAML and shell lines are data for other parsers and go out as they are.
 */
function unambiguous(io: Io, argv: readonly string[]): Io {
    const raw = argv.some((a) => a === "--write-enrollment" || a.startsWith("--write-enrollment="));
    return { ...io, out: raw ? io.out : (t) => io.out(visible(t)), err: (t) => io.err(visible(t)) };
}
