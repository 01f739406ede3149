export * from "./aws";
export * from "./environment";
export * from "./schedule";
export * from "./tags";
export * from "./validate";
export * from "./yamlSource";
