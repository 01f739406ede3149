/**
 * The safety net AWS provides: a Recycle Bin retention rule per environment. Every EBS snapshot
 * tagged with the environment that is deleted, by the lifecycle function, by mistake or by an
 * attacker, stays recoverable (`aws rbin` / the EC2 console) for `retentionDays`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_TAG_KEY } from "../core/environment/tags";

/** The rule's arguments: tag-scoped to the environment's snapshots (a pure function, tested directly). */
export function recycleBinRuleArgs(environment: string, retentionDays: number): aws.rbin.RuleArgs {
    return {
        description: `vss-fleet ${environment}: deleted snapshots of the environment stay recoverable for ${retentionDays} days.`,
        resourceType: "EBS_SNAPSHOT",
        // The rule retains snapshots carrying ANY of these tags: one tag, the environment, keeps it to the fleet's.
        resourceTags: [{ resourceTagKey: ENVIRONMENT_TAG_KEY, resourceTagValue: environment }],
        retentionPeriod: { retentionPeriodValue: retentionDays, retentionPeriodUnit: "DAYS" },
    };
}

export function recycleBinRule(
    name: string,
    environment: string,
    retentionDays: number,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>>,
    opts: pulumi.CustomResourceOptions,
): aws.rbin.Rule {
    return new aws.rbin.Rule(name, { ...recycleBinRuleArgs(environment, retentionDays), tags }, opts);
}
