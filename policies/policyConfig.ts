/**
 * Policy config: JSON Schemas (with the defaults the engine applies) and their types. The
 * environments' target tags are EnvironmentSpec targetTags; the CLI generates this config from the
 * fleet manifest, and users of other stacks write it by hand (see README).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Exemption } from "./lib/exemptions";
import type { TagSet } from "./lib/tagIndex";
import type { WindowsDetectionConfig } from "./lib/windows";

export interface EnvironmentTargets {
    readonly name: string;
    readonly targetTags: TagSet;
}

export interface EnrollmentConfig extends WindowsDetectionConfig {
    /** Every environment's target tags: an instance carrying all tags of one of them is enrolled. */
    readonly environments: readonly EnvironmentTargets[];
    readonly exemptions: readonly Exemption[];
}

/** One existing instance, from DescribeInstances or its exported JSON. */
export interface InventoryInstance {
    readonly instanceId: string;
    readonly accountId: string;
    readonly region: string;
    /** EC2's Platform field: "windows" for Windows, absent otherwise. */
    readonly platform?: string;
    readonly tags: TagSet;
    readonly name?: string;
    /** RootDeviceName, to tell the boot volume apart (excludeBootVolume). */
    readonly rootDeviceName?: string;
}

export interface FleetConfig {
    readonly environment?: EnvironmentTargets & { readonly accountId: string; readonly region: string; readonly scopeTags?: TagSet };
    readonly inventory: readonly InventoryInstance[];
    readonly exemptions: readonly Exemption[];
}

const tagMap: PolicyConfigJSONSchema = { type: "object", additionalProperties: { type: "string" } };

const exemptions: PolicyConfigJSONSchema = {
    type: "array",
    default: [],
    items: {
        type: "object",
        additionalProperties: false,
        properties: {
            instanceId: { type: "string", pattern: "^i-[0-9a-f]{8,17}$" },
            urn: { type: "string" },
            namePattern: { type: "string" },
            reason: { type: "string" },
            expires: { type: "string", description: "YYYY-MM-DD" },
        },
    },
};

const environments: PolicyConfigJSONSchema = {
    type: "array",
    default: [],
    items: {
        type: "object",
        required: ["name", "targetTags"],
        properties: { name: { type: "string" }, targetTags: tagMap },
    },
};

export const enrollmentConfigSchema: PolicyConfigSchema = {
    properties: {
        environments,
        exemptions,
        windowsAmiIds: { type: "array", items: { type: "string" }, default: [] },
        nonWindowsAmiIds: { type: "array", items: { type: "string" }, default: [] },
        windowsAmiNamePatterns: { type: "array", items: { type: "string" }, default: ["^Windows_Server", "windows", "^EC2LaunchV2"] },
        resolveAmis: { type: "boolean", default: true, description: "Resolve AMIs with EC2 DescribeImages (needs credentials)." },
    },
};

export const fleetConfigSchema: PolicyConfigSchema = {
    properties: {
        environment: {
            type: "object",
            required: ["name", "targetTags", "accountId", "region"],
            properties: {
                name: { type: "string" },
                targetTags: tagMap,
                accountId: { type: "string" },
                region: { type: "string" },
                scopeTags: tagMap,
            },
        },
        inventory: {
            type: "array",
            default: [],
            items: {
                type: "object",
                required: ["instanceId", "accountId", "region", "tags"],
                properties: {
                    instanceId: { type: "string" },
                    accountId: { type: "string" },
                    region: { type: "string" },
                    platform: { type: "string" },
                    tags: tagMap,
                    name: { type: "string" },
                },
            },
        },
        exemptions,
    },
};
