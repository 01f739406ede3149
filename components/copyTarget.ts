/**
 * The copy-target role in a destination account (components/iam/copyTargetPolicy.ts says what it may
 * do and who may wear it). Deployed by the environment's own stack through a provider that assumes the
 * destination's deploy role (copies[].deployRoleArn), so one `pulumi up` keeps both sides in step.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { copyTargetRoleArn } from "../core/lifecycle/copies";
import { copyTargetPolicy, copyTargetTrustPolicy, type CopyTargetInput } from "./iam/copyTargetPolicy";
import { childName, rolePlacement } from "./naming";
import { recycleBinRule } from "./recycleBin";

export interface CopyTargetAccessArgs {
    /** The environment, its fleet, the source account and key, and the copies into this one destination account. */
    readonly target: CopyTargetInput;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The role's name: fixed, because the function computes its ARN (copyTargetRoleArn) rather than reading an output. */
export function copyTargetRoleName(environment: string): string {
    return childName(environment, "copy-target");
}

export class CopyTargetAccess extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    /** The ARN the lifecycle function assumes; equal to copyTargetRoleArn(partition, account, environment). */
    public readonly roleArn: string;

    constructor(name: string, args: CopyTargetAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:copies:CopyTargetAccess", name, {}, opts);
        const { target } = args;
        const child = { parent: this };
        this.roleArn = copyTargetRoleArn(target.partition, target.destinationAccountId, target.environment);
        this.role = new aws.iam.Role(
            childName(name, "role"),
            {
                name: copyTargetRoleName(target.environment),
                description: `vss-fleet ${target.environment}: the lifecycle function of ${target.sourceAccountId} copies good sets into this account and applies retention to them.`,
                assumeRolePolicy: JSON.stringify(copyTargetTrustPolicy(target)),
                // The destination account's path and boundary for the environment (an administrator applies the boundary).
                ...rolePlacement(target.partition, target.destinationAccountId, target.environment),
                tags: args.tags,
            },
            // The deploy role may neither rewrite a trust policy nor delete the role (only the vault's administrator
            // does, so the vault never depends on the source account's roles): destroy leaves the role in place,
            // and a new trust is the administrator's delete-role first (docs/copies.md).
            { ...child, replaceOnChanges: ["assumeRolePolicy"], deleteBeforeReplace: true, retainOnDelete: true },
        );
        new aws.iam.RolePolicy(
            childName(name, "permissions"),
            { role: this.role.id, policy: JSON.stringify(copyTargetPolicy(target)) },
            child,
        );
        this.registerOutputs({ roleArn: this.roleArn });
    }
}

/**
 * What an environment's stack creates in each destination account that names a deployRoleArn, through
 * providers that assume that role and refuse any other account: the copy-target role, and in each
 * destination region a Recycle Bin rule for the environment's copies. The rule is the vault's net
 * against the one thing IAM cannot stop: whoever wears the copy-target role may delete the
 * environment's copies (retention must), so a compromised source account could empty the vault; with
 * the rule, deleted copies stay recoverable there for recycleBinDays, and the role has no rbin rights.
 * A destination account without a deployRoleArn is left to its administrator (`deploy-policy --bootstrap`).
 */
export function copyTargetsInStack(
    targets: readonly (CopyTargetInput & { readonly deployRoleArn?: string })[],
    recycleBinDays: number,
    tags: Record<string, string>,
): CopyTargetAccess[] {
    return targets.flatMap((target) => {
        const deployRoleArn = target.deployRoleArn;
        if (!deployRoleArn) {
            return [];
        }
        const name = childName(target.environment, `copy-target-${target.destinationAccountId}`);
        const regions = [...new Set(target.destinations.map((d) => d.region))];
        const providers = regions.map(
            (region) =>
                new aws.Provider(childName(name, `${region}-aws`), {
                    region: region as aws.Region,
                    allowedAccountIds: [target.destinationAccountId],
                    assumeRoles: [{ roleArn: deployRoleArn, sessionName: `vss-fleet-${target.environment}-copy-target` }],
                }),
        );
        regions.forEach((region, i) =>
            recycleBinRule(childName(name, `${region}-recycle-bin`), target.environment, recycleBinDays, tags, { provider: providers[i] }),
        );
        // IAM is global: the first region's provider creates the role.
        return [new CopyTargetAccess(name, { target, tags }, { provider: providers[0] })];
    });
}
