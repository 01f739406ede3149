export * from "./awsVss";
export * from "./engines";
export * from "./snapshotTags";
export * from "./types";
