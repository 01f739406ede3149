/**
 * The Windows instances a stack launches, as the enrollment policies see them: every launch path
 * of lib/launchPaths (instances, spot requests, Auto Scaling groups, fleets, unused launch templates)
 * whose preview-known inputs say Windows.
 */
import type { PolicyResource } from "@pulumi/policy";
import { launchCandidates, type StackInstance } from "./launchPaths";
import { windowsReason, type AmiResolver, type WindowsDetectionConfig } from "./windows";

export type { StackInstance };

export function stackInstances(resources: readonly PolicyResource[]): StackInstance[] {
    return launchCandidates(resources);
}

/** The stack's instances that are Windows, with the reason; the AMI resolver is asked once per AMI. */
export async function windowsInstances(
    resources: readonly PolicyResource[],
    config: WindowsDetectionConfig,
    resolver: AmiResolver | undefined,
): Promise<(StackInstance & { reason: string })[]> {
    const instances = stackInstances(resources);
    const amis = [...new Set(instances.map((i) => i.hints.ami).filter((a): a is string => a !== undefined))];
    const facts = config.resolveAmis !== false && resolver && amis.length > 0 ? await resolver(amis) : new Map();
    return instances.flatMap((instance) => {
        const reason = windowsReason(instance.hints, config, instance.hints.ami ? facts.get(instance.hints.ami) : undefined);
        return reason ? [{ ...instance, reason }] : [];
    });
}
