/**
 * What an administrator applies once per environment, before the first deploy: the permissions
 * boundary every role of the environment carries. The deploy role can neither create nor change it
 * (that is the point), so vss-fleet prints it beside the deploy policy instead of deploying it.
 */
import {
    BOUNDARY_MAX_CHARACTERS,
    instanceSnapshotPolicy,
    permissionsBoundaryPolicy,
    type BoundaryPolicyInput,
    type PolicyDocument,
} from "../../components/iam";
import {
    BOUNDARY_PATH,
    boundaryPolicyArn,
    boundaryPolicyName,
    existingRolesPolicyArn,
    existingRolesPolicyName,
} from "../../components/naming";
import { lockedRegionRuleCommand, recycleBinDaysCommands } from "../../components/recycleBin";
import { lifecycleEnabled, partitionOf, type EnvironmentSpec } from "../../core/environment";
import { protectionConfig } from "../../core/lifecycle/functionConfig";
import { copyTargetBootstraps, type CopyTargetBootstrap } from "./copyTargetBootstrap";
import { deployPolicy } from "./deployRolePolicy";
import { UserInputError } from "../errors";
import { deployPolicyParts, policyChars, type DeployPolicyPart } from "./policyParts";
import { tamperWatch, type TamperWatch } from "./tamperWatch";

interface AdministratorPolicy {
    readonly path: string;
    readonly name: string;
    readonly arn: string;
    readonly policy: PolicyDocument;
}

interface ExistingRolesPolicy extends AdministratorPolicy {
    /** The AWS CLI call that creates it (also the last line of `apply`). */
    readonly create: string;
    /** The call that updates it after a vss-fleet upgrade changes the instance policy. */
    readonly update: string;
}

export interface Bootstrap {
    readonly environment: string;
    readonly boundary: AdministratorPolicy;
    /**
     * With existingInstanceRoleNames: the snapshot policy the stack attaches to those roles. They carry
     * no boundary, so the administrator, not the deploy role, owns what the policy grants.
     */
    readonly existingRolesPolicy?: ExistingRolesPolicy;
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
    /**
     * The Recycle Bin net the deploy role cannot loosen: a locked Region-level rule (AWS locks no
     * tag-level rule), and the calls that change recycleBinDays, which no deploy applies.
     */
    readonly recycleBin: { readonly lockedRule: string; readonly changeDays: string[] };
    /** Per destination account of a copy to another account: what its administrator and the source key's owner apply. */
    readonly copyTargets?: CopyTargetBootstrap[];
    /** The administrator's rule that reports the deploy role disabling its alarms or its window (docs/iam.md). */
    readonly tamperWatch: TamperWatch;
}

/** @param instances the instances the manifest enrolls, as for deployPolicy. */
export function bootstrap(spec: EnvironmentSpec, fleet: string, instances: readonly string[]): Bootstrap {
    const partition = partitionOf(spec.region);
    const name = boundaryPolicyName(spec.name);
    const arn = boundaryPolicyArn(partition, spec.accountId, spec.name);
    const existing = spec.existingInstanceRoleNames ? existingRolesPolicy(spec) : undefined;
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
            policy: boundaryThatFits(spec, fleet),
        },
        ...(existing ? { existingRolesPolicy: existing } : {}),
        deployPolicy: document,
        deployPolicies: parts,
        apply: [
            ...createOrUpdate(name, arn),
            ...parts.flatMap((part) => [
                `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${part.name} --policy-document file://${part.name}.json`,
                `aws iam attach-role-policy --role-name ${roleName} --policy-arn ${partArn(part.name)}`,
            ]),
            // Last, so apply[2:] still creates everything a first deploy needs; its update is existingRolesPolicy.update.
            ...(existing ? [existing.create] : []),
        ],
        recycleBin: {
            lockedRule: lockedRegionRuleCommand(spec.region, spec.recycleBinDays),
            changeDays: recycleBinDaysCommands(spec.region, spec.name, spec.recycleBinDays),
        },
        ...(copyTargets.length > 0 ? { copyTargets } : {}),
        tamperWatch: tamperWatch(spec.name, spec.region, spec.deployRoleArn),
    };
}

/** A role carries one boundary, and IAM refuses a managed policy past 6,144 characters: say so, and what to drop. */
function boundaryThatFits(spec: EnvironmentSpec, fleet: string): PolicyDocument {
    const policy = permissionsBoundaryPolicy(boundaryInput(spec, fleet));
    const size = policyChars(policy);
    if (size > BOUNDARY_MAX_CHARACTERS) {
        throw new UserInputError([
            `environment '${spec.name}': its permissions boundary is ${size.toLocaleString("en")} characters, more than the ` +
                `${BOUNDARY_MAX_CHARACTERS.toLocaleString("en")} IAM takes in a managed policy. It grows with copies (each ` +
                "destination region, account and key), lock, archive and logging: drop a copy destination or move it to a " +
                "second environment",
        ]);
    }
    return policy;
}

/** What the boundary caps: the same inputs the stack gives each of the environment's roles. */
export function boundaryInput(spec: EnvironmentSpec, fleet: string): BoundaryPolicyInput {
    const existingTopicArn = spec.notifications?.subscriptions?.find((s) => s.topicArn)?.topicArn;
    return {
        partition: partitionOf(spec.region),
        region: spec.region,
        accountId: spec.accountId,
        environment: spec.name,
        fleet,
        engine: spec.engine,
        targetTags: spec.targetTags,
        logging: spec.logging,
        notificationTopicArn: spec.notifications?.snsTopicArn,
        lifecycle: lifecycleEnabled(spec)
            ? {
                  existingTopicArn,
                  alertTopicKmsKeyArn: spec.alertTopicKmsKeyArn,
                  retention: spec.retention !== undefined,
                  restoreDrill: spec.restoreDrill !== undefined,
                  protection: protectionConfig(spec),
              }
            : undefined,
    };
}

/** The AWS CLI calls that create a policy in the administrator's path, then (after an upgrade) update it. */
function createOrUpdate(name: string, arn: string): string[] {
    const file = `${name}.json`;
    return [
        `aws iam create-policy --path ${BOUNDARY_PATH} --policy-name ${name} --policy-document file://${file}`,
        `aws iam create-policy-version --policy-arn ${arn} --policy-document file://${file} --set-as-default`,
    ];
}

/** The same document as the stack's own instance policy (SnapshotInstanceRole), in the administrator's path. */
function existingRolesPolicy(spec: EnvironmentSpec): ExistingRolesPolicy {
    const partition = partitionOf(spec.region);
    const name = existingRolesPolicyName(spec.name);
    const arn = existingRolesPolicyArn(partition, spec.accountId, spec.name);
    const [create, update] = createOrUpdate(name, arn);
    return {
        path: BOUNDARY_PATH,
        name,
        arn,
        create,
        update,
        policy: instanceSnapshotPolicy({
            partition,
            region: spec.region,
            accountId: spec.accountId,
            environment: spec.name,
            engine: spec.engine,
            logging: spec.logging,
        }),
    };
}
