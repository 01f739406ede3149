/**
 * windows-instance-requires-imdsv2: a Windows instance the stack creates answers only IMDSv2
 * (metadataOptions.httpTokens = "required"). IMDSv1 hands the instance role's credentials to any
 * request that reaches 169.254.169.254, such as one relayed by a server-side request forgery, and
 * the instance role of a fleet member may create snapshots. Both snapshot engines already speak
 * IMDSv2, so requiring it costs the backups nothing. Advisory by default: existing stacks learn of
 * it before anything blocks.
 */
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { known, UNKNOWN } from "./lib/props";
import { windowsInstances } from "./lib/stackInstances";
import type { AmiResolver, WindowsDetectionConfig } from "./lib/windows";

export const IMDSV2_POLICY = "windows-instance-requires-imdsv2";

export const imdsv2ConfigSchema: PolicyConfigSchema = {
    properties: {
        windowsAmiIds: { type: "array", items: { type: "string" }, default: [] },
        nonWindowsAmiIds: { type: "array", items: { type: "string" }, default: [] },
        windowsAmiNamePatterns: { type: "array", items: { type: "string" }, default: ["^Windows_Server", "windows", "^EC2LaunchV2"] },
        resolveAmis: { type: "boolean", default: true, description: "Resolve AMIs with EC2 DescribeImages (needs credentials)." },
    },
};

/** Where the metadata options live: the instance itself, or the launch template an autoscaling group uses. */
function metadataSource(resource: PolicyResource): PolicyResource | undefined {
    if (resource.type === "aws:ec2/instance:Instance") {
        return resource;
    }
    return [...(resource.propertyDependencies.launchTemplate ?? []), ...(resource.propertyDependencies.mixedInstancesPolicy ?? [])].find(
        (r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate",
    );
}

/** httpTokens as written; UNKNOWN while the engine has yet to compute it (then nothing is judged). */
export function httpTokens(resource: PolicyResource): unknown {
    const source = metadataSource(resource);
    if (!source) {
        return UNKNOWN;
    }
    const options = known(() => (source.props as Record<string, unknown>).metadataOptions);
    if (options === UNKNOWN) {
        return UNKNOWN;
    }
    return options === undefined || options === null ? undefined : known(() => (options as Record<string, unknown>).httpTokens);
}

export function windowsInstanceRequiresImdsv2(deps: { readonly resolveAmis?: AmiResolver } = {}): StackValidationPolicy {
    return {
        name: IMDSV2_POLICY,
        description: "Windows instances the stack creates require IMDSv2 (metadataOptions.httpTokens = required).",
        enforcementLevel: "advisory",
        configSchema: imdsv2ConfigSchema,
        validateStack: async (args, reportViolation) => {
            const config = args.getConfig<WindowsDetectionConfig>();
            for (const instance of await windowsInstances(args.resources, config, deps.resolveAmis)) {
                const tokens = httpTokens(instance.resource);
                if (tokens === UNKNOWN || tokens === "required") {
                    continue;
                }
                const where = instance.resource.type === "aws:ec2/instance:Instance" ? "" : "launch template's ";
                const now = typeof tokens === "string" ? `is '${tokens}'` : "is not set, which leaves IMDSv1 on";
                reportViolation(
                    `${instance.resource.name} is a Windows instance (${instance.reason}) whose ${where}metadataOptions.httpTokens ${now}: ` +
                        "IMDSv1 gives the instance role's credentials to any request that reaches the metadata service. " +
                        'Set metadataOptions: { httpTokens: "required" }.',
                    instance.resource.urn,
                );
            }
        },
    };
}
