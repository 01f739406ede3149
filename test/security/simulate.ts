/**
 * One request through IAM's whole evaluation (@cloud-copilot/iam-simulate): the principal's identity
 * policies, its permissions boundary, the resource's policy and the organization's SCPs.
 */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../components/iam";
import type { Decision } from "../iamSimulation";

export interface Request {
    /** The caller: a role ARN, or an assumed-role session ARN. */
    readonly principal: string;
    readonly identityPolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
    readonly boundary?: PolicyDocument;
    readonly resourcePolicy?: PolicyDocument;
    readonly scps?: readonly PolicyDocument[];
    readonly action: string;
    readonly resource: string;
    /** The account that owns the resource; default the principal's. */
    readonly resourceAccount?: string;
    readonly context?: Record<string, string | string[]>;
}

const asJson = (policy: PolicyDocument) => policy as unknown as Record<string, unknown>;

export async function simulate(request: Request): Promise<Decision> {
    const principalAccount = request.principal.split(":")[4];
    const response = await runSimulation(
        {
            identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: asJson(p.policy) })),
            permissionBoundaryPolicies: request.boundary ? [{ name: "boundary", policy: asJson(request.boundary) }] : undefined,
            resourcePolicy: request.resourcePolicy ? asJson(request.resourcePolicy) : undefined,
            serviceControlPolicies: request.scps
                ? [
                      { orgIdentifier: "r-root", policies: [{ name: "FullAWSAccess", policy: FULL_ACCESS }] },
                      {
                          orgIdentifier: principalAccount,
                          policies: [
                              ...request.scps.map((p, i) => ({ name: `scp-${i}`, policy: asJson(p) })),
                              { name: "FullAWSAccess", policy: FULL_ACCESS },
                          ],
                      },
                  ]
                : [],
            resourceControlPolicies: [],
            request: {
                principal: request.principal,
                action: request.action,
                resource: { resource: request.resource, accountId: request.resourceAccount ?? principalAccount },
                contextVariables: request.context ?? {},
            },
        },
        {},
    );
    if (response.resultType === "error") {
        assert.fail(`simulation error for ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
    }
    return (response as { overallResult: Decision }).overallResult;
}

const FULL_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
