/** The engine registry: `engine` in an EnvironmentSpec picks the builder that writes the document; a new engine adds its builder here. */
import type { Engine } from "../../core/environment";
import { awsVssDocument, awsVssTaskParameters } from "./awsVss";
import { diskshadowDocument } from "./diskshadow";
import { MAX_DOCUMENT_BYTES, type CommandDocument, type DocumentContext, type EngineBuilder } from "./types";

const builders = new Map<Engine, EngineBuilder>([
    ["aws-vss", awsVssDocument],
    ["diskshadow", diskshadowDocument],
]);

export function buildDocument(context: DocumentContext): CommandDocument {
    const builder = builders.get(context.engine);
    if (!builder) {
        throw new Error(`engine '${context.engine}' has no document builder yet (known: ${[...builders.keys()].join(", ")})`);
    }
    return builder(context);
}

/**
 * Document parameters the window's task sets on every run. Only aws-vss has any: the diskshadow
 * script tags its snapshots itself (including the instance id, which it reads on the instance).
 */
export function taskParameters(context: DocumentContext): Record<string, string[]> {
    return context.engine === "aws-vss" ? awsVssTaskParameters(context) : {};
}

/** The document as SSM stores it; refuses content over SSM's 64 KB limit instead of failing at deploy. */
export function renderDocument(context: DocumentContext): string {
    const content = JSON.stringify(buildDocument(context), null, 2);
    const bytes = Buffer.byteLength(content, "utf8");
    if (bytes > MAX_DOCUMENT_BYTES) {
        throw new Error(`the ${context.engine} document is ${bytes} bytes; SSM allows ${MAX_DOCUMENT_BYTES}`);
    }
    return content;
}
