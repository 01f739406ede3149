/**
 * The Windows instances a stack creates, as the enrollment policies see them: aws.ec2.Instance, and
 * autoscaling groups with the launch template they use. Links between resources are followed through
 * the engine's dependency lists, which are known at preview (a template's id is not).
 */
import type { PolicyResource } from "@pulumi/policy";
import { known, UNKNOWN } from "./props";
import type { TagSet } from "./tagIndex";
import { windowsReason, type AmiResolver, type OsHints, type WindowsDetectionConfig } from "./windows";

export interface StackInstance {
    readonly resource: PolicyResource;
    /**
     * The tags instances launched from it will carry (what window targets match on). Read strictly:
     * if they are unknown at preview the verdict is unknown too, and the policy becomes advisory.
     */
    readonly tags: () => TagSet;
    readonly hints: OsHints;
}

const INSTANCE = "aws:ec2/instance:Instance";
const ASG = "aws:autoscaling/group:Group";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

function stringMap(value: unknown): Record<string, string> {
    if (value === UNKNOWN || typeof value !== "object" || value === null) {
        return {};
    }
    const out: Record<string, string> = {};
    for (const key of Object.keys(value)) {
        const v = known(() => (value as Record<string, unknown>)[key]);
        if (typeof v === "string") {
            out[key] = v;
        }
    }
    return out;
}

function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

function fromInstance(resource: PolicyResource): StackInstance {
    const props = resource.props as Record<string, unknown>;
    return {
        resource,
        tags: () => stringMap(props.tags),
        hints: {
            ami: str(known(() => props.ami)),
            getPasswordData: known(() => props.getPasswordData) === true,
            userData: str(known(() => props.userData)) ?? str(known(() => props.userDataBase64)),
            tags: stringMap(known(() => props.tags)),
        },
    };
}

/** A launch template's instance tags: tagSpecifications of resourceType "instance". */
function templateInstanceTags(template: PolicyResource): Record<string, string> {
    const specs = known(() => (template.props as Record<string, unknown>).tagSpecifications);
    if (!Array.isArray(specs)) {
        return {};
    }
    return Object.assign(
        {},
        ...specs.map((_, i) => {
            const spec = known(() => specs[i] as Record<string, unknown>);
            return spec !== UNKNOWN && known(() => spec.resourceType) === "instance" ? stringMap(known(() => spec.tags)) : {};
        }),
    );
}

/** Tags an autoscaling group propagates to the instances it launches. */
function propagatedTags(group: PolicyResource): Record<string, string> {
    const tags = known(() => (group.props as Record<string, unknown>).tags);
    const out: Record<string, string> = {};
    if (Array.isArray(tags)) {
        tags.forEach((_, i) => {
            const tag = known(() => tags[i] as Record<string, unknown>);
            if (tag !== UNKNOWN && known(() => tag.propagateAtLaunch) === true) {
                const key = str(known(() => tag.key));
                const value = str(known(() => tag.value));
                if (key !== undefined && value !== undefined) {
                    out[key] = value;
                }
            }
        });
    }
    return out;
}

function fromGroup(group: PolicyResource): StackInstance | undefined {
    const template = [
        ...(group.propertyDependencies.launchTemplate ?? []),
        ...(group.propertyDependencies.mixedInstancesPolicy ?? []),
    ].find((r) => r.type === LAUNCH_TEMPLATE);
    if (!template) {
        return undefined;
    }
    const props = template.props as Record<string, unknown>;
    const tags = { ...templateInstanceTags(template), ...propagatedTags(group) };
    return {
        resource: group,
        tags: () => tags,
        hints: { ami: str(known(() => props.imageId)), userData: str(known(() => props.userData)), tags },
    };
}

export function stackInstances(resources: readonly PolicyResource[]): StackInstance[] {
    const out: StackInstance[] = [];
    for (const resource of resources) {
        if (resource.type === INSTANCE) {
            out.push(fromInstance(resource));
        } else if (resource.type === ASG) {
            const group = fromGroup(resource);
            if (group) {
                out.push(group);
            }
        }
    }
    return out;
}

/** The stack's instances that are Windows, with the reason; the AMI resolver is asked once per AMI. */
export async function windowsInstances(
    resources: readonly PolicyResource[],
    config: WindowsDetectionConfig,
    resolver: AmiResolver | undefined,
): Promise<(StackInstance & { reason: string })[]> {
    const instances = stackInstances(resources);
    const amis = [...new Set(instances.map((i) => i.hints.ami).filter((a): a is string => a !== undefined))];
    const facts = config.resolveAmis !== false && resolver && amis.length > 0 ? await resolver(amis) : new Map();
    return instances.flatMap((instance) => {
        const reason = windowsReason(instance.hints, config, instance.hints.ami ? facts.get(instance.hints.ami) : undefined);
        return reason ? [{ ...instance, reason }] : [];
    });
}
