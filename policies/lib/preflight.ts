/**
 * Preflight: what keeps an enrolled instance from being snapshotted, from the facts an inventory
 * carries (instance profile, its role's permissions, SSM registration). A fact that is absent is not
 * judged, so an inventory from plain describe-instances output finds nothing here.
 * Shared by the fleet-enrolled-instances-snapshot-ready policy and `vss-fleet discover`.
 */
import type { InventoryInstance } from "../policyConfig";

export type PreflightCode = "no-instance-profile" | "role-cannot-snapshot" | "not-managed-by-ssm" | "ssm-agent-offline";

export interface PreflightGap {
    readonly code: PreflightCode;
    /** What is wrong, to follow "is enrolled but". */
    readonly problem: string;
    /** The same without per-instance detail, so a report can group instances that share it. */
    readonly summary: string;
    /** What to do about it. */
    readonly fix: string;
}

export function preflightGaps(instance: InventoryInstance): PreflightGap[] {
    const gaps: PreflightGap[] = [];
    if (instance.instanceProfileArn === null) {
        gaps.push({
            code: "no-instance-profile",
            problem: "has no instance profile, so neither SSM nor the snapshot can act for it",
            summary: "no instance profile",
            fix: "Attach the environment's instance profile (stack output instanceProfileName), or a profile whose role has the snapshot policy.",
        });
    }
    const role = instance.role;
    if (role?.canSnapshot === false) {
        gaps.push({
            code: "role-cannot-snapshot",
            problem: `its role ${role.name} lacks the snapshot permission (ec2:CreateSnapshots)`,
            summary: `role ${role.name} lacks the snapshot permission`,
            fix: `Attach the environment's snapshot policy to role ${role.name}, or switch the instance to the environment's instance profile.`,
        });
    }
    const ssm = instance.ssm;
    if (ssm?.registered === false) {
        const core = role?.ssmCore === false ? ` (its role ${role.name} lacks AmazonSSMManagedInstanceCore)` : "";
        gaps.push({
            code: "not-managed-by-ssm",
            problem: `is not managed by SSM: Systems Manager has no record of its agent${core}`,
            summary: "not managed by SSM",
            fix: "Install and start the SSM Agent, give its role AmazonSSMManagedInstanceCore, and let it reach the SSM endpoints.",
        });
    } else if (ssm?.registered === true && ssm.pingStatus !== undefined && ssm.pingStatus !== "Online") {
        const since = ssm.lastPingDateTime ? ` since ${ssm.lastPingDateTime}` : "";
        gaps.push({
            code: "ssm-agent-offline",
            problem: `its SSM agent is ${ssm.pingStatus}${since}, so Run Command cannot reach it`,
            summary: `SSM agent ${ssm.pingStatus}`,
            fix: "Start the instance or its SSM Agent service (AmazonSSMAgent), and check that it reaches the SSM endpoints.",
        });
    }
    return gaps;
}
