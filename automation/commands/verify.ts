/** `vss-fleet verify`: every enrolled instance's newest good snapshot set against the RPO. */
import { EC2Client } from "@aws-sdk/client-ec2";
import type { Command } from "commander";
import { loadAwsJsonFiles } from "../awsJson";
import { credentialsFor } from "../driver/identity";
import { UserInputError } from "../errors";
import { loadInventoryFiles } from "../inventory/describeInstances";
import { describeWindowsInstances } from "../inventory/live";
import {
    describeAttachments,
    describeEnvironmentSnapshots,
    describeSnapshotsSchema,
    describeVolumesById,
    describeVolumesSchema,
    toAttachments,
    toSnapshots,
    toVolumeIds,
} from "../lifecycle/awsShapes";
import { snapshotVolumeIds } from "../lifecycle/provenance";
import { listRulesSchema, recycleBinQuery, recycleBinVerdict, type ListRulesOutput } from "../lifecycle/recycleBin";
import { DEFAULT_FLEET } from "../../spec";
import { enrolledInstances, verifyEnvironment, verifyExitCode, verifyText, type EnvironmentVerdict } from "../lifecycle/verify";
import { loadManifest } from "../manifest/load";
import { chooseEnvironments, collect, type Io, type SetExit } from "./shared";

export function registerVerifyCommand(program: Command, io: Io, setExit: SetExit): void {
    program
        .command("verify")
        .description(
            "Check every enrolled instance's newest good snapshot set against the RPO (exit 1 on a breach); with retention, list what it would delete.",
        )
        .argument("<manifest>", "the fleet manifest (YAML)")
        .option("--env <name>", "only this environment (repeatable)", collect, [])
        .option("--offline", "read the JSON files below instead of calling EC2")
        .option("--inventory <file>", "'aws ec2 describe-instances --output json' (repeatable)", collect, [])
        .option("--volumes <file>", "'aws ec2 describe-volumes --output json' (repeatable)", collect, [])
        .option("--snapshots <file>", "'aws ec2 describe-snapshots --owner-ids self --output json' (repeatable)", collect, [])
        .option(
            "--recycle-bin <file>",
            "'aws rbin list-rules --resource-type EBS_SNAPSHOT --resource-tags ResourceTagKey=vss-fleet:environment,ResourceTagValue=<env> --output json' (offline, one environment)",
        )
        .option("--at <time>", "judge ages as of this ISO 8601 time instead of now (audits, reproducible runs)")
        .option("--fleet <name>", "the fleet tag on the snapshots: the Pulumi project's name", DEFAULT_FLEET)
        .option("--json", "print exactly one JSON object on stdout")
        .action(
            async (
                manifest: string,
                options: {
                    env: string[];
                    offline?: boolean;
                    inventory: string[];
                    volumes: string[];
                    snapshots: string[];
                    recycleBin?: string;
                    at?: string;
                    fleet: string;
                    json?: boolean;
                },
            ) => {
                const fleet = loadManifest(manifest);
                const chosen = chooseEnvironments(fleet, options.env);
                const now = options.at === undefined ? new Date() : new Date(options.at);
                if (Number.isNaN(now.getTime())) {
                    throw new UserInputError([`--at ${options.at}: not a time; use ISO 8601, for example 2026-11-28T08:00:00Z`]);
                }
                const verdicts: EnvironmentVerdict[] = [];
                if (options.offline) {
                    const missing = (["inventory", "volumes", "snapshots"] as const).filter((k) => options[k].length === 0);
                    if (missing.length > 0) {
                        throw new UserInputError([`verify --offline needs ${missing.map((k) => `--${k} FILE`).join(", ")}`]);
                    }
                    const volumes = loadAwsJsonFiles(
                        options.volumes,
                        describeVolumesSchema,
                        (output) => [output],
                        "aws ec2 describe-volumes --output json",
                        "the volumes",
                    );
                    const inputs = {
                        inventory: loadInventoryFiles(options.inventory),
                        attachments: volumes.flatMap(toAttachments),
                        volumeIds: volumes.flatMap(toVolumeIds),
                        snapshots: loadAwsJsonFiles(
                            options.snapshots,
                            describeSnapshotsSchema,
                            toSnapshots,
                            "aws ec2 describe-snapshots --output json",
                            "the snapshots",
                        ),
                    };
                    if (options.recycleBin !== undefined && chosen.length !== 1) {
                        throw new UserInputError([
                            `--recycle-bin ${options.recycleBin}: the rules of one environment; choose it with --env`,
                        ]);
                    }
                    const rules =
                        options.recycleBin === undefined
                            ? undefined
                            : loadAwsJsonFiles(
                                  [options.recycleBin],
                                  listRulesSchema,
                                  (output) => [output],
                                  "aws rbin list-rules --output json",
                                  "the Recycle Bin rules",
                              )[0];
                    verdicts.push(
                        ...chosen.map((env) => ({
                            ...verifyEnvironment(env, inputs, now, options.fleet),
                            recycleBin: recycleBinVerdict(rules),
                        })),
                    );
                } else {
                    for (const env of chosen) {
                        const client = new EC2Client({ region: env.spec.region, credentials: credentialsFor(env.spec) });
                        const scope = { environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region, scopeTags: {} };
                        const inventory = await describeWindowsInstances(scope, client);
                        const ids = enrolledInstances(env, inventory, now).map((i) => i.instanceId);
                        const [fleetVolumes, snapshots] = await Promise.all([
                            describeAttachments(client, ids),
                            describeEnvironmentSnapshots(client, env.spec.name),
                        ]);
                        // The snapshots' volumes wherever they are attached: provenance must see one attached elsewhere.
                        const known = new Set(fleetVolumes.map((a) => a.volumeId));
                        const others = await describeVolumesById(
                            client,
                            snapshotVolumeIds(snapshots).filter((id) => !known.has(id)),
                        );
                        const inputs = {
                            inventory,
                            attachments: [...fleetVolumes, ...others.attachments],
                            volumeIds: [...known, ...others.knownVolumeIds],
                            snapshots,
                        };
                        verdicts.push({
                            ...verifyEnvironment(env, inputs, now, options.fleet),
                            recycleBin: recycleBinVerdict(await listRecycleBinRules(env.spec)),
                        });
                    }
                }
                const code = verifyExitCode(verdicts);
                io.out(options.json ? JSON.stringify({ ok: code === 0, environments: verdicts }) : verifyText(verdicts));
                setExit(code);
            },
        );
}

/** Live: the environment's Recycle Bin rules. The client loads only here: the other commands never pay for it. */
async function listRecycleBinRules(spec: { readonly name: string; readonly region: string } & Parameters<typeof credentialsFor>[0]) {
    const { RbinClient, paginateListRules } = await import("@aws-sdk/client-rbin");
    const client = new RbinClient({ region: spec.region, credentials: credentialsFor(spec) });
    const output: ListRulesOutput = { Rules: [] };
    for await (const page of paginateListRules({ client }, recycleBinQuery(spec.name))) {
        output.Rules.push(...listRulesSchema.parse({ Rules: page.Rules ?? [] }).Rules);
    }
    return output;
}
