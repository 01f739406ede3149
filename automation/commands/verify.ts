/** `vss-fleet verify`: every enrolled instance's newest good snapshot set against the RPO. */
import type { ListRulesOutput } from "../../core/lifecycle/recycleBin";
import type { EnvironmentVerdict } from "../verify/verdicts";
import { UserInputError } from "../errors";
import { parseInstant } from "../instant";
import { defineCommand } from "./command";
import { envFilter, fleetTag, flag, format, jsonNotFormat, optionalText, projectDir, repeatable } from "./options";
import { chooseEnvironments, progressOf } from "./shared";

export default defineCommand({
    name: "verify",
    description:
        "Check every enrolled instance's newest good snapshot set against the RPO (exit 1 on a breach); with retention, list what it would delete.",
    examples: [
        "vss-fleet verify fleet.yaml --env prod",
        "vss-fleet verify fleet.yaml --only-failures --format markdown > verify.md",
        "vss-fleet verify fleet.yaml --offline --inventory instances.json --volumes volumes.json --snapshots snapshots.json --at 2026-11-28T08:00:00Z",
    ],
    takesManifest: true,
    options: [
        envFilter,
        flag("offline", "--offline", "read the JSON files below instead of calling EC2"),
        repeatable("inventory", "--inventory <file>", "'aws ec2 describe-instances --output json' (repeatable)"),
        repeatable("volumes", "--volumes <file>", "'aws ec2 describe-volumes --output json' (repeatable)"),
        repeatable("snapshots", "--snapshots <file>", "'aws ec2 describe-snapshots --owner-ids self --output json' (repeatable)"),
        repeatable(
            "copySnapshots",
            "--copy-snapshots <file>",
            "offline: the same describe-snapshots JSON from each copy destination's account and region (repeatable)",
        ),
        optionalText(
            "recycleBin",
            "--recycle-bin <file>",
            "offline: 'aws rbin list-rules --resource-type EBS_SNAPSHOT --resource-tags ResourceTagKey=vss-fleet:environment,ResourceTagValue=<env> --output json' (one environment)",
        ),
        optionalText("at", "--at <time>", "judge ages as of this ISO 8601 time instead of now (audits, reproducible runs)"),
        fleetTag,
        projectDir,
        flag("onlyFailures", "--only-failures", "text and markdown: list only breaching rows (the counts still include every instance)"),
        jsonNotFormat,
        format("report format; markdown fits one GitHub comment (--json has every instance and the counts)"),
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const { enrolledInstances, verifyEnvironment, verifyExitCode } = await import("../verify/verdicts");
        const shapes = await import("../../core/lifecycle/awsShapes");
        const { snapshotVolumeIds } = await import("../../core/lifecycle/provenance");
        const rbin = await import("../../core/lifecycle/recycleBin");
        const { loadInventoryFiles } = await import("../inventory/describeInstances");
        const { resolveFleetName } = await import("./fleetName");
        const fleetName = resolveFleetName(options.projectDir, options.fleet);
        const fleet = loadManifest(manifest);
        const chosen = chooseEnvironments(fleet, options.env);
        const now = options.at === undefined ? new Date() : parseInstant(options.at, "--at");
        const verdicts: EnvironmentVerdict[] = [];
        const done = progressOf(io, options.json, "verified");
        if (options.offline) {
            const missing = (["inventory", "volumes", "snapshots"] as const).filter((k) => options[k].length === 0);
            if (missing.length > 0) {
                throw new UserInputError([`verify --offline needs ${missing.map((k) => `--${k} FILE`).join(", ")}`]);
            }
            const { loadAll, loadAwsJsonFiles } = await import("../awsJson");
            const { copiesByDestination } = await import("../verify/copyInputs");
            const inputs = loadAll({
                inventory: () => loadInventoryFiles(options.inventory),
                volumes: () =>
                    loadAwsJsonFiles(
                        options.volumes,
                        shapes.describeVolumesSchema,
                        (output) => [output],
                        "aws ec2 describe-volumes --output json",
                        "the volumes",
                    ),
                recycleBinRules: () =>
                    options.recycleBin === undefined
                        ? undefined
                        : loadAwsJsonFiles(
                              [options.recycleBin],
                              rbin.listRulesSchema,
                              (output) => [output],
                              "aws rbin list-rules --output json",
                              "the Recycle Bin rules",
                          )[0],
                snapshots: () =>
                    loadAwsJsonFiles(
                        options.snapshots,
                        shapes.describeSnapshotsSchema,
                        shapes.toSnapshots,
                        "aws ec2 describe-snapshots --output json",
                        "the snapshots",
                    ),
                copies: () =>
                    options.copySnapshots.length > 0
                        ? copiesByDestination(
                              loadAwsJsonFiles(
                                  options.copySnapshots,
                                  shapes.describeSnapshotsSchema,
                                  shapes.toSnapshots,
                                  "aws ec2 describe-snapshots --owner-ids self --output json",
                                  "the copies",
                              ),
                          )
                        : undefined,
            });
            if (options.recycleBin !== undefined && chosen.length !== 1) {
                throw new UserInputError([`--recycle-bin ${options.recycleBin}: the rules of one environment; choose it with --env`]);
            }
            const withCopies = {
                inventory: inputs.inventory,
                snapshots: inputs.snapshots,
                attachments: inputs.volumes.flatMap(shapes.toAttachments),
                volumeIds: inputs.volumes.flatMap(shapes.toVolumeIds),
                ...(inputs.copies ? { copies: inputs.copies } : { copiesNotRead: "no --copy-snapshots file was given" }),
            };
            for (const env of chosen) {
                verdicts.push({
                    ...verifyEnvironment(env, withCopies, now, fleetName),
                    recycleBin: rbin.recycleBinVerdict(inputs.recycleBinRules),
                });
                done?.(env.spec.name, verdicts.length, chosen.length);
            }
        } else {
            const { EC2Client } = await import("@aws-sdk/client-ec2");
            const { credentialsFor } = await import("../driver/identity");
            const { describeWindowsInstances } = await import("../inventory/live");
            const { awsFailureLine, traced } = await import("../awsFailure");
            for (const env of chosen) {
                try {
                    const client = traced(new EC2Client({ region: env.spec.region, credentials: credentialsFor(env.spec) }));
                    const scope = { environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region, scopeTags: {} };
                    const inventory = await describeWindowsInstances(scope, client);
                    const ids = enrolledInstances(env, inventory, now).map((i) => i.instanceId);
                    const { liveCopies } = await import("../verify/copyInputs");
                    const [fleetVolumes, snapshots] = await Promise.all([
                        shapes.describeAttachments(client, ids),
                        shapes.describeEnvironmentSnapshots(client, env.spec.name),
                    ]);
                    // The snapshots' volumes wherever they are attached: provenance must see one attached elsewhere.
                    const known = new Set(fleetVolumes.map((a) => a.volumeId));
                    const others = await shapes.describeVolumesById(
                        client,
                        snapshotVolumeIds(snapshots).filter((id) => !known.has(id)),
                    );
                    const inputs = {
                        inventory,
                        attachments: [...fleetVolumes, ...others.attachments],
                        volumeIds: [...known, ...others.knownVolumeIds],
                        snapshots,
                        ...(await liveCopies(env.spec, (region) =>
                            traced(new EC2Client({ region, credentials: credentialsFor(env.spec) })),
                        )),
                    };
                    // The Recycle Bin check is advisory: a failed call makes it "not checked (...)", never fails the run.
                    const recycleBin = await listRecycleBinRules(env.spec, credentialsFor(env.spec)).then(
                        (rules) => rbin.recycleBinVerdict(rules),
                        (error: unknown) => {
                            const line = awsFailureLine(error, "the Recycle Bin check");
                            if (line === undefined) {
                                throw error;
                            }
                            return { checked: false, rules: [], reason: line };
                        },
                    );
                    verdicts.push({ ...verifyEnvironment(env, inputs, now, fleetName), recycleBin });
                } catch (error) {
                    // One environment's failed call: its line in the report (and --json stays one object with
                    // the verdicts already reached); the others are still read.
                    const line = awsFailureLine(error);
                    if (line === undefined) {
                        throw error;
                    }
                    io.err(`vss-fleet: environment ${env.spec.name}: ${line}`);
                    verdicts.push({ name: env.spec.name, rpoHours: env.spec.rpoHours, instances: [], failed: line });
                }
                done?.(env.spec.name, verdicts.length, chosen.length);
            }
        }
        const { accountFor } = await import("../manifest/accounting");
        accountFor(
            "verify",
            chosen.map((e) => e.spec.name),
            verdicts.map((v) => v.name),
        );
        const code = verifyExitCode(verdicts);
        const render = await import("../verify/render");
        const shown = {
            at: now,
            environmentsInManifest: fleet.environments.length,
            onlyFailures: options.onlyFailures === true,
            fleet: fleetName,
        };
        io.out(
            options.json
                ? render.verifyJson(verdicts, shown, code)
                : options.format === "markdown"
                  ? render.verifyMarkdown(verdicts, shown)
                  : render.verifyText(verdicts, shown),
        );
        return code;
    },
});

/** Live: the environment's Recycle Bin rules. The client loads only here: the other commands never pay for it. */
async function listRecycleBinRules(spec: { readonly name: string; readonly region: string }, credentials: unknown) {
    const { RbinClient, paginateListRules } = await import("@aws-sdk/client-rbin");
    const { listRulesSchema, recycleBinQuery } = await import("../../core/lifecycle/recycleBin");
    const { traced } = await import("../awsFailure");
    const client = traced(new RbinClient({ region: spec.region, credentials: credentials as never }));
    const output: ListRulesOutput = { Rules: [] };
    for await (const page of paginateListRules({ client }, recycleBinQuery(spec.name))) {
        output.Rules.push(...listRulesSchema.parse({ Rules: page.Rules ?? [] }).Rules);
    }
    return output;
}
