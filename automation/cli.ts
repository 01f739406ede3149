/**
 * The vss-fleet CLI. Exit codes everywhere: 0 ok (advisories allowed), 1 mandatory violations, a failed
 * environment or an RPO breach, 2 invalid input (manifest, inventory, flags, a missing Pulumi CLI),
 * 3 drift found. User errors print their problems, never a stack trace, and nothing is applied.
 */
import { Command, CommanderError } from "commander";
import { registerDriverCommands } from "./commands/driver";
import { registerManifestCommands } from "./commands/manifest";
import { type Io } from "./commands/shared";
import { registerVerifyCommand } from "./commands/verify";
import { EXIT, UserInputError } from "./errors";

export type { Io } from "./commands/shared";

const processIo: Io = { out: (t) => process.stdout.write(t + "\n"), err: (t) => process.stderr.write(t + "\n") };

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
    const program = new Command("vss-fleet")
        .description("VSS-consistent EBS snapshots for Windows fleets on AWS: validate, plan, apply and verify a fleet manifest.")
        .exitOverride()
        .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
        .showSuggestionAfterError();
    for (const register of [registerManifestCommands, registerDriverCommands, registerVerifyCommand]) {
        register(program, io, setExit);
    }
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
        if (isAwsError(error)) {
            // Credentials missing or refused, throttled, access denied: the environment could not be
            // checked or changed. One line, as for every user-facing error; exit 1, not "invalid input".
            io.err(`vss-fleet: an AWS call failed: ${error.name}: ${error.message}`);
            return EXIT.violations;
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

/** Errors raised by the AWS SDK: service errors carry $metadata; credential errors are named for it. */
function isAwsError(error: unknown): error is Error {
    return error instanceof Error && ("$metadata" in error || /CredentialsProviderError|ProviderError|TokenProviderError/.test(error.name));
}
