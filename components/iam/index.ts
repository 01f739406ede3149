export * from "./instancePolicy";
export * from "./retentionPolicy";
export * from "./policyDocument";
export * from "./taskPolicy";
export * from "./trust";
