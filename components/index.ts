export * from "./backupEnvironment";
export * from "./backupWindow";
export * from "./document";
export * from "./iam";
export * from "./maintenanceWindowTaskRole";
export * from "./naming";
export * from "./snapshotInstanceRole";
export * from "./vssSnapshotDocument";
