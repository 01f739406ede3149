import type { StackValidationPolicy } from "@pulumi/policy";
import { enrollmentConfigSchema, type EnrollmentConfig } from "./policyConfig";
import { exemptionProblem, findExemption } from "./lib/exemptions";
import { windowsInstances } from "./lib/stackInstances";
import { unknownValueError } from "./lib/props";
import { formatTags, TagSetIndex, type NamedTagSet, type TagSet } from "./lib/tagIndex";
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
            let unknown: Error | undefined;
            for (const instance of await windowsInstances(args.resources, config, deps.resolveAmis)) {
                const { urn, name } = instance.resource;
                let tags: TagSet;
                try {
                    tags = instance.tags();
                } catch (error) {
                    // Judge every other launcher first; rethrown below, the unknown value still makes the verdict advisory.
                    unknown ??= unknownValueError(error);
                    continue;
                }
                if (index.match(tags) || findExemption(config.exemptions, { urn, name }, today)) {
                    continue;
                }
                const options = sets.length
                    ? sets.map((set) => `${formatTags(set.tags)} (${set.owner})`).join(" or ")
                    : "the target tags of a backup environment (none is configured: set this policy's `environments`)";
                const why = instance.via ? `${instance.via}: ${instance.reason}` : instance.reason;
                const where = instance.where ? ` ${instance.where}` : "";
                // A near miss (the right tags in a place that never reaches the instance) is named, so the fix is a move.
                const stray = instance.stray && index.match({ ...tags, ...instance.stray.tags }) ? ` ${instance.stray.note}` : "";
                reportViolation(
                    `${instance.resource.type} ${name} ${instance.verb ?? "is a Windows instance"} (${why}) that no backup environment selects. ` +
                        `Add the tags ${options}${where}, or exempt it with a reason and an expiry date.${stray}`,
                    urn,
                );
            }
            if (unknown) {
                throw unknown;
            }
        },
    };
}
