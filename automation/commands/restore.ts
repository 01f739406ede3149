/** `vss-fleet restore`: plan (and with --apply carry out) the restore of one whole good snapshot set. */
import { UserInputError } from "../errors";
import { parseInstant } from "../instant";
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { choice, envFilter, fleetTag, flag, json, optionalText, projectDir, repeatable, requiredText } from "./options";
import { oneEnvironment } from "./shared";

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const DESCRIBE = {
    instances: "aws ec2 describe-instances --output json",
    volumes: "aws ec2 describe-volumes --output json",
    snapshots: "aws ec2 describe-snapshots --output json",
} as const;

export default defineCommand({
    name: "restore",
    description:
        "Plan the restore of one instance's newest good snapshot set (or --set KEY): new volumes with the originals' settings, beside the instance, replacing its volumes, or as a new instance. A dry run unless --apply; never deletes anything.",
    examples: [
        "vss-fleet restore fleet.yaml --env prod --instance i-0a1b2c3d4e5f60001",
        "vss-fleet restore fleet.yaml --env prod --instance i-0a1b2c3d4e5f60001 --mode replace --apply",
        "vss-fleet restore fleet.yaml --env prod --instance i-0a1b2c3d4e5f60001 --offline --inventory instances.json --volumes volumes.json --snapshots snapshots.json",
    ],
    takesManifest: true,
    options: [
        envFilter,
        requiredText("instance", "--instance <id>", "the instance whose set to restore"),
        optionalText(
            "set",
            "--set <key>",
            "the set's key (AwsVssConfig or shadow set id, from 'verify --json'); default: the newest good set",
        ),
        flag(
            "acceptUnproven",
            "--accept-unproven",
            "also restore a set that verify cannot prove (its instance or volumes are gone), after you checked its snapshots; a set whose evidence contradicts it is never restored",
        ),
        optionalText("at", "--at <time>", "the newest good set at or before this ISO 8601 time"),
        choice(
            "mode",
            "--mode <mode>",
            "beside: new volumes attached beside the originals; replace: root replaced, data volumes swapped; new-instance: an image and a new instance (default when the instance is gone)",
            ["auto", "beside", "replace", "new-instance"],
            "auto",
        ),
        optionalText("availabilityZone", "--availability-zone <zone>", "where to restore when the instance is gone"),
        flag("apply", "--apply", "carry out the plan (default: print it)"),
        flag("offline", "--offline", "read the JSON files below instead of calling EC2 (a dry run only)"),
        repeatable("inventory", "--inventory <file>", "'aws ec2 describe-instances --output json' (repeatable)"),
        repeatable("volumes", "--volumes <file>", "'aws ec2 describe-volumes --output json' (repeatable)"),
        repeatable("snapshots", "--snapshots <file>", "'aws ec2 describe-snapshots --owner-ids self --output json' (repeatable)"),
        fleetTag,
        projectDir,
        json,
    ],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const { groupSets, judgedSets, otherFleetSets } = await import("../verify/verdicts");
        const { describeInstancesSchema, toInventory } = await import("../inventory/describeInstances");
        const shapes = await import("../../core/lifecycle/awsShapes");
        const inputs = await import("../restore/inputs");
        const { planRestore, restoreText } = await import("../restore/plan");
        const { resolveFleetName } = await import("./fleetName");
        const fleetName = resolveFleetName(options.projectDir, options.fleet);
        const fleet = loadManifest(manifest);
        const env = oneEnvironment(fleet, options.env, "restore");
        const at = options.at === undefined ? new Date() : parseInstant(options.at, "--at");
        if (!INSTANCE_ID.test(options.instance)) {
            // Before any EC2 call: a malformed id is the user's to fix (exit 2), not a failed AWS call.
            throw new UserInputError([
                `--instance ${options.instance}: not an instance id (i- and 8 or 17 hex digits, for example i-0a1b2c3d4e5f60001)`,
            ]);
        }
        const zoneProblem = options.availabilityZone && inputs.zoneRegionProblem(options.availabilityZone, env.spec.region, env.spec.name);
        if (zoneProblem) {
            throw new UserInputError([zoneProblem]);
        }
        if (options.offline && options.apply) {
            throw new UserInputError(["--apply calls EC2; it cannot be combined with --offline"]);
        }
        let raw: { instances: unknown[]; volumes: unknown[]; snapshots: unknown[] };
        let ec2: import("@aws-sdk/client-ec2").EC2Client | undefined;
        if (options.offline) {
            const missing = (["inventory", "volumes", "snapshots"] as const).filter((k) => options[k].length === 0);
            if (missing.length > 0) {
                throw new UserInputError([`restore --offline needs ${missing.map((k) => `--${k} FILE`).join(", ")}`]);
            }
            const { conformsTo, loadAll, loadAwsJsonFiles } = await import("../awsJson");
            // Each file checked against every shape read from it below, so a bad value is named with its
            // file:line:col and key; the problems of all files are reported together.
            raw = loadAll({
                instances: () =>
                    loadAwsJsonFiles(
                        options.inventory,
                        conformsTo(inputs.instancesDetail),
                        (v) => [v],
                        DESCRIBE.instances,
                        "the inventory",
                    ),
                volumes: () =>
                    loadAwsJsonFiles(
                        options.volumes,
                        conformsTo(inputs.volumesDetail, shapes.describeVolumesSchema),
                        (v) => [v],
                        DESCRIBE.volumes,
                        "the volumes",
                    ),
                snapshots: () =>
                    loadAwsJsonFiles(
                        options.snapshots,
                        conformsTo(inputs.snapshotsDetail, shapes.describeSnapshotsSchema),
                        (v) => [v],
                        DESCRIBE.snapshots,
                        "the snapshots",
                    ),
            });
        } else {
            const { EC2Client, DescribeInstancesCommand, DescribeVolumesCommand } = await import("@aws-sdk/client-ec2");
            const { credentialsFor } = await import("../driver/identity");
            const { traced } = await import("../awsFailure");
            ec2 = traced(new EC2Client({ region: env.spec.region, credentials: credentialsFor(env.spec) }));
            const instance = await ec2
                .send(new DescribeInstancesCommand({ InstanceIds: [options.instance] }))
                .catch(() => ({ Reservations: [] }));
            const attached = await ec2.send(
                new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [options.instance] }] }),
            );
            const snapshots = await shapes.describeEnvironmentSnapshots(ec2, env.spec.name);
            const { DescribeSnapshotsCommand } = await import("@aws-sdk/client-ec2");
            const details = await ec2.send(
                new DescribeSnapshotsCommand({ SnapshotIds: snapshots.map((s) => s.snapshotId).slice(0, 1000) }),
            );
            // The snapshots' volumes wherever they are attached now, as verify reads them: provenance must see one attached elsewhere.
            const known = new Set((attached.Volumes ?? []).flatMap((v) => (v.VolumeId ? [v.VolumeId] : [])));
            const { snapshotVolumeIds } = await import("../../core/lifecycle/provenance");
            const elsewhere = snapshotVolumeIds(snapshots).filter((id) => !known.has(id));
            const others: unknown[] = [];
            for (let i = 0; i < elsewhere.length; i += 200) {
                others.push(
                    await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-id", Values: elsewhere.slice(i, i + 200) }] })),
                );
            }
            raw = { instances: [instance], volumes: [attached, ...others], snapshots: [details] };
        }
        const parse = <T>(schema: { parse: (v: unknown) => T }, values: unknown[], what: string): T[] =>
            values.map((v) => {
                try {
                    return schema.parse(v);
                } catch {
                    throw new UserInputError([`the ${what} are not in the shape of the AWS CLI's JSON`]);
                }
            });
        const instances = parse(inputs.instancesDetail, raw.instances, "instances").flatMap(inputs.toRestoreInstances);
        const volumeOutputs = parse(inputs.volumesDetail, raw.volumes, "volumes");
        const snapshotOutputs = parse(inputs.snapshotsDetail, raw.snapshots, "snapshots");
        const attachments = parse(shapes.describeVolumesSchema, raw.volumes, "volumes").flatMap(shapes.toAttachments);
        const records = parse(shapes.describeSnapshotsSchema, raw.snapshots, "snapshots").flatMap(shapes.toSnapshots);

        const found = instances.find((i) => i.instanceId === options.instance) ?? { instanceId: options.instance, devicesInUse: [] };
        // Devices in use: the instance's block device mappings and every volume attached to it now.
        const attachedNow = attachments.filter((a) => a.instanceId === options.instance).map((a) => a.device);
        const instance = { ...found, devicesInUse: [...new Set([...found.devicesInUse, ...attachedNow])] };
        // Judged exactly as verify judges them: restore never picks a set that verify would not count as good.
        const inventory = parse(describeInstancesSchema, raw.instances, "instances").flatMap(toInventory);
        const volumeIds = parse(shapes.describeVolumesSchema, raw.volumes, "volumes").flatMap(shapes.toVolumeIds);
        const grouping = groupSets(env, { inventory, snapshots: records, attachments }, at);
        const sets = judgedSets(env, grouping, { attachments, volumeIds }, at, fleetName).get(options.instance) ?? [];
        if (sets.length === 0) {
            // Sets that exist only under another fleet's tag: the project is probably not the one that took them.
            const others = otherFleetSets(grouping, fleetName, options.instance);
            if (others.length > 0) {
                throw new UserInputError([
                    `${options.instance}'s snapshots are tagged for fleet ${others.map((o) => `'${o.fleet}'`).join(", ")}, not '${fleetName}': ` +
                        "the fleet's name is the Pulumi project's (Pulumi.yaml name): check --project-dir",
                ]);
            }
        }
        const set = inputs.chooseSet(sets, options.instance, options.set, at, { acceptUnproven: options.acceptUnproven });
        const details = new Map(snapshotOutputs.flatMap((o) => [...inputs.snapshotDetails(o)]));
        const volumes = new Map(volumeOutputs.flatMap((o) => inputs.toOriginalVolumes(o, options.instance)).map((v) => [v.volumeId, v]));
        const plan = planRestore({
            instance,
            set: { key: set.key, startTime: set.startTime, snapshots: inputs.setSnapshots(set, details, attachments) },
            volumes,
            ...(options.mode !== "auto" ? { mode: options.mode } : {}),
            ...(options.availabilityZone ? { availabilityZone: options.availabilityZone } : {}),
        });
        if (!options.apply || !ec2) {
            io.out(options.json ? JSON.stringify({ dryRun: true, ...plan }) : restoreText(plan));
            return EXIT.ok;
        }
        const { applyRestore, RestoreStepFailed } = await import("../restore/apply");
        let outcome: Awaited<ReturnType<typeof applyRestore>>;
        try {
            outcome = await applyRestore(ec2, plan, {
                maxWaitSeconds: 900,
                sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
                log: (line) => io.err(line),
            });
        } catch (error) {
            if (error instanceof RestoreStepFailed) {
                io.err(`vss-fleet restore: ${error.message}; the steps before it ran, nothing was deleted`);
                return EXIT.violations;
            }
            throw error;
        }
        io.out(
            options.json
                ? JSON.stringify({ dryRun: false, ...plan, ...outcome })
                : `${restoreText(plan)}\n${outcome.complete ? "DONE: every step ran; nothing was deleted." : "STOPPED: archived snapshots are being restored; run again when they are back."}`,
        );
        return EXIT.ok;
    },
});
