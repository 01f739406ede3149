/**
 * `vss-fleet guardrails`: the service control policy an organization attaches where vss-fleet runs,
 * so that only the fleet's own roles can write the tags retention and verify trust (docs/iam.md).
 * It needs no manifest: the fleet's roles are recognised by their IAM path in every account.
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
    examples: ["vss-fleet guardrails > vss-fleet-guardrails.json", "vss-fleet guardrails --partition aws-us-gov"],
    takesManifest: false,
    options: [
        choice("partition", "--partition <partition>", "the AWS partition of the organization", ["aws", "aws-cn", "aws-us-gov"], "aws"),
        // The policy is one JSON document already: --json is accepted, as on every command that prints a result.
        json,
    ],
    async run({ options, io }) {
        const { guardrailPolicy } = await import("../../components/iam/guardrails");
        const text = JSON.stringify(guardrailPolicy(options.partition), null, 2);
        if (text.length > SCP_MAX_CHARACTERS) {
            // A programming error, not the user's: the policy grew past what AWS accepts.
            throw new Error(`the guardrail SCP has ${text.length} characters, more than AWS's ${SCP_MAX_CHARACTERS}`);
        }
        io.out(text);
        return EXIT.ok;
    },
});
