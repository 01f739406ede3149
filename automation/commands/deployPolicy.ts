/**
 * `vss-fleet deploy-policy`: the least-privilege IAM policy of the role that deploys one environment;
 * with --bootstrap, also the permissions boundary an administrator applies once (docs/iam.md).
 */
import { UserInputError } from "../errors";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { envFilter, fleetTag, flag, json, optionalText, projectDir } from "./options";
import { oneEnvironment } from "./shared";

export default defineCommand({
    name: "deploy-policy",
    description: "Print the least-privilege IAM policy for the role that deploys an environment.",
    examples: [
        "vss-fleet deploy-policy fleet.yaml --env prod > deploy-policy.json",
        "vss-fleet deploy-policy fleet.yaml --env prod --bootstrap > bootstrap.json",
        "vss-fleet deploy-policy fleet.yaml --env prod --bootstrap --role-name vss-fleet-deploy-prod --out-dir bootstrap-prod",
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
        optionalText(
            "roleName",
            "--role-name <name>",
            "with --bootstrap: the deploy role's name (default: from the environment's deployRoleArn), in the apply calls and the script",
        ),
        optionalText(
            "outDir",
            "--out-dir <dir>",
            `with --bootstrap: write the policy documents, the role's trust and bootstrap.sh (the AWS CLI calls an administrator runs) into <dir>`,
        ),
        fleetTag,
        projectDir,
        json,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        // The output is one JSON document with or without --json (accepted, as on every command that prints a result).
        const env = oneEnvironment(loadManifest(manifest), options.env, "deploy-policy");
        if (!options.bootstrap && (options.roleName !== undefined || options.outDir !== undefined)) {
            throw new UserInputError([
                `${options.outDir !== undefined ? "--out-dir" : "--role-name"} goes with --bootstrap: add --bootstrap`,
            ]);
        }
        if (options.bootstrap) {
            const { bootstrap } = await import("../driver/bootstrap");
            const { resolveFleetName } = await import("./fleetName");
            const fleetName = resolveFleetName(options.projectDir, options.fleet);
            const { bootstrapFiles, deployRoleOf, SCRIPT_NAME, writeBootstrapFiles } = await import("../driver/bootstrapScript");
            const needRole = options.roleName !== undefined || options.outDir !== undefined;
            const role = needRole ? deployRoleOf(env.spec, options.roleName) : undefined;
            // The role's ARN in the spec names it in the apply calls, instead of a placeholder.
            const spec = role ? { ...env.spec, deployRoleArn: role.arn } : env.spec;
            const plan = bootstrap(spec, fleetName, env.instances);
            if (options.outDir === undefined || !role) {
                io.out(JSON.stringify(plan, null, 2));
                return EXIT.ok;
            }
            const written = writeBootstrapFiles(options.outDir, bootstrapFiles(spec, plan, role));
            const script = written.find((f) => f.endsWith(SCRIPT_NAME)) ?? SCRIPT_NAME;
            io.out(
                [
                    ...written.map((f) => `wrote ${f}`),
                    "",
                    `An administrator of account ${spec.accountId} reads and runs it (AWS CLI, their own credentials):`,
                    `  bash ${script}`,
                    `Then give environment '${spec.name}' deployRoleArn: ${role.arn} in the manifest (if it has none) and render.`,
                    ...(plan.copyTargets
                        ? [
                              "The copy targets' accounts have their own bootstrap: see .copyTargets of --bootstrap without --out-dir (docs/copies.md).",
                          ]
                        : []),
                ].join("\n"),
            );
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
