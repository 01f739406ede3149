/**
 * Whose credentials an environment runs with: its deployRoleArn assumed when set (so one manifest
 * spans accounts), and a guard that refuses an environment whose effective account is not the
 * manifest's. The same credentials serve the driver's own SDK calls (inventory, STS).
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { traced } from "../awsFailure";
import type { EnvironmentSpec } from "../../core/environment";

export function credentialsFor(spec: EnvironmentSpec): ReturnType<typeof fromTemporaryCredentials> | undefined {
    return spec.deployRoleArn
        ? fromTemporaryCredentials({
              params: { RoleArn: spec.deployRoleArn, RoleSessionName: `vss-fleet-${spec.name}` },
              clientConfig: { region: spec.region },
          })
        : undefined;
}

export type StsFactory = (spec: EnvironmentSpec) => STSClient;

export const defaultSts: StsFactory = (spec) => traced(new STSClient({ region: spec.region, credentials: credentialsFor(spec) }));

/** Why the environment must not run with these credentials, or undefined when the account matches. */
export async function accountProblem(spec: EnvironmentSpec, makeSts: StsFactory = defaultSts): Promise<string | undefined> {
    const identity = await makeSts(spec).send(new GetCallerIdentityCommand({}));
    if (identity.Account !== spec.accountId) {
        return (
            `the credentials${spec.deployRoleArn ? ` (after assuming ${spec.deployRoleArn})` : ""} are for account ${identity.Account}, ` +
            `but the manifest says ${spec.accountId}; refusing to touch it`
        );
    }
    return undefined;
}
