/** The actors of the escalation suite: each environment's deploy role and the roles its stack created. */
import type { PolicyDocument } from "../../components/iam";
import { roleOf, type ResolvedEnvironment, type ResolvedRole } from "./resolvedFleet";
import type { Request } from "./simulate";

export const ACCOUNT = "111111111111";
export const FOREIGN_ACCOUNT = "999999999999";
export const OWN_INSTANCE = "i-0aaaaaaaaaaaaaaaa";
export const OTHER_INSTANCE = "i-0bbbbbbbbbbbbbbbb";
export const DATABASE_INSTANCE = "i-0dddddddddddddddd";
/** Listed under prod's `instances` in fleet.yaml: the stack enrolls it. */
export const ENROLLED_INSTANCE = "i-0cccccccccccccccc";
export const SNAPSHOT = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
export const instanceArn = (id: string, region = "us-east-1", account = ACCOUNT) => `arn:aws:ec2:${region}:${account}:instance/${id}`;

/** The pipeline role that deploys `env`, wearing exactly `vss-fleet deploy-policy --env <env>`. */
export function deployer(env: ResolvedEnvironment): Pick<Request, "principal" | "identityPolicies"> {
    return {
        principal: `arn:aws:iam::${env.spec.accountId}:role/vss-fleet-deploy-${env.spec.name}`,
        identityPolicies: [{ name: "deploy-policy", policy: env.deployPolicy }],
    };
}

/** A session of a role the stack created (an instance's credentials use the instance id as session name). */
export function session(role: ResolvedRole, sessionName: string, boundaries: ReadonlyMap<string, PolicyDocument>) {
    return {
        principal: `arn:aws:sts::${role.arn.split(":")[4]}:assumed-role/${role.name}/${sessionName}`,
        identityPolicies: role.policies,
        boundary: role.permissionsBoundary ? boundaries.get(role.permissionsBoundary) : undefined,
    };
}

export const instanceRole = (env: ResolvedEnvironment) => roleOf(env, `${env.spec.name}-instance-role`);
export const taskRole = (env: ResolvedEnvironment) => roleOf(env, `${env.spec.name}-task-role`);
export const lifecycleRole = (env: ResolvedEnvironment) => roleOf(env, `${env.spec.name}-lifecycle-role`);

/** Everything, as an attacker would write into a role's inline policy. */
export const STAR: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }],
};
