/**
 * The shipped stack program as an Automation API inline program, and the policy configs the engine
 * tier previews with. The program runs in this process and the real CLI drives it (--client), so
 * the engine, the stack files (Pulumi.yaml's stackConfigDir), the analyzer and the state are real;
 * only the language host is skipped, which cannot be built here (docs/testing-engine.md).
 */
import * as path from "path";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type { InventoryInstance } from "../../policies/policyConfig";
import { loadManifest } from "../../automation/manifest/load";
import { generatedPolicyConfig } from "../../automation/manifest/packConfig";
import { REPO, type Sandbox } from "./sandbox";

export const PROJECT = "vss-fleet";

export const program: PulumiFn = async () => {
    // Loaded here, not at the top: @pulumi/aws is heavy and only the engine tier needs it.
    const { defineStackFromConfig } = await import("../../stacks/program");
    return { ...defineStackFromConfig() };
};

export async function stackOf(sandbox: Sandbox, name: string, envVars: Record<string, string> = {}): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: PROJECT, program },
        { workDir: sandbox.project, pulumiCommand: await sandbox.pulumiCommand(), envVars: { ...sandbox.env, ...envVars } },
    );
}

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
