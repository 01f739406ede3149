export * from "./backupEnvironment";
export * from "./backupWindow";
export * from "./document";
export * from "./enrolledInstances";
export * from "./iam";
export * from "./maintenanceWindowTaskRole";
export * from "./naming";
export * from "./snapshotInstanceRole";
export * from "./vssSnapshotDocument";
export * from "./snapshotLifecycle";
export * from "./copyTarget";
// A program of one's own builds the spec a component takes with these: the published package's main
// entry is this file (`import { BackupEnvironment, parseEnvironment } from "vss-fleet"`).
export { parseEnvironment, type EnvironmentSpec } from "../core/environment";
