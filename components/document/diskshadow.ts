/**
 * The diskshadow engine: for fleets that cannot install AwsVssComponents. The classic recipe (a VSS
 * shadow set over all volumes with DISKSHADOW, EBS snapshots, the shadow set deleted), hardened; the
 * script is VssFleetSnapshot.ps1 beside this file, embedded into the document when it is built.
 * Parameters reach the script as environment variables (interpolationType ENV_VAR), never as code.
 */
import * as fs from "fs";
import * as path from "path";
import { escapeRegExp, snapshotTagMap, vssTagString } from "./snapshotTags";
import { WINDOWS_ONLY, type CommandDocument, type DocumentContext, type DocumentParameter } from "./types";

export const DISKSHADOW_SCRIPT = path.join(__dirname, "diskshadow", "VssFleetSnapshot.ps1");
const TAG_PAIR = "Key=[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128},Value=[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}";

function flag(value: boolean, description: string): DocumentParameter {
    return {
        type: "String",
        description,
        default: value ? "True" : "False",
        allowedValues: ["True", "False"],
        interpolationType: "ENV_VAR",
    };
}

export function diskshadowDocument(context: DocumentContext): CommandDocument {
    const script = fs.readFileSync(DISKSHADOW_SCRIPT, "utf8");
    return {
        schemaVersion: "2.2",
        description: `vss-fleet ${context.environment}: a VSS shadow set with DISKSHADOW (writers take part), then one multi-volume EBS snapshot of this instance.`,
        parameters: {
            ExcludeBootVolume: flag(context.vss.excludeBootVolume, "Leave the boot volume out of the shadow set and the snapshots."),
            NoWriters: flag(context.vss.noWriters, "Exclude application VSS writers (the shadow copy is then crash-consistent)."),
            SaveVssMetadata: flag(
                context.vss.saveVssMetadata,
                "Keep the writer metadata (.cab) of each set in %ProgramData%\\vss-fleet\\metadata.",
            ),
            DryRun: flag(false, "Do everything but create the shadow set and call EC2; print the DISKSHADOW script."),
            Tags: {
                type: "String",
                description: "Snapshot tags, Key=k,Value=v;Key=k2,Value=v2. The vss-fleet tags must stay first.",
                default: vssTagString(snapshotTagMap(context)),
                allowedPattern: `^${escapeRegExp(vssTagString(snapshotTagMap({ ...context, snapshotTags: {} })))}(;${TAG_PAIR})*$`,
                interpolationType: "ENV_VAR",
            },
            StartDelayMaxSeconds: {
                type: "String",
                description: "Wait a random 0..N seconds first, so a fleet at 100% concurrency does not burst CreateSnapshots.",
                default: "60",
                allowedPattern: "^([0-9]|[1-9][0-9]|[1-8][0-9]{2}|900)$",
                interpolationType: "ENV_VAR",
            },
            executionTimeout: {
                type: "String",
                description: "Seconds the whole run may take on the instance.",
                default: "1800",
                allowedPattern: "^[1-9][0-9]{1,4}$",
            },
        },
        mainSteps: [
            {
                action: "aws:runPowerShellScript",
                name: "createVssSnapshotWithDiskShadow",
                precondition: WINDOWS_ONLY,
                inputs: { timeoutSeconds: "{{executionTimeout}}", runCommand: script.split(/\r?\n/) },
            },
        ],
    };
}
