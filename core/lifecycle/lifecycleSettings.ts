/**
 * The lifecycle's projection of an EnvironmentSpec: the fields the SnapshotLifecycle component and the
 * function it deploys need, taken from the spec in one pure function. The component receives this one
 * value instead of copies of eight fields, and the function's environment variables are derived from
 * it (functionConfigOf), so a new lifecycle field is added here, in the spec and in the codec.
 */
import type { EnvironmentSpec } from "../environment";
import { protectionConfig, type LifecycleConfig, type ProtectionConfig } from "./functionConfig";
import type { RetentionRule } from "./retention";
import { hasTiers } from "./tiers";

/**
 * An environment's retention rule as the planner takes it: the tiers count periods in the
 * environment's time zone, so the zone travels with them (only when there are tiers, so a plain
 * `{ days, minSets }` configuration stays exactly what it was).
 */
export function retentionRuleOf(spec: Pick<EnvironmentSpec, "retention" | "scheduleTimezone">): RetentionRule | undefined {
    if (!spec.retention) {
        return undefined;
    }
    return hasTiers(spec.retention) ? { ...spec.retention, timeZone: spec.scheduleTimezone } : spec.retention;
}

export interface LifecycleSettings {
    /** The environment's name: the snapshot tag value the function selects by. */
    readonly environment: string;
    /** The fleet tag value: the Pulumi project's name. */
    readonly fleet: string;
    /** The instances each run must have snapshotted: the window's target tags. */
    readonly targetTags: Readonly<Record<string, string>>;
    readonly rpoHours: number;
    readonly excludeBootVolume: boolean;
    /**
     * Delete whole sets older than `days`, keeping the newest `minSets` good ones and the tiers' keepers
     * (periods counted in `timeZone`); omitted: keep everything.
     */
    readonly retention?: RetentionRule;
    /** EventBridge cron for restore drills, and how many instances each drill restores; omitted: no drills. */
    readonly restoreDrill?: { readonly schedule: string; readonly instancesPerRun: number };
    /** Copies to other regions and accounts, snapshot locks and the archive tier; omitted: none (see protectionConfig). */
    readonly protection?: ProtectionConfig;
}

export function lifecycleSettingsOf(spec: EnvironmentSpec, fleet: string): LifecycleSettings {
    return {
        environment: spec.name,
        fleet,
        targetTags: spec.targetTags,
        rpoHours: spec.rpoHours,
        excludeBootVolume: spec.vss.excludeBootVolume,
        retention: retentionRuleOf(spec),
        restoreDrill: spec.restoreDrill,
        protection: protectionConfig(spec),
    };
}

/** The function's configuration (what its environment variables carry) for these settings. */
export function functionConfigOf(settings: LifecycleSettings, alertTopicArn: string, windowId: string): LifecycleConfig {
    return {
        environment: settings.environment,
        fleet: settings.fleet,
        targetTags: settings.targetTags,
        rpoHours: settings.rpoHours,
        excludeBootVolume: settings.excludeBootVolume,
        retention: settings.retention,
        drillInstancesPerRun: settings.restoreDrill?.instancesPerRun,
        alertTopicArn,
        windowId,
        protection: settings.protection,
    };
}
