/**
 * The options the commands share, defined once: each is an OptionDef whose key and value type the
 * command's `run()` sees (see ./command). Builders first, then the definitions commands use.
 */
import { Option } from "commander";
import type { OptionDef } from "./command";
import { collect, positive } from "./shared";

const def = <K extends string, T>(key: K, build: () => Option): OptionDef<K, T> => ({ key, build });

/** A boolean switch: true when given. */
export const flag = <K extends string>(key: K, flags: string, description: string, tune: (o: Option) => Option = (o) => o) =>
    def<K, boolean | undefined>(key, () => tune(new Option(flags, description)));

/** A `--no-<thing>` switch: true unless given. */
export const negatable = <K extends string>(key: K, flags: string, description: string) =>
    def<K, boolean>(key, () => new Option(flags, description));

/** A value that may be given any number of times, collected in order. */
export const repeatable = <K extends string>(key: K, flags: string, description: string) =>
    def<K, string[]>(key, () => new Option(flags, description).argParser(collect).default([]));

export const optionalText = <K extends string>(key: K, flags: string, description: string) =>
    def<K, string | undefined>(key, () => new Option(flags, description));

export const text = <K extends string>(key: K, flags: string, description: string, fallback: string) =>
    def<K, string>(key, () => new Option(flags, description).default(fallback));

export const requiredText = <K extends string>(key: K, flags: string, description: string) =>
    def<K, string>(key, () => new Option(flags, description).makeOptionMandatory());

export const wholeNumber = <K extends string>(key: K, flags: string, description: string, fallback: number) =>
    def<K, number>(key, () => new Option(flags, description).argParser((v: string) => positive(v, flags.split(" ")[0])).default(fallback));

export const choice = <K extends string, const C extends string>(
    key: K,
    flags: string,
    description: string,
    choices: readonly C[],
    fallback: C,
) => def<K, C>(key, () => new Option(flags, description).choices(choices).default(fallback));

// --- the shared definitions ---

export const envFilter = repeatable("env", "--env <name>", "only this environment (repeatable)");

/** One JSON object on stdout, for scripts; where a command also has --format, the two exclude each other. */
export const json = flag("json", "--json", "print exactly one JSON object on stdout");
export const jsonNotFormat = flag("json", "--json", "print exactly one JSON object on stdout", (o) => o.conflicts("format"));
export const format = (description: string) => choice("format", "--format <format>", description, ["text", "markdown"], "text");

export const INSTANCES_JSON = "'aws ec2 describe-instances --output json'";

export const parallel = wholeNumber("parallel", "--parallel <n>", "environments at once", 4);
// Both default to the current directory (the fleet repository a person or CI runs in), never to the
// installed package's folder: an installed vss-fleet lives in node_modules/, far from the fleet's files.
export const projectDir = text("projectDir", "--project-dir <dir>", "the fleet's Pulumi project (Pulumi.yaml, stacks/)", ".");
export const stacksDir = text("stacksDir", "--stacks-dir <dir>", "where the stack files live", "stacks");
/** Only an override: the fleet's name is its Pulumi project's (see ./fleetName), and --fleet must agree with it. */
export const fleetTag = optionalText(
    "fleet",
    "--fleet <name>",
    "the fleet tag on the snapshots; default and only allowed value: the name in --project-dir's Pulumi.yaml",
);
