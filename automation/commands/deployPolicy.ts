/**
 * `vss-fleet deploy-policy`: the least-privilege IAM policy of the role that deploys one environment;
 * with --bootstrap, also the permissions boundary an administrator applies once (docs/iam.md).
 */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { envFilter, fleetTag, flag, json, projectDir } from "./options";
import { oneEnvironment } from "./shared";

export default defineCommand({
    name: "deploy-policy",
    description: "Print the least-privilege IAM policy for the role that deploys an environment.",
    examples: [
        "vss-fleet deploy-policy fleet.yaml --env prod > deploy-policy.json",
        "vss-fleet deploy-policy fleet.yaml --env prod --bootstrap > bootstrap.json",
    ],
    takesManifest: true,
    options: [
        envFilter,
        flag(
            "bootstrap",
            "--bootstrap",
            "print {environment, boundary, deployPolicy, deployPolicies, apply}: the permissions boundary an administrator creates once, " +
                "before the first deploy, and the deploy policy as managed policies that fit IAM's size limit",
        ),
        fleetTag,
        projectDir,
        json,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        // The output is one JSON document with or without --json (accepted, as on every command that prints a result).
        const env = oneEnvironment(loadManifest(manifest), options.env, "deploy-policy");
        if (options.bootstrap) {
            const { bootstrap } = await import("../driver/bootstrap");
            const { resolveFleetName } = await import("./fleetName");
            const fleetName = resolveFleetName(options.projectDir, options.fleet);
            io.out(JSON.stringify(bootstrap(env.spec, fleetName, env.instances), null, 2));
            return EXIT.ok;
        }
        const { deployPolicy } = await import("../driver/deployRolePolicy");
        const { MANAGED_POLICY_MAX_CHARS, policyChars } = await import("../driver/policyParts");
        const document = deployPolicy(env.spec, env.instances);
        io.out(JSON.stringify(document, null, 2));
        const chars = policyChars(document);
        if (chars > MANAGED_POLICY_MAX_CHARS) {
            // The document is still the whole grant (for review and simulation); IAM will not take it as one managed policy.
            io.err(
                `note: this policy is ${chars.toLocaleString("en")} characters, more than the ${MANAGED_POLICY_MAX_CHARS.toLocaleString("en")} ` +
                    "of one managed policy: use --bootstrap, whose deployPolicies are the same grants in policies that fit",
            );
        }
        return EXIT.ok;
    },
});
