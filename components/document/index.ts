export * from "./awsVss";
export * from "./diskshadow";
export * from "./engines";
export * from "./snapshotTags";
export * from "./types";
