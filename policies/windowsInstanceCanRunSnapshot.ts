import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { enrollmentConfigSchema, type EnrollmentConfig } from "./policyConfig";
import { actionCovers, allowStatements } from "./lib/iamStatements";
import { isSet, known } from "./lib/props";
import { windowsInstances } from "./lib/stackInstances";
import { TagSetIndex } from "./lib/tagIndex";
import { enrollmentTagSets } from "./lib/windowTargets";
import type { EnrollmentDependencies } from "./windowsInstanceEnrolled";

const SSM_CORE = /:iam::aws:policy\/AmazonSSMManagedInstanceCore$/;

/** Resources in `resources` that depend on `target` through `property`. */
function dependents(resources: readonly PolicyResource[], type: string, property: string, target: PolicyResource): PolicyResource[] {
    return resources.filter((r) => r.type === type && (r.propertyDependencies[property] ?? []).includes(target));
}

/** What a role in this stack is missing for Run Command to reach the instance and snapshot it. */
function roleGaps(resources: readonly PolicyResource[], role: PolicyResource): string[] {
    const attachments = dependents(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", role);
    const arns = attachments.map((a) => known(() => (a.props as Record<string, unknown>).policyArn));
    const managed = known(() => (role.props as Record<string, unknown>).managedPolicyArns);
    const hasCore = [...arns, ...(Array.isArray(managed) ? managed : [])].some((arn) => typeof arn === "string" && SSM_CORE.test(arn));
    const documents = [
        ...attachments.flatMap((a) => (a.propertyDependencies.policyArn ?? []).filter((p) => p.type === "aws:iam/policy:Policy")),
        ...dependents(resources, "aws:iam/rolePolicy:RolePolicy", "role", role),
    ].map((p) => known(() => (p.props as Record<string, unknown>).policy));
    const canSnapshot = documents.some((doc) =>
        allowStatements(doc).some((s) =>
            s.actions.some((a) => actionCovers(a, "ec2:CreateSnapshots") || actionCovers(a, "ec2:CreateSnapshot")),
        ),
    );
    return [...(hasCore ? [] : ["AmazonSSMManagedInstanceCore"]), ...(canSnapshot ? [] : ["a policy that allows ec2:CreateSnapshots"])];
}

/** An enrolled Windows instance that Run Command cannot reach is enrolled only on paper. */
export function windowsInstanceCanRunSnapshot(deps: EnrollmentDependencies = {}): StackValidationPolicy {
    return {
        name: "windows-instance-can-run-snapshot",
        description: "Enrolled Windows instances have an instance profile whose role can run the snapshot.",
        enforcementLevel: "mandatory",
        configSchema: enrollmentConfigSchema,
        validateStack: async (args, reportViolation) => {
            const config = args.getConfig<EnrollmentConfig>();
            const index = new TagSetIndex(enrollmentTagSets(config.environments, args.resources));
            for (const instance of await windowsInstances(args.resources, config, deps.resolveAmis)) {
                if (!index.match(instance.tags()) || instance.resource.type !== "aws:ec2/instance:Instance") {
                    continue; // unenrolled ones are windows-instance-enrolled's business
                }
                const { name, urn } = instance.resource;
                if (!isSet(instance.resource.props, "iamInstanceProfile")) {
                    reportViolation(
                        `${name} is enrolled for backups but has no IAM instance profile, so Run Command never reaches it. ` +
                            "Launch it with the environment's instance profile (stack output instanceProfileName).",
                        urn,
                    );
                    continue;
                }
                const profile = (instance.resource.propertyDependencies.iamInstanceProfile ?? []).find(
                    (r) => r.type === "aws:iam/instanceProfile:InstanceProfile",
                );
                const role = profile && (profile.propertyDependencies.role ?? []).find((r) => r.type === "aws:iam/role:Role");
                const gaps = role ? roleGaps(args.resources, role) : [];
                if (role && gaps.length > 0) {
                    reportViolation(
                        `${name} is enrolled for backups, but its instance profile's role ${role.name} lacks ${gaps.join(" and ")}. ` +
                            "Use the environment's instance profile, or attach the snapshot policy to this role.",
                        urn,
                    );
                }
            }
        },
    };
}
