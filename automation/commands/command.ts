/**
 * The one shape of a vss-fleet command (as in oclif, one module per command): a description, examples,
 * options drawn from the shared definitions in ./options, and `run()` returning the exit code.
 *
 * A command module imports only types and light modules at its top: what it needs to do its work
 * (Pulumi, the Automation API, the AWS SDK, the offline engine) is imported inside `run()`, so that
 * `vss-fleet --help` and `vss-fleet validate` load neither Pulumi nor the AWS SDK (issue 14 measures
 * start-up time).
 */
import type { Option } from "commander";
import type { Io } from "./shared";

/**
 * One option: the commander Option it builds, and under which key (commander's attribute name for
 * the flags, checked when the CLI is built) its value of type T arrives. T exists only for the type.
 */
export interface OptionDef<K extends string, T> {
    readonly key: K;
    readonly build: () => Option;
    /** Never set: carries the value's type, so option types are inferred, not written twice. */
    readonly valueType?: (value: T) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any option, whatever its value type
export type AnyOptionDef = OptionDef<string, any>;

/** The parsed options of a command: one property per definition, typed by it. */
export type OptionValues<D extends readonly AnyOptionDef[]> = {
    [O in D[number] as O["key"]]: O extends OptionDef<string, infer T> ? T : never;
};

export interface RunContext<D extends readonly AnyOptionDef[]> {
    /** The manifest argument ("" for a command that takes none). */
    readonly manifest: string;
    /** The optional argument of a command that declares `operand` (undefined when not given). */
    readonly operand?: string;
    readonly options: OptionValues<D>;
    readonly io: Io;
}

export interface CommandDefinition<D extends readonly AnyOptionDef[] = readonly AnyOptionDef[]> {
    readonly name: string;
    readonly description: string;
    /** Whole command lines, shown under the command's --help. */
    readonly examples: readonly string[];
    /** True when the command takes the fleet manifest as its one argument. */
    readonly takesManifest: boolean;
    /** An optional argument instead of the manifest, e.g. `init [dir]`: its name and help line. */
    readonly operand?: { readonly name: string; readonly description: string };
    readonly options: D;
    /** Does the work and returns the exit code (see EXIT_CODES); user mistakes throw UserInputError. */
    readonly run: (context: RunContext<D>) => Promise<number>;
}

/** Declares a command; the identity function that lets TypeScript infer the options' types from `options`. */
export function defineCommand<const D extends readonly AnyOptionDef[]>(definition: CommandDefinition<D>): CommandDefinition<D> {
    return definition;
}
