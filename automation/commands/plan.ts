/**
 * `vss-fleet plan --offline`: every environment's program under Pulumi's mock runtime, then the policy
 * pack, without credentials or the Pulumi CLI. Without --offline it still refuses, as before: a live
 * plan is `vss-fleet preview` (the GitOps driver), and making --offline the default is a behaviour
 * change left out of the restructuring (issue 13).
 */
import { EXIT } from "../exitCodes";
import { UserInputError } from "../errors";
import { defineCommand } from "./command";
import { envFilter, fleetTag, flag, format, INSTANCES_JSON, jsonNotFormat, projectDir, repeatable } from "./options";
import { chooseEnvironments, progressOf } from "./shared";

export default defineCommand({
    name: "plan",
    description: "Plan every environment offline: the real program under mocks, then the policy pack.",
    examples: [
        "vss-fleet plan fleet.yaml --offline --inventory instances.json",
        "vss-fleet plan fleet.yaml --offline --env prod --format markdown",
        "vss-fleet plan fleet.yaml --offline --inventory instances.json --ssm ssm.json --iam iam.json",
    ],
    takesManifest: true,
    options: [
        flag("offline", "--offline", "plan without credentials or the Pulumi CLI (required: the live path is the GitOps driver)"),
        repeatable("inventory", "--inventory <file>", `existing instances: the JSON of ${INSTANCES_JSON} (repeatable)`),
        repeatable("ssm", "--ssm <file>", "preflight: 'aws ssm describe-instance-information --output json' (repeatable)"),
        repeatable("iam", "--iam <file>", "preflight: 'aws iam get-account-authorization-details --output json' (repeatable)"),
        envFilter,
        projectDir,
        fleetTag,
        flag("all", "--all", "text: list every finding of each policy (default: the first 10 per environment; --json has every one)"),
        jsonNotFormat,
        format("output format"),
    ],
    async run({ manifest, options, io }) {
        if (!options.offline) {
            throw new UserInputError([
                "plan needs --offline: it plans without credentials; the live path (Pulumi preview) is not part of this command",
            ]);
        }
        const { loadManifest } = await import("../manifest/load");
        const { loadInventoryFiles } = await import("../inventory/describeInstances");
        const { planFleet } = await import("../offline/engine");
        const { toJson, toMarkdown, toText } = await import("../output/formats");
        const { fleetNameIfKnown } = await import("./fleetName");
        // Tagged as the project's stacks would tag (its Pulumi.yaml name), when a project is at hand.
        const project = fleetNameIfKnown(options.projectDir, options.fleet);
        const fleet = loadManifest(manifest);
        const environments = chooseEnvironments(fleet, options.env).map((e) => e.spec.name);
        // With SSM or IAM facts, the inventory also carries profiles, roles and agents for the preflight policy.
        const preflight = options.ssm.length + options.iam.length > 0;
        const facts = preflight ? await import("../discover/awsFacts") : undefined;
        const inventory = facts
            ? facts.withFacts(
                  facts.loadInstanceFiles(options.inventory),
                  options.ssm.length > 0 ? facts.loadSsmFiles(options.ssm) : undefined,
                  options.iam.length > 0 ? facts.rolesByProfile(facts.loadIamFiles(options.iam)) : undefined,
              )
            : loadInventoryFiles(options.inventory);
        const done = progressOf(io, options.json, "planned");
        const plan = await planFleet(fleet, inventory, {
            environments,
            project,
            onEnvironment: done && ((p, n, total) => done(p.name, n, total)),
        });
        io.out(
            options.json
                ? toJson(plan)
                : options.format === "markdown"
                  ? toMarkdown(plan, manifest)
                  : toText(plan, manifest, options.all ? Infinity : undefined),
        );
        return plan.ok ? EXIT.ok : EXIT.violations;
    },
});
