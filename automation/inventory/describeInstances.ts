/**
 * The inventory format: the unmodified JSON of `aws ec2 describe-instances --output json`
 * (Reservations[].Instances[]), or the same shape from the SDK. The account is the reservation's
 * OwnerId, the region comes from Placement.AvailabilityZone, Windows is Platform "windows".
 */
import * as fs from "fs";
import { z } from "zod";
import { formatPath, toSpecIssues, YamlSource } from "../../spec";
import type { InventoryInstance } from "../../policies/config";
import { UserInputError } from "../errors";

/** Only the fields we read are checked; real output carries many more, which pass through. */
const tagSchema = z.looseObject({ Key: z.string(), Value: z.string() });
const instanceSchema = z.looseObject({
    InstanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/, "must be an instance id"),
    Placement: z.looseObject({ AvailabilityZone: z.string().min(1) }),
    Platform: z.string().optional(),
    State: z.looseObject({ Name: z.string() }).optional(),
    RootDeviceName: z.string().optional(),
    Tags: z.array(tagSchema).optional(),
});
export const describeInstancesSchema = z.looseObject({
    Reservations: z.array(
        z.looseObject({
            OwnerId: z.string().regex(/^[0-9]{12}$/, "must be a 12-digit account id"),
            Instances: z.array(instanceSchema),
        }),
    ),
});

export type DescribeInstancesOutput = z.infer<typeof describeInstancesSchema>;

/** us-east-1a -> us-east-1; Local Zones (us-west-2-lax-1a) and Wavelength zones keep their parent region. */
export function regionOfZone(zone: string): string {
    return /^([a-z]{2}(-[a-z]+)+-\d+)/.exec(zone)?.[1] ?? zone;
}

/** Instances that no longer exist need no backup. */
const GONE = new Set(["terminated", "shutting-down"]);

export function toInventory(output: DescribeInstancesOutput): InventoryInstance[] {
    return output.Reservations.flatMap((reservation) =>
        reservation.Instances.filter((i) => !GONE.has(i.State?.Name ?? "")).map((i) => {
            const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key, t.Value]));
            return {
                instanceId: i.InstanceId,
                accountId: reservation.OwnerId,
                region: regionOfZone(i.Placement.AvailabilityZone),
                ...(i.Platform ? { platform: i.Platform } : {}),
                tags,
                ...(tags.Name ? { name: tags.Name } : {}),
                ...(i.RootDeviceName ? { rootDeviceName: i.RootDeviceName } : {}),
            };
        }),
    );
}

/** Parses one exported file, with file:line:col for anything that is not describe-instances output. */
export function parseInventoryFile(file: string, text: string): InventoryInstance[] {
    const source = new YamlSource(file, text);
    const syntax = source.document.errors[0];
    if (syntax) {
        const at = syntax.linePos?.[0];
        throw new UserInputError([`${file}:${at?.line ?? 1}:${at?.col ?? 1}: not valid JSON: ${syntax.message.split("\n")[0]}`]);
    }
    const parsed = describeInstancesSchema.safeParse(source.document.toJS());
    if (!parsed.success) {
        const problems = toSpecIssues(parsed.error.issues).map(
            (i) =>
                `${source.where(i.path)}: ${formatPath(i.path) || "(top)"}: ${i.message} (expected the JSON of 'aws ec2 describe-instances --output json')`,
        );
        throw new UserInputError(problems);
    }
    return toInventory(parsed.data);
}

/** Reads several exported files; an instance listed in more than one counts once. */
export function loadInventoryFiles(files: readonly string[]): InventoryInstance[] {
    const byId = new Map<string, InventoryInstance>();
    const problems: string[] = [];
    for (const file of files) {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (error) {
            problems.push(`${file}: cannot read the inventory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
            continue;
        }
        try {
            for (const instance of parseInventoryFile(file, text)) {
                if (!byId.has(instance.instanceId)) {
                    byId.set(instance.instanceId, instance);
                }
            }
        } catch (error) {
            if (!(error instanceof UserInputError)) {
                throw error;
            }
            problems.push(...error.problems);
        }
    }
    if (problems.length > 0) {
        throw new UserInputError(problems);
    }
    return [...byId.values()];
}
