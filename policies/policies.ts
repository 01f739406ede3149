/** Every policy of the pack, built with its dependencies. No PolicyPack here: constructing one starts a server. */
import type { Policies } from "@pulumi/policy";
import { fleetEnrolledInstancesSnapshotReady } from "./fleetEnrolledInstancesSnapshotReady";
import { fleetWindowsInstancesEnrolled } from "./fleetWindowsInstancesEnrolled";
import { iamNoBroadManagedPolicies } from "./iamNoBroadManagedPolicies";
import { iamNoPassroleWildcard } from "./iamNoPassroleWildcard";
import { iamNoUnscopedSnapshotPermissions } from "./iamNoUnscopedSnapshotPermissions";
import type { AmiResolver } from "./lib/windows";
import { maintenanceWindowSane } from "./maintenanceWindowSane";
import { maintenanceWindowTaskBounded } from "./maintenanceWindowTaskBounded";
import { snapshotTaskLogging } from "./snapshotTaskLogging";
import { ssmDocumentNotPublic } from "./ssmDocumentNotPublic";
import { windowsInstanceCanRunSnapshot } from "./windowsInstanceCanRunSnapshot";
import { windowsInstanceEnrolled } from "./windowsInstanceEnrolled";
import { windowsInstanceRequiresImdsv2 } from "./windowsInstanceRequiresImdsv2";

export const POLICY_PACK_NAME = "vss-fleet";

export interface PackDependencies {
    readonly resolveAmis?: AmiResolver;
    readonly today?: () => Date;
}

export function vssFleetPolicies(deps: PackDependencies = {}): Policies {
    return [
        windowsInstanceEnrolled(deps),
        windowsInstanceCanRunSnapshot(deps),
        fleetWindowsInstancesEnrolled(deps),
        fleetEnrolledInstancesSnapshotReady(deps),
        iamNoUnscopedSnapshotPermissions,
        iamNoPassroleWildcard,
        iamNoBroadManagedPolicies,
        ssmDocumentNotPublic,
        maintenanceWindowTaskBounded,
        maintenanceWindowSane,
        snapshotTaskLogging,
        windowsInstanceRequiresImdsv2(deps),
    ];
}
