import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "./naming";

export interface EnrolledInstancesArgs {
    /** Existing instances (by id) to enroll. */
    readonly instanceIds: readonly string[];
    /** The environment's target tags; each instance gets every one of them. */
    readonly targetTags: Readonly<Record<string, string>>;
}

/** One aws.ec2.Tag resource per tag per instance: its logical name, stable across runs. */
export function enrollmentTags(args: EnrolledInstancesArgs): { name: string; resourceId: string; key: string; value: string }[] {
    return args.instanceIds.flatMap((id) =>
        Object.entries(args.targetTags).map(([key, value]) => ({ name: `${id}-${key}`, resourceId: id, key, value })),
    );
}

/**
 * Enrolls existing instances by writing the environment's target tags on them. Each tag is its own
 * resource, so destroying the environment removes exactly the tags it wrote and nothing else.
 */
export class EnrolledInstances extends pulumi.ComponentResource {
    public readonly tags: aws.ec2.Tag[];

    constructor(name: string, args: EnrolledInstancesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:backup:EnrolledInstances", name, {}, opts);
        this.tags = enrollmentTags(args).map(
            (tag) =>
                new aws.ec2.Tag(
                    childName(name, tag.name),
                    { resourceId: tag.resourceId, key: tag.key, value: tag.value },
                    { parent: this },
                ),
        );
        this.registerOutputs({ count: this.tags.length });
    }
}
