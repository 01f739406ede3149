/**
 * Is the Recycle Bin net in place? The stack creates a retention rule per environment for EBS
 * snapshots tagged with the environment (components/recycleBin.ts); `vss-fleet verify` asks Recycle
 * Bin (ListRules, filtered by that tag) whether such a rule exists in the account and region, and
 * says so when it does not: then a deleted snapshot of the environment is gone for good.
 */
import { z } from "zod";
import { ENVIRONMENT_TAG_KEY } from "../environment/tags";

/** `aws rbin list-rules --resource-type EBS_SNAPSHOT --resource-tags ... --output json`. */
export const listRulesSchema = z.looseObject({
    Rules: z
        .array(
            z.looseObject({
                Identifier: z.string(),
                Description: z.string().optional(),
                RetentionPeriod: z.looseObject({ RetentionPeriodValue: z.number(), RetentionPeriodUnit: z.string() }).optional(),
            }),
        )
        .default([]),
});
export type ListRulesOutput = z.infer<typeof listRulesSchema>;

export interface RecycleBinVerdict {
    /** False when verify had nothing to ask (offline without --recycle-bin). */
    readonly checked: boolean;
    /** Why it was not checked, when not for being offline (a failed call: the check is advisory, the run goes on). */
    readonly reason?: string;
    /** The rules that retain the environment's snapshots: "<id> (<n> days)". */
    readonly rules: string[];
}

/** The ListRules filter that finds the environment's rule. */
export function recycleBinQuery(environment: string) {
    return {
        ResourceType: "EBS_SNAPSHOT" as const,
        ResourceTags: [{ ResourceTagKey: ENVIRONMENT_TAG_KEY, ResourceTagValue: environment }],
    };
}

export function recycleBinVerdict(output: ListRulesOutput | undefined): RecycleBinVerdict {
    if (!output) {
        return { checked: false, rules: [] };
    }
    return {
        checked: true,
        rules: output.Rules.map((r) =>
            r.RetentionPeriod
                ? `${r.Identifier} (${r.RetentionPeriod.RetentionPeriodValue} ${r.RetentionPeriod.RetentionPeriodUnit.toLowerCase()})`
                : r.Identifier,
        ),
    };
}

export function recycleBinLine(environment: string, verdict: RecycleBinVerdict): string {
    if (!verdict.checked) {
        return `  recycle bin: not checked (${verdict.reason ?? "offline: pass --recycle-bin FILE"})`;
    }
    return verdict.rules.length > 0
        ? `  recycle bin: ${verdict.rules.join(", ")}`
        : `  WARNING recycle bin: no Recycle Bin rule retains snapshots tagged ${ENVIRONMENT_TAG_KEY}=${environment}; ` +
              "a deleted snapshot is gone for good (deploy the stack, which creates the rule)";
}
