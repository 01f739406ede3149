/** Commands on the manifest alone, offline: validate, plan, schema. */
import { Option, type Command } from "commander";
import { EXIT, UserInputError } from "../errors";
import { loadInventoryFiles } from "../inventory/describeInstances";
import { loadManifest } from "../manifest/load";
import { manifestJsonSchema } from "../manifest/schema";
import { planFleet } from "../offline/engine";
import { toJson, toMarkdown, toText } from "../output/formats";
import { chooseEnvironments, collect, type Io, type SetExit } from "./shared";

export function registerManifestCommands(program: Command, io: Io, setExit: SetExit): void {
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
                const environments = chooseEnvironments(fleet, options.env).map((e) => e.spec.name);
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
}
