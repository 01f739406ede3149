/**
 * Every way a stack can start EC2 instances, as one list of launch candidates: instances, spot
 * instance requests, Auto Scaling groups (launch template or launch configuration), EC2 Fleets, Spot
 * Fleet requests, and launch templates that nothing in the stack uses. Links between resources are
 * followed through the engine's property dependencies, which are known at preview (ids are not).
 *
 * Each launcher is judged by the tags its instances will carry, which is not always its own `tags`:
 * a spot request's and a fleet's tags stay on the request, a group's reach instances only with
 * propagateAtLaunch, a template's only through a tag specification for resourceType instance.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    items,
    propagatedTagsStrict,
    str,
    stringMap,
    stringMapStrict,
    templateInstanceTags,
    templateInstanceTagsStrict,
    templateStrayTags,
    unpropagatedTags,
} from "./launchTags";
import { isSet, known } from "./props";
import type { TagSet } from "./tagIndex";
import type { OsHints } from "./windows";

/** One thing in the stack that launches instances, with what the enrollment policies need of it. */
export interface StackInstance {
    readonly resource: PolicyResource;
    /**
     * The tags instances launched from it will carry (what window targets match on). Read strictly:
     * if they are unknown at preview the verdict is unknown too, and the policy becomes advisory.
     */
    readonly tags: () => TagSet;
    readonly hints: OsHints;
    /** What the resource does, for messages; "is a Windows instance" when absent. */
    readonly verb?: string;
    /** The part of the resource that launches Windows, when it has parts (a template, a launch specification). */
    readonly via?: string;
    /** Where the target tags must be written, when that is not the resource's own `tags`. */
    readonly where?: string;
    /** Tags the resource carries that never reach its instances, and why: a near-miss worth naming. */
    readonly stray?: { readonly tags: TagSet; readonly note: string };
}

export const TYPES = {
    instance: "aws:ec2/instance:Instance",
    spotRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    group: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    fleet: "aws:ec2/fleet:Fleet",
    spotFleet: "aws:ec2/spotFleetRequest:SpotFleetRequest",
    tag: "aws:ec2/tag:Tag",
} as const;

const LAUNCHES = "launches Windows instances";
type Props = Record<string, unknown>;

const propsOf = (r: PolicyResource) => r.props as Props;

/** Resources of `type` that `resource` takes through any of `keys`, once each. */
function linked(resource: PolicyResource, keys: readonly string[], type: string): PolicyResource[] {
    return [...new Set(keys.flatMap((k) => resource.propertyDependencies[k] ?? []))].filter((r) => r.type === type);
}

function templateHints(template: PolicyResource): OsHints {
    const props = propsOf(template);
    return { ami: str(known(() => props.imageId)), userData: str(known(() => props.userData)), tags: templateInstanceTags(props) };
}

/** An instance or spot request: its own AMI and user data win over its launch template's. */
function machineHints(props: Props, template: PolicyResource | undefined): OsHints {
    const fallback = template ? templateHints(template) : {};
    const own = (key: string) => (isSet(props, key) ? str(known(() => props[key])) : undefined);
    return {
        ami: isSet(props, "ami") ? own("ami") : fallback.ami,
        getPasswordData: known(() => props.getPasswordData) === true,
        userData: own("userData") ?? own("userDataBase64") ?? fallback.userData,
        tags: { ...fallback.tags, ...stringMap(known(() => props.tags)) },
    };
}

function fromInstance(instance: PolicyResource): StackInstance {
    const props = propsOf(instance);
    const template = linked(instance, ["launchTemplate"], TYPES.launchTemplate)[0];
    return {
        resource: instance,
        // Launched from a template, the instance gets the template's instance tags and its own on top.
        tags: () => ({ ...(template ? templateInstanceTagsStrict(propsOf(template)) : {}), ...stringMapStrict(props.tags) }),
        hints: machineHints(props, template),
    };
}

/** The tags an aws.ec2.Tag in the stack writes on the instance a spot request starts (resourceId: spotInstanceId). */
function writtenOnInstance(request: PolicyResource, resources: readonly PolicyResource[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const tag of resources.filter((r) => r.type === TYPES.tag && (r.propertyDependencies.resourceId ?? []).includes(request))) {
        const { key, value } = propsOf(tag);
        if (typeof key === "string" && typeof value === "string") {
            out[key] = value;
        }
    }
    return out;
}

function fromSpotRequest(request: PolicyResource, resources: readonly PolicyResource[]): StackInstance {
    const props = propsOf(request);
    return {
        resource: request,
        tags: () => writtenOnInstance(request, resources),
        hints: machineHints(props, linked(request, ["launchTemplate"], TYPES.launchTemplate)[0]),
        verb: "requests a Windows instance",
        where:
            "to the instance it starts, with aws.ec2.Tag resources whose resourceId is the request's spotInstanceId " +
            "(or launch it as aws.ec2.Instance with instanceMarketOptions instead)",
        stray: { tags: stringMap(known(() => props.tags)), note: "AWS does not copy a spot request's own tags to its instance." },
    };
}

function fromGroup(group: PolicyResource): StackInstance[] {
    const props = propsOf(group);
    const stray = {
        tags: unpropagatedTags(props),
        note: "The group sets them with propagateAtLaunch: false, so its instances never get them.",
    };
    const templates = linked(group, ["launchTemplate", "mixedInstancesPolicy"], TYPES.launchTemplate).map((template): StackInstance => ({
        resource: group,
        tags: () => ({ ...templateInstanceTagsStrict(propsOf(template)), ...propagatedTagsStrict(props) }),
        hints: templateHints(template),
        verb: LAUNCHES,
        via: `launch template ${template.name}`,
        where: "as group tags with propagateAtLaunch: true, or in the launch template's tagSpecifications for resourceType instance",
        stray,
    }));
    const configs = linked(group, ["launchConfiguration"], TYPES.launchConfiguration).map((config): StackInstance => {
        const c = propsOf(config);
        return {
            resource: group,
            tags: () => propagatedTagsStrict(props),
            hints: { ami: str(known(() => c.imageId)), userData: str(known(() => c.userData)) ?? str(known(() => c.userDataBase64)) },
            verb: LAUNCHES,
            via: `launch configuration ${config.name}`,
            where: "as group tags with propagateAtLaunch: true (a launch configuration carries no tags)",
            stray,
        };
    });
    return [...templates, ...configs];
}

/** EC2 Fleet and Spot Fleet: instances get tags only from each template (or a spot fleet's launch specification). */
function fromFleet(fleet: PolicyResource): StackInstance[] {
    const props = propsOf(fleet);
    const stray = {
        tags: stringMap(known(() => props.tags)),
        note: "The fleet's own tags stay on the fleet request; instances get tags only from what launches them.",
    };
    const templates = linked(fleet, ["launchTemplateConfigs"], TYPES.launchTemplate).map((template): StackInstance => ({
        resource: fleet,
        tags: () => templateInstanceTagsStrict(propsOf(template)),
        hints: templateHints(template),
        verb: LAUNCHES,
        via: `launch template ${template.name}`,
        where: `in launch template ${template.name}'s tagSpecifications for resourceType instance`,
        stray,
    }));
    const specifications = items(props, "launchSpecifications").map((spec, i): StackInstance => ({
        resource: fleet,
        tags: () => stringMapStrict((props.launchSpecifications as Props[])[i].tags),
        hints: { ami: str(known(() => spec.ami)), userData: str(known(() => spec.userData)), tags: stringMap(known(() => spec.tags)) },
        verb: LAUNCHES,
        via: `launchSpecifications[${i}]`,
        where: `in launchSpecifications[${i}].tags`,
        stray,
    }));
    return [...templates, ...specifications];
}

function fromTemplate(template: PolicyResource): StackInstance {
    return {
        resource: template,
        tags: () => templateInstanceTagsStrict(propsOf(template)),
        hints: templateHints(template),
        verb: LAUNCHES,
        where: "in its tagSpecifications for resourceType instance",
        stray: {
            tags: templateStrayTags(propsOf(template)),
            note: "The template's own tags, and tag specifications for other resource types, never reach its instances.",
        },
    };
}

/** Every launch candidate in the stack; a launch template is judged on its own only when nothing in the stack uses it. */
export function launchCandidates(resources: readonly PolicyResource[]): StackInstance[] {
    const launchers = new Set<string>([TYPES.instance, TYPES.spotRequest, TYPES.group, TYPES.fleet, TYPES.spotFleet]);
    const used = new Set(
        resources
            .filter((r) => launchers.has(r.type))
            .flatMap((r) => Object.values(r.propertyDependencies).flat())
            .filter((r) => r.type === TYPES.launchTemplate),
    );
    return resources.flatMap((r): StackInstance[] => {
        switch (r.type) {
            case TYPES.instance:
                return [fromInstance(r)];
            case TYPES.spotRequest:
                return [fromSpotRequest(r, resources)];
            case TYPES.group:
                return fromGroup(r);
            case TYPES.fleet:
            case TYPES.spotFleet:
                return fromFleet(r);
            case TYPES.launchTemplate:
                return used.has(r) ? [] : [fromTemplate(r)];
            default:
                return [];
        }
    });
}
