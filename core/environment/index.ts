export * from "./aws";
export * from "./environment";
export * from "./regions";
export * from "./schedule";
export * from "./tags";
export * from "./parse";
export * from "./yamlSource";
