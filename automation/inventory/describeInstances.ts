/**
 * The inventory format: the unmodified JSON of `aws ec2 describe-instances --output json`
 * (Reservations[].Instances[]), or the same shape from the SDK. The account is the reservation's
 * OwnerId, the region comes from Placement.AvailabilityZone, Windows is Platform "windows".
 */
import { z } from "zod";
import type { InventoryInstance } from "../../policies/policyConfig";
import { loadAwsJsonFiles, parseAwsJson } from "../awsJson";

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
            // A null prototype: a tag named __proto__ or constructor is data like any other.
            const tags: Record<string, string> = Object.assign(
                Object.create(null) as Record<string, string>,
                Object.fromEntries((i.Tags ?? []).map((t) => [t.Key, t.Value])),
            );
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

const COMMAND = "aws ec2 describe-instances --output json";

/** Parses one exported file, with file:line:col for anything that is not describe-instances output. */
export function parseInventoryFile(file: string, text: string): InventoryInstance[] {
    return toInventory(parseAwsJson(file, text, describeInstancesSchema, COMMAND));
}

/** Reads several exported files; an instance listed in more than one counts once. */
export function loadInventoryFiles(files: readonly string[]): InventoryInstance[] {
    const byId = new Map<string, InventoryInstance>();
    for (const instance of loadAwsJsonFiles(files, describeInstancesSchema, toInventory, COMMAND, "the inventory")) {
        if (!byId.has(instance.instanceId)) {
            byId.set(instance.instanceId, instance);
        }
    }
    return [...byId.values()];
}
