export * from "./aws";
export * from "./environment";
export * from "./schedule";
export * from "./tags";
export * from "./parse";
export * from "./yamlSource";
