/**
 * What an administrator applies once per environment, before the first deploy: the permissions
 * boundary every role of the environment carries. The deploy role can neither create nor change it
 * (that is the point), so vss-fleet prints it beside the deploy policy instead of deploying it.
 */
import { permissionsBoundaryPolicy, type PolicyDocument } from "../../components/iam";
import { BOUNDARY_PATH, boundaryPolicyArn, boundaryPolicyName } from "../../components/naming";
import { partitionOf, type EnvironmentSpec } from "../../core/environment";
import { protectionConfig } from "../../core/lifecycle/functionConfig";
import { copyTargetBootstraps, type CopyTargetBootstrap } from "./copyTargetBootstrap";
import { deployPolicy } from "./deployRolePolicy";
import { deployPolicyParts, type DeployPolicyPart } from "./policyParts";

export interface Bootstrap {
    readonly environment: string;
    readonly boundary: { readonly path: string; readonly name: string; readonly arn: string; readonly policy: PolicyDocument };
    readonly deployPolicy: PolicyDocument;
    /**
     * The deploy policy as managed policies that each fit IAM's 6,144 characters, under the boundary's
     * path, which the deploy role may not write: it cannot rewrite its own grants.
     */
    readonly deployPolicies: DeployPolicyPart[];
    /**
     * The AWS CLI calls an administrator runs, in order: the boundary (the second call after a vss-fleet
     * upgrade that changes it), then each deploy policy and its attachment to the deploy role.
     */
    readonly apply: string[];
    /** Per destination account of a copy to another account: what its administrator and the source key's owner apply. */
    readonly copyTargets?: CopyTargetBootstrap[];
}

/** @param instances the instances the manifest enrolls, as for deployPolicy. */
export function bootstrap(spec: EnvironmentSpec, fleet: string, instances: readonly string[]): Bootstrap {
    const partition = partitionOf(spec.region);
    const name = boundaryPolicyName(spec.name);
    const arn = boundaryPolicyArn(partition, spec.accountId, spec.name);
    const file = `${name}.json`;
    const copyTargets = copyTargetBootstraps(spec, fleet);
    const document = deployPolicy(spec, instances);
    const parts = deployPolicyParts(spec.name, document, instances.length);
    // The deploy role's name when the manifest names it; a placeholder the administrator fills in otherwise.
    const roleName = spec.deployRoleArn?.slice(spec.deployRoleArn.lastIndexOf("/") + 1) ?? "<deploy-role-name>";
    const partArn = (name: string) => `arn:${partition}:iam::${spec.accountId}:policy${BOUNDARY_PATH}${name}`;
    return {
        environment: spec.name,
        boundary: {
            path: BOUNDARY_PATH,
            name,
            arn,
            policy: permissionsBoundaryPolicy({
                partition,
                region: spec.region,
                accountId: spec.accountId,
                environment: spec.name,
                fleet,
                protection: protectionConfig(spec),
            }),
        },
        deployPolicy: document,
        deployPolicies: parts,
        apply: [
            `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${name} --policy-document file://${file}`,
            `aws iam create-policy-version --policy-arn ${arn} --policy-document file://${file} --set-as-default`,
            ...parts.flatMap((part) => [
                `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${part.name} --policy-document file://${part.name}.json`,
                `aws iam attach-role-policy --role-name ${roleName} --policy-arn ${partArn(part.name)}`,
            ]),
        ],
        ...(copyTargets.length > 0 ? { copyTargets } : {}),
    };
}
