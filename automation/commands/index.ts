/** Every vss-fleet command, in the order --help lists them. */
import apply from "./apply";
import type { CommandDefinition } from "./command";
import deployPolicy from "./deployPolicy";
import destroy from "./destroy";
import discover from "./discover";
import drift from "./drift";
import guardrails from "./guardrails";
import init from "./init";
import plan from "./plan";
import preview from "./preview";
import previewStacks from "./previewStacks";
import render from "./render";
import restore from "./restore";
import schema from "./schema";
import validate from "./validate";
import verify from "./verify";

export const COMMANDS: readonly CommandDefinition[] = [
    init,
    validate,
    plan,
    schema,
    preview,
    apply,
    drift,
    destroy,
    render,
    deployPolicy,
    guardrails,
    verify,
    restore,
    previewStacks,
    discover,
];
