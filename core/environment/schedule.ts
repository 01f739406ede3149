/**
 * The SSM schedule grammar lives in the policy pack (policies/lib/ssmSchedule.ts), which must stay
 * self-contained for `pulumi policy publish`; the spec re-exports it, so there is one grammar.
 */
export * from "../../policies/lib/ssmSchedule";
