export * from "./instancePolicy";
export * from "./policyDocument";
export * from "./taskPolicy";
export * from "./trust";
