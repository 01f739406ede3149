/**
 * The engine tier's inventories and the policy configs it previews with, generated as the driver
 * generates them for examples/fleet.yaml.
 */
import * as path from "path";
import type { InventoryInstance } from "../../policies/policyConfig";
import { loadManifest } from "../../automation/manifest/load";
import { generatedPolicyConfig } from "../../automation/manifest/packConfig";
import { REPO } from "./sandbox";

/** The instance the shipped prod stack enrolls by tagging it (examples/fleet.yaml). */
export const ENROLLED: InventoryInstance = {
    instanceId: "i-0a1b2c3d4e5f60003",
    accountId: "111111111111",
    region: "us-east-1",
    platform: "windows",
    tags: { Environment: "prod", Name: "fs01" },
    name: "fs01",
};

/** A Windows instance in prod's account, region and scope that nothing enrolls or exempts. */
export const UNENROLLED: InventoryInstance = {
    instanceId: "i-0badc0ffee0000001",
    accountId: "111111111111",
    region: "us-east-1",
    platform: "windows",
    tags: { Environment: "prod", Name: "sql07" },
    name: "sql07",
};

/** The pack config the driver generates for prod (examples/fleet.yaml) over `inventory`. */
export function prodPolicyConfig(inventory: readonly InventoryInstance[]): unknown {
    const fleet = loadManifest(path.join(REPO, "examples", "fleet.yaml"));
    const prod = fleet.environments.find((e) => e.spec.name === "prod");
    if (!prod) {
        throw new Error("examples/fleet.yaml has no prod environment");
    }
    // AMI lookups would call EC2: the inventory says platform, so none is needed.
    return generatedPolicyConfig(fleet, prod, inventory, { resolveAmis: false });
}
