export * from "./boundaryPolicy";
export * from "./guardrails";
export * from "./instancePolicy";
export * from "./lifecyclePolicy";
export * from "./policyDocument";
export * from "./protectionPolicy";
export * from "./taskPolicy";
export * from "./trust";
