/** `vss-fleet deploy-policy`: the least-privilege IAM policy of the role that deploys one environment. */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { requiredText } from "./options";
import { chooseEnvironments } from "./shared";

export default defineCommand({
    name: "deploy-policy",
    description: "Print the least-privilege IAM policy for the role that deploys an environment.",
    examples: ["vss-fleet deploy-policy fleet.yaml --env prod > deploy-policy.json"],
    takesManifest: true,
    options: [requiredText("env", "--env <name>", "the environment")],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const { deployPolicy } = await import("../driver/deployPolicy");
        const [env] = chooseEnvironments(loadManifest(manifest), [options.env]);
        io.out(JSON.stringify(deployPolicy(env.spec), null, 2));
        return EXIT.ok;
    },
});
