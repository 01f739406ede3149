/** `vss-fleet verify`: every enrolled instance's newest good snapshot set against the RPO. */
import type { EnvironmentVerdict } from "../verify/verdicts";
import { UserInputError } from "../errors";
import { defineCommand } from "./command";
import { envFilter, fleetTag, flag, json, optionalText, repeatable } from "./options";
import { chooseEnvironments } from "./shared";

export default defineCommand({
    name: "verify",
    description:
        "Check every enrolled instance's newest good snapshot set against the RPO (exit 1 on a breach); with retention, list what it would delete.",
    examples: [
        "vss-fleet verify fleet.yaml --env prod",
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
        optionalText("at", "--at <time>", "judge ages as of this ISO 8601 time instead of now (audits, reproducible runs)"),
        fleetTag,
        json,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const { enrolledInstances, verifyEnvironment, verifyExitCode, verifyText } = await import("../verify/verdicts");
        const shapes = await import("../../core/lifecycle/awsShapes");
        const { loadInventoryFiles } = await import("../inventory/describeInstances");
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
            const { loadAll, loadAwsJsonFiles } = await import("../awsJson");
            const { copiesByDestination } = await import("../verify/copyInputs");
            const inputs = loadAll({
                inventory: () => loadInventoryFiles(options.inventory),
                attachments: () =>
                    loadAwsJsonFiles(
                        options.volumes,
                        shapes.describeVolumesSchema,
                        shapes.toAttachments,
                        "aws ec2 describe-volumes --output json",
                        "the volumes",
                    ),
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
            const withCopies = {
                ...inputs,
                ...(inputs.copies ? { copies: inputs.copies } : { copiesNotRead: "no --copy-snapshots file was given" }),
            };
            verdicts.push(...chosen.map((env) => verifyEnvironment(env, withCopies, now, options.fleet)));
        } else {
            const { EC2Client } = await import("@aws-sdk/client-ec2");
            const { credentialsFor } = await import("../driver/identity");
            const { describeWindowsInstances } = await import("../inventory/live");
            for (const env of chosen) {
                const client = new EC2Client({ region: env.spec.region, credentials: credentialsFor(env.spec) });
                const scope = { environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region, scopeTags: {} };
                const inventory = await describeWindowsInstances(scope, client);
                const ids = enrolledInstances(env, inventory, now).map((i) => i.instanceId);
                const { liveCopies } = await import("../verify/copyInputs");
                const inputs = {
                    inventory,
                    attachments: await shapes.describeAttachments(client, ids),
                    snapshots: await shapes.describeEnvironmentSnapshots(client, env.spec.name),
                    ...(await liveCopies(env.spec, (region) => new EC2Client({ region, credentials: credentialsFor(env.spec) }))),
                };
                verdicts.push(verifyEnvironment(env, inputs, now, options.fleet));
            }
        }
        const { accountFor } = await import("../manifest/accounting");
        accountFor(
            "verify",
            chosen.map((e) => e.spec.name),
            verdicts.map((v) => v.name),
        );
        const code = verifyExitCode(verdicts);
        const counted = `${verdicts.length} of ${fleet.environments.length} environment(s) of the manifest verified`;
        io.out(
            options.json
                ? JSON.stringify({ ok: code === 0, environmentsInManifest: fleet.environments.length, environments: verdicts })
                : `${counted}:\n${verifyText(verdicts)}`,
        );
        return code;
    },
});
