/**
 * The aws-vss engine: AWS's own VSS provider. Step one installs or updates AwsVssComponents; step two
 * runs AWSEC2-CreateVssSnapshot, which freezes I/O (at most 10 s) and takes ONE multi-volume
 * CreateSnapshots call inside the freeze, so the EBS snapshots themselves are application-consistent
 * and are tagged AppConsistent=true on success.
 * Source: docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-vss-snapshots-ssm.html
 */
import { WINDOW_EXECUTION_TAG_KEY } from "../../core/lifecycle/provenance";
import { escapeRegExp, snapshotTagMap, vssTagString } from "./snapshotTags";
import { WINDOWS_ONLY, type CommandDocument, type DocumentContext, type DocumentParameter } from "./types";

const TRUE_FALSE = ["True", "False"] as const;
/**
 * SSM fills this in when the window sends the command. Of the pseudo-parameters, only the run's ids
 * reach a Run Command task: {{TARGET_ID}} and {{RESOURCE_ID}} (the instance id) are for Automation,
 * Lambda and Step Functions tasks only (SSM user guide, "Using pseudo parameters when registering
 * maintenance window tasks"), so the instance id cannot be passed this way.
 */
export const WINDOW_EXECUTION_ID = "{{WINDOW_EXECUTION_ID}}";
/**
 * One tag in AWSEC2-CreateVssSnapshot's format, restricted to the common AWS tag characters; the value
 * may also be the pseudo-parameter itself, in case SSM checks the pattern before it substitutes.
 */
const TAG_PAIR = `Key=[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128},Value=([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}|${escapeRegExp(WINDOW_EXECUTION_ID)})`;

function flag(value: boolean, description: string): DocumentParameter {
    return { type: "String", description, default: value ? "True" : "False", allowedValues: TRUE_FALSE };
}

/**
 * What the window's task passes the document: the same tags plus the window execution that took the
 * snapshot, so every aws-vss snapshot names its run from the moment it exists (provenance reads it,
 * and restore can pick one run's set). The document's own default stays without it, for manual runs.
 */
export function awsVssTaskParameters(context: DocumentContext): Record<string, string[]> {
    return { tags: [`${vssTagString(snapshotTagMap(context))};Key=${WINDOW_EXECUTION_TAG_KEY},Value=${WINDOW_EXECUTION_ID}`] };
}

export function awsVssDocument(context: DocumentContext): CommandDocument {
    const tags = vssTagString(snapshotTagMap(context));
    return {
        schemaVersion: "2.2",
        description: `vss-fleet ${context.environment}: application-consistent EBS snapshots of this instance through AWS VSS (AwsVssComponents).`,
        parameters: {
            ExcludeBootVolume: flag(context.vss.excludeBootVolume, "Leave the boot volume out of the snapshot set."),
            NoWriters: flag(context.vss.noWriters, "Exclude application VSS writers (the snapshots are then crash-consistent)."),
            CopyOnly: flag(context.vss.copyOnly, "Copy-only backup, so SQL Server's own differential chain is not broken."),
            SaveVssMetadata: flag(context.vss.saveVssMetadata, "Save VSS metadata files with the snapshots (needs writers)."),
            description: {
                type: "String",
                description: "Description written on every snapshot.",
                default: `vss-fleet ${context.fleet}/${context.environment}`,
                allowedPattern: "^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,255}$",
            },
            tags: {
                type: "String",
                // The environment/fleet/engine tags must stay first: the instance role may only create
                // snapshots that carry them, so the pattern keeps an override from dropping them.
                description: "Snapshot tags, Key=k,Value=v;Key=k2,Value=v2. The vss-fleet tags must stay first.",
                default: tags,
                allowedPattern: `^${escapeRegExp(vssTagString(snapshotTagMap({ ...context, snapshotTags: {} })))}(;${TAG_PAIR})*$`,
            },
            executionTimeout: {
                type: "String",
                description: "Seconds the snapshot step may take on the instance, 10-99999 (AWS's document default is 800).",
                default: "800",
                allowedPattern: "^[1-9][0-9]{1,4}$",
            },
        },
        mainSteps: [
            {
                action: "aws:runDocument",
                name: "installAwsVssComponents",
                precondition: WINDOWS_ONLY,
                onFailure: "exit",
                inputs: {
                    documentType: "SSMDocument",
                    documentPath: "AWS-ConfigureAWSPackage",
                    documentParameters: { action: "Install", name: "AwsVssComponents" },
                },
            },
            {
                action: "aws:runDocument",
                name: "createVssSnapshot",
                precondition: WINDOWS_ONLY,
                inputs: {
                    documentType: "SSMDocument",
                    documentPath: "AWSEC2-CreateVssSnapshot",
                    documentParameters: {
                        ExcludeBootVolume: "{{ExcludeBootVolume}}",
                        NoWriters: "{{NoWriters}}",
                        CopyOnly: "{{CopyOnly}}",
                        SaveVssMetadata: "{{SaveVssMetadata}}",
                        CreateAmi: "False",
                        description: "{{description}}",
                        tags: "{{tags}}",
                        executionTimeout: "{{executionTimeout}}",
                    },
                },
            },
        ],
    };
}
