/**
 * The safety net AWS provides: a Recycle Bin retention rule per environment. Every EBS snapshot
 * tagged with the environment that is deleted, by the lifecycle function, by mistake or by an
 * attacker, stays recoverable (`aws rbin` / the EC2 console) for `retentionDays`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_TAG_KEY } from "../core/environment/tags";

/**
 * Days an administrator waits after unlocking the Region-level rule before it can change: longer
 * than it takes to notice a compromised deploy role (AWS's minimum is 7).
 */
export const RECYCLE_BIN_UNLOCK_DELAY_DAYS = 7;

/**
 * AWS locks only Region-level rules (no resource tags, no exclusion tags), never a tag-level one like
 * the environment's, so the lock is a second rule, for every EBS snapshot of the account's region,
 * that an administrator creates (`deploy-policy --bootstrap`): whoever holds the deploy role cannot
 * shorten or delete it, and a snapshot the function deletes stays recoverable for `days`.
 */
export function lockedRegionRuleCommand(region: string, days: number): string {
    return (
        `aws rbin create-rule --region ${region} --resource-type EBS_SNAPSHOT ` +
        `--retention-period RetentionPeriodValue=${days},RetentionPeriodUnit=DAYS ` +
        `--lock-configuration 'UnlockDelay={UnlockDelayValue=${RECYCLE_BIN_UNLOCK_DELAY_DAYS},UnlockDelayUnit=DAYS}' ` +
        `--description 'vss-fleet: deleted EBS snapshots of this region stay recoverable for ${days} days (locked)'`
    );
}

/** The administrator's calls that change recycleBinDays: the environment's rule, then the locked one (unlock, wait, update, lock). */
export function recycleBinDaysCommands(region: string, environment: string, days: number): string[] {
    const retention = `--retention-period RetentionPeriodValue=${days},RetentionPeriodUnit=DAYS`;
    const own = `$(aws rbin list-rules --region ${region} --resource-type EBS_SNAPSHOT --resource-tags ResourceTagKey=${ENVIRONMENT_TAG_KEY},ResourceTagValue=${environment} --query 'Rules[0].Identifier' --output text)`;
    const locked = `$(aws rbin list-rules --region ${region} --resource-type EBS_SNAPSHOT --lock-state locked --query 'Rules[0].Identifier' --output text)`;
    return [
        `aws rbin update-rule --region ${region} --identifier "${own}" ${retention}`,
        `LOCKED_RULE="${locked}"`,
        `aws rbin unlock-rule --region ${region} --identifier "$LOCKED_RULE"`,
        `# wait ${RECYCLE_BIN_UNLOCK_DELAY_DAYS} days (the unlock delay), then:`,
        `aws rbin update-rule --region ${region} --identifier "$LOCKED_RULE" ${retention}`,
        `aws rbin lock-rule --region ${region} --identifier "$LOCKED_RULE" --lock-configuration 'UnlockDelay={UnlockDelayValue=${RECYCLE_BIN_UNLOCK_DELAY_DAYS},UnlockDelayUnit=DAYS}'`,
    ];
}

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
    // The deploy role may create the rule but never update or delete it (automation/driver/deployRolePolicy.ts):
    // a destroy leaves it, and a new recycleBinDays is an administrator's call (`deploy-policy --bootstrap`).
    return new aws.rbin.Rule(
        name,
        { ...recycleBinRuleArgs(environment, retentionDays), tags },
        { ...opts, retainOnDelete: true, ignoreChanges: ["retentionPeriod", "description"] },
    );
}
