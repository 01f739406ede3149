/**
 * `vss-fleet plan --offline`: every environment's program under Pulumi's mock runtime, then the policy
 * pack, without credentials or the Pulumi CLI. Without --offline it still refuses, as before: a live
 * plan is `vss-fleet preview` (the GitOps driver), and making --offline the default is a behaviour
 * change left out of the restructuring (issue 13).
 */
import { EXIT } from "../exitCodes";
import { UserInputError } from "../errors";
import { defineCommand } from "./command";
import { envFilter, flag, format, INSTANCES_JSON, jsonNotFormat, repeatable } from "./options";
import { chooseEnvironments } from "./shared";

export default defineCommand({
    name: "plan",
    description: "Plan every environment offline: the real program under mocks, then the policy pack.",
    examples: [
        "vss-fleet plan fleet.yaml --offline --inventory instances.json",
        "vss-fleet plan fleet.yaml --offline --env prod --format markdown",
    ],
    takesManifest: true,
    options: [
        flag("offline", "--offline", "plan without credentials or the Pulumi CLI (required: the live path is the GitOps driver)"),
        repeatable("inventory", "--inventory <file>", `existing instances: the JSON of ${INSTANCES_JSON} (repeatable)`),
        envFilter,
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
        const fleet = loadManifest(manifest);
        const environments = chooseEnvironments(fleet, options.env).map((e) => e.spec.name);
        const inventory = loadInventoryFiles(options.inventory);
        const plan = await planFleet(fleet, inventory, { environments });
        io.out(options.json ? toJson(plan) : options.format === "markdown" ? toMarkdown(plan, manifest) : toText(plan, manifest));
        return plan.ok ? EXIT.ok : EXIT.violations;
    },
});
