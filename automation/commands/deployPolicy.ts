/**
 * `vss-fleet deploy-policy`: the least-privilege IAM policy of the role that deploys one environment;
 * with --bootstrap, also the permissions boundary an administrator applies once (docs/iam.md).
 */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { fleetTag, flag, requiredText } from "./options";
import { chooseEnvironments } from "./shared";

export default defineCommand({
    name: "deploy-policy",
    description: "Print the least-privilege IAM policy for the role that deploys an environment.",
    examples: [
        "vss-fleet deploy-policy fleet.yaml --env prod > deploy-policy.json",
        "vss-fleet deploy-policy fleet.yaml --env prod --bootstrap > bootstrap.json",
    ],
    takesManifest: true,
    options: [
        requiredText("env", "--env <name>", "the environment"),
        flag(
            "bootstrap",
            "--bootstrap",
            "print {environment, boundary, deployPolicy, apply}: the permissions boundary an administrator creates once, before the first deploy",
        ),
        fleetTag,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const [env] = chooseEnvironments(loadManifest(manifest), [options.env]);
        if (options.bootstrap) {
            const { bootstrap } = await import("../driver/bootstrap");
            io.out(JSON.stringify(bootstrap(env.spec, options.fleet, env.instances), null, 2));
            return EXIT.ok;
        }
        const { deployPolicy } = await import("../driver/deployRolePolicy");
        io.out(JSON.stringify(deployPolicy(env.spec, env.instances), null, 2));
        return EXIT.ok;
    },
});
