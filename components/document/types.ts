/** The shape of an SSM Command document (schemaVersion 2.2) and what an engine builder receives. */
import type { EnvironmentSpec } from "../../core/environment";

export interface DocumentParameter {
    readonly type: "String" | "StringList";
    readonly description: string;
    readonly default?: string;
    readonly allowedValues?: readonly string[];
    readonly allowedPattern?: string;
    /** ENV_VAR: the agent passes the value as an environment variable SSM_<name>, not inside the code. */
    readonly interpolationType?: "ENV_VAR";
}

export interface DocumentStep {
    readonly action: string;
    readonly name: string;
    readonly precondition?: { readonly StringEquals: readonly [string, string] };
    readonly timeoutSeconds?: number;
    readonly onFailure?: "exit" | "successAndExit" | "Abort";
    readonly inputs: Record<string, unknown>;
}

export interface CommandDocument {
    readonly schemaVersion: "2.2";
    readonly description: string;
    readonly parameters: Record<string, DocumentParameter>;
    readonly mainSteps: readonly DocumentStep[];
}

/** What every engine needs to know to write its document. */
export interface DocumentContext {
    readonly environment: string;
    readonly fleet: string;
    readonly engine: EnvironmentSpec["engine"];
    readonly vss: EnvironmentSpec["vss"];
    readonly snapshotTags: Readonly<Record<string, string>>;
}

/** Builds one engine's document. Engines are pluggable: a new one registers a builder. */
export type EngineBuilder = (context: DocumentContext) => CommandDocument;

/** Steps run only on Windows: Run Command skips them (not fails them) elsewhere. */
export const WINDOWS_ONLY = { StringEquals: ["platformType", "Windows"] } as const;

/** SSM's limit on a document's content. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
