/**
 * `vss-fleet guardrails`: the service control policy an organization attaches where vss-fleet runs,
 * so that only the fleet's own roles can write the tags retention and verify trust (docs/iam.md).
 * The fleet's roles are recognised by their IAM path in every account; given the manifest, the roles
 * it lists under existingInstanceRoleNames (outside that path) may write their snapshots' tags too.
 */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { choice, json } from "./options";

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
        // The policy is one JSON document already: --json is accepted, as on every command that prints a result.
        json,
    ],
    async run({ operand, options, io }) {
        const { guardrailPolicy } = await import("../../components/iam/guardrails");
        const roles = operand ? await existingInstanceRoleArns(operand, options.partition) : [];
        const text = JSON.stringify(guardrailPolicy(options.partition, roles), null, 2);
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
