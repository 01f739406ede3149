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

export interface Bootstrap {
    readonly environment: string;
    readonly boundary: { readonly path: string; readonly name: string; readonly arn: string; readonly policy: PolicyDocument };
    readonly deployPolicy: PolicyDocument;
    /** The AWS CLI calls an administrator runs, in order (the second one after a vss-fleet upgrade that changes the boundary). */
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
        deployPolicy: deployPolicy(spec, instances),
        apply: [
            `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${name} --policy-document file://${file}`,
            `aws iam create-policy-version --policy-arn ${arn} --policy-document file://${file} --set-as-default`,
        ],
        ...(copyTargets.length > 0 ? { copyTargets } : {}),
    };
}
