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
            // The deploy role may not rewrite a trust policy; a fixed name must go before its replacement comes.
            { ...child, replaceOnChanges: ["assumeRolePolicy"], deleteBeforeReplace: true },
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
 * The copy-target roles of an environment's stack: one per destination account that names a
 * deployRoleArn, each through its own provider that assumes that role and refuses any other account.
 * A destination account without one is left to its administrator (`vss-fleet deploy-policy --bootstrap`).
 */
export function copyTargetsInStack(
    targets: readonly (CopyTargetInput & { readonly deployRoleArn?: string })[],
    tags: Record<string, string>,
): CopyTargetAccess[] {
    return targets.flatMap((target) => {
        if (!target.deployRoleArn) {
            return [];
        }
        const name = childName(target.environment, `copy-target-${target.destinationAccountId}`);
        const provider = new aws.Provider(childName(name, "aws"), {
            // IAM is global; the region only serves the provider's own calls.
            region: target.destinations[0].region as aws.Region,
            allowedAccountIds: [target.destinationAccountId],
            assumeRoles: [{ roleArn: target.deployRoleArn, sessionName: `vss-fleet-${target.environment}-copy-target` }],
        });
        return [new CopyTargetAccess(name, { target, tags }, { provider })];
    });
}
