/**
 * `vss-fleet guardrails`: the service control policy an organization attaches where vss-fleet runs,
 * so that only the fleet's own roles can write the tags retention and verify trust (docs/iam.md).
 * The fleet's roles are recognised by their IAM path in every account; given the manifest, the roles
 * it lists under existingInstanceRoleNames (outside that path) may write their snapshots' tags too.
 */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { UserInputError } from "../errors";
import { choice, json, repeatable } from "./options";

/** AWS refuses a service control policy of more than 5120 characters. */
export const SCP_MAX_CHARACTERS = 5120;

export default defineCommand({
    name: "guardrails",
    description:
        "Print the service control policy (JSON) that keeps the vss-fleet:*, AwsVssConfig and AppConsistent tags to the fleet's own roles; attach it before enabling retention.",
    examples: [
        "vss-fleet guardrails > vss-fleet-guardrails.json",
        "vss-fleet guardrails fleet.yaml > vss-fleet-guardrails.json",
        "vss-fleet guardrails --partition aws-us-gov",
    ],
    takesManifest: false,
    operand: {
        name: "manifest",
        description: "the fleet manifest: the roles its environments list under existingInstanceRoleNames may tag their own snapshots",
    },
    options: [
        choice("partition", "--partition <partition>", "the AWS partition of the organization", ["aws", "aws-cn", "aws-us-gov"], "aws"),
        repeatable(
            "enroller",
            "--enroller <role-arn>",
            "with the manifest: a role (besides the environments' deployRoleArn) that may write or remove target tags on instances, e.g. whoever runs `discover --write-enrollment create-tags` lines (repeatable)",
        ),
        // The policy is one JSON document already: --json is accepted, as on every command that prints a result.
        json,
    ],
    async run({ operand, options, io }) {
        const { guardrailPolicy } = await import("../../components/iam/guardrails");
        const roles = operand ? await existingInstanceRoleArns(operand, options.partition) : [];
        const targets = operand ? await targetTagGuard(operand, options.enroller) : undefined;
        for (const name of targets?.withoutDeployRole ?? []) {
            // Not an error: the role may be among --enroller, and an environment may enroll by people only.
            io.err(
                `note: environment '${name}' names no deployRoleArn: under this SCP its stack may write its target tags ` +
                    "only if its deploy role is given as --enroller <role-arn> (or set deployRoleArn in the manifest)",
            );
        }
        if (!operand && options.enroller.length > 0) {
            throw new UserInputError(["--enroller needs the manifest: it names who may write the manifest's target tags"]);
        }
        const text = JSON.stringify(guardrailPolicy(options.partition, roles, targets), null, 2);
        if (text.length > SCP_MAX_CHARACTERS) {
            // A programming error, not the user's: the policy grew past what AWS accepts.
            throw new Error(`the guardrail SCP has ${text.length} characters, more than AWS's ${SCP_MAX_CHARACTERS}`);
        }
        io.out(text);
        return EXIT.ok;
    },
});

/** arn:<partition>:iam::<account>:role<path><name> of every existingInstanceRoleNames entry of the manifest. */
async function existingInstanceRoleArns(manifest: string, partition: string): Promise<string[]> {
    const { loadManifest } = await import("../manifest/load");
    const { iamArn, splitRolePath } = await import("../../components/naming");
    const arns = loadManifest(manifest).environments.flatMap(({ spec }) =>
        (spec.existingInstanceRoleNames ?? []).map((entry) => {
            const { path, name } = splitRolePath(entry);
            return iamArn(partition, spec.accountId, "role", path, name);
        }),
    );
    return [...new Set(arns)];
}

const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Every environment's target tag keys, and who may write them: the deploy roles the manifest names, and --enroller. */
export async function targetTagGuard(
    manifest: string,
    enrollers: readonly string[],
): Promise<{ keys: string[]; enrollers: string[]; withoutDeployRole: string[] }> {
    const bad = enrollers.filter((arn) => !ROLE_ARN.test(arn));
    if (bad.length > 0) {
        throw new UserInputError(
            bad.map((arn) => `--enroller ${JSON.stringify(arn)}: must be an IAM role ARN, arn:aws:iam::<account>:role/<name>`),
        );
    }
    const { loadManifest } = await import("../manifest/load");
    const { DEFAULT_TARGET_TAG_KEY } = await import("../../core/environment");
    const specs = loadManifest(manifest).environments.map(({ spec }) => spec);
    const keys = specs.flatMap((spec) => (spec.targetTags ? Object.keys(spec.targetTags) : [DEFAULT_TARGET_TAG_KEY]));
    const deployRoles = specs.flatMap((spec) => (spec.deployRoleArn ? [spec.deployRoleArn] : []));
    return {
        keys: [...new Set(keys)].sort(),
        enrollers: [...new Set([...deployRoles, ...enrollers])],
        withoutDeployRole: specs.filter((spec) => !spec.deployRoleArn).map((spec) => spec.name),
    };
}
