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
    /** InstanceType, for the preflight's report. */
    readonly instanceType?: string;
    /**
     * Preflight facts (from `vss-fleet discover` or exported AWS CLI JSON); each is judged only when
     * present, so an inventory without them behaves as before.
     * The instance profile's ARN (IamInstanceProfile.Arn), or null when the instance has none.
     */
    readonly instanceProfileArn?: string | null;
    /** What the inventory knows of the instance profile's role. */
    readonly role?: InventoryRole;
    /** What SSM DescribeInstanceInformation says of it. */
    readonly ssm?: InventorySsm;
}

export interface InventoryRole {
    readonly name: string;
    /** Whether the role's policies allow ec2:CreateSnapshots (absent: not known). */
    readonly canSnapshot?: boolean;
    /** Whether AmazonSSMManagedInstanceCore (or an equivalent) is attached (absent: not known). */
    readonly ssmCore?: boolean;
}

export interface InventorySsm {
    /** False when DescribeInstanceInformation has no record of the instance: SSM does not manage it. */
    readonly registered: boolean;
    /** PingStatus: Online, ConnectionLost or Inactive. */
    readonly pingStatus?: string;
    readonly agentVersion?: string;
    /** PlatformType: Windows, Linux or MacOS. */
    readonly platformType?: string;
    /** LastPingDateTime, ISO 8601. */
    readonly lastPingDateTime?: string;
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
                    rootDeviceName: { type: "string" },
                    instanceType: { type: "string" },
                    instanceProfileArn: { type: ["string", "null"] },
                    role: {
                        type: "object",
                        required: ["name"],
                        properties: { name: { type: "string" }, canSnapshot: { type: "boolean" }, ssmCore: { type: "boolean" } },
                    },
                    ssm: {
                        type: "object",
                        required: ["registered"],
                        properties: {
                            registered: { type: "boolean" },
                            pingStatus: { type: "string" },
                            agentVersion: { type: "string" },
                            platformType: { type: "string" },
                            lastPingDateTime: { type: "string" },
                        },
                    },
                },
            },
        },
        exemptions,
    },
};
