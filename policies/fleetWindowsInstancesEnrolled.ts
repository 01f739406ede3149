import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { fleetConfigSchema, type FleetConfig } from "./policyConfig";
import { exemptionProblem } from "./lib/exemptions";
import { classifyFleet } from "./lib/fleetClassification";
import { known } from "./lib/props";
import { formatTags } from "./lib/tagIndex";

/** Tags this stack writes on existing instances with aws.ec2.Tag, by instance id. */
export function stackWrittenTags(resources: readonly PolicyResource[]): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>();
    for (const tag of resources.filter((r) => r.type === "aws:ec2/tag:Tag")) {
        const props = tag.props as Record<string, unknown>;
        const [id, key, value] = [known(() => props.resourceId), known(() => props.key), known(() => props.value)];
        if (typeof id === "string" && typeof key === "string" && typeof value === "string") {
            out.set(id, { ...out.get(id), [key]: value });
        }
    }
    return out;
}

/** Existing Windows instances in an environment's scope are all backed up, tagged by the stack, or exempted. */
export function fleetWindowsInstancesEnrolled(deps: { readonly today?: () => Date } = {}): StackValidationPolicy {
    return {
        name: "fleet-windows-instances-enrolled",
        description: "Every existing Windows instance in the environment's account, region and scope is enrolled or exempted.",
        enforcementLevel: "mandatory",
        configSchema: fleetConfigSchema,
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<FleetConfig>();
            const env = config.environment;
            if (!env) {
                args.notApplicable("no environment is configured; the vss-fleet CLI generates this config for backup stacks");
                return;
            }
            const today = deps.today?.() ?? new Date();
            for (const exemption of config.exemptions) {
                const problem = exemptionProblem(exemption, today);
                if (problem) {
                    reportViolation(problem);
                }
            }
            const { unenrolled } = classifyFleet(config.inventory, env, stackWrittenTags(args.resources), config.exemptions, today);
            for (const instance of unenrolled) {
                const label = instance.name ? `${instance.instanceId} (${instance.name})` : instance.instanceId;
                reportViolation(
                    `Windows instance ${label} in ${env.accountId}/${env.region} is not backed up by environment ${env.name}. ` +
                        `Tag it ${formatTags(env.targetTags)}, list it under the environment's instances, or exempt it with a reason and an expiry date.`,
                );
            }
        },
    };
}
