/** IAM decisions by simulation (@cloud-copilot/iam-simulate), for the tests of every policy we write. */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../components/iam";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** The decision for one request by `principal`; a request the simulator cannot evaluate fails the test. */
export async function decide(
    principal: string,
    policy: PolicyDocument,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
): Promise<Decision> {
    const accountId = principal.split(":")[4];
    const response = await runSimulation(
        {
            identityPolicies: [{ name: "under-test", policy: policy as unknown as Record<string, unknown> }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: { principal, action, resource: { resource, accountId }, contextVariables: context },
        } as Parameters<typeof runSimulation>[0],
        {},
    );
    if (response.resultType === "error") {
        assert.fail(`simulation error for ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult as Decision;
}
