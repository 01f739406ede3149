import type { StackValidationPolicy } from "@pulumi/policy";
import { fleetConfigSchema, type FleetConfig } from "./policyConfig";
import { stackWrittenTags } from "./fleetWindowsInstancesEnrolled";
import { classifyFleet } from "./lib/fleetClassification";
import { preflightGaps } from "./lib/preflight";

/**
 * An enrolled instance that cannot actually be snapshotted (no profile, a role without the snapshot
 * permission, an agent SSM does not know) shows up here at plan time, not at the first nightly run.
 * Advisory by default: the facts come from an inventory that may be older than the fix; an environment
 * that trusts its inventory makes it mandatory (the CLI sets the level from the manifest).
 */
export function fleetEnrolledInstancesSnapshotReady(deps: { readonly today?: () => Date } = {}): StackValidationPolicy {
    return {
        name: "fleet-enrolled-instances-snapshot-ready",
        description: "Every enrolled Windows instance in the environment's inventory can be reached by SSM and snapshotted.",
        enforcementLevel: "advisory",
        configSchema: fleetConfigSchema,
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<FleetConfig>();
            const env = config.environment;
            if (!env) {
                args.notApplicable("no environment is configured; the vss-fleet CLI generates this config for backup stacks");
                return;
            }
            const today = deps.today?.() ?? new Date();
            const { enrolled } = classifyFleet(config.inventory, env, stackWrittenTags(args.resources), config.exemptions, today);
            for (const instance of enrolled) {
                const label = instance.name ? `${instance.instanceId} (${instance.name})` : instance.instanceId;
                for (const gap of preflightGaps(instance)) {
                    reportViolation(
                        `Windows instance ${label} in ${instance.accountId}/${instance.region} is enrolled in environment ${env.name} ` +
                            `but ${gap.problem}. ${gap.fix}`,
                    );
                }
            }
        },
    };
}
