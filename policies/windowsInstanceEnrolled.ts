import type { StackValidationPolicy } from "@pulumi/policy";
import { enrollmentConfigSchema, type EnrollmentConfig } from "./policyConfig";
import { exemptionProblem, findExemption } from "./lib/exemptions";
import { windowsInstances } from "./lib/stackInstances";
import { formatTags, TagSetIndex, type NamedTagSet } from "./lib/tagIndex";
import { enrollmentTagSets } from "./lib/windowTargets";
import type { AmiResolver } from "./lib/windows";

export interface EnrollmentDependencies {
    /** Looks AMIs up (DescribeImages live; a fake offline). Undefined: AMIs are judged by config only. */
    readonly resolveAmis?: AmiResolver;
    readonly today?: () => Date;
}

/** Every Windows instance a stack creates carries the target tags of some backup environment. */
export function windowsInstanceEnrolled(deps: EnrollmentDependencies = {}): StackValidationPolicy {
    return {
        name: "windows-instance-enrolled",
        description: "Every Windows instance a stack creates carries the target tags of a backup environment, or is exempted.",
        enforcementLevel: "mandatory",
        configSchema: enrollmentConfigSchema,
        validateStack: async (args, reportViolation) => {
            const config = args.getConfig<EnrollmentConfig>();
            const today = deps.today?.() ?? new Date();
            for (const exemption of config.exemptions) {
                const problem = exemptionProblem(exemption, today);
                if (problem) {
                    reportViolation(problem);
                }
            }
            const sets: NamedTagSet[] = enrollmentTagSets(config.environments, args.resources);
            const index = new TagSetIndex(sets);
            for (const instance of await windowsInstances(args.resources, config, deps.resolveAmis)) {
                const { urn, name } = instance.resource;
                if (index.match(instance.tags()) || findExemption(config.exemptions, { urn, name }, today)) {
                    continue;
                }
                const options = sets.length
                    ? sets.map((set) => `${formatTags(set.tags)} (${set.owner})`).join(" or ")
                    : "the target tags of a backup environment (none is configured: set this policy's `environments`)";
                reportViolation(
                    `${instance.resource.type} ${name} is a Windows instance (${instance.reason}) that no backup environment selects. ` +
                        `Add the tags ${options}, or exempt it with a reason and an expiry date.`,
                    urn,
                );
            }
        },
    };
}
