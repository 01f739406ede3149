/** The tags every snapshot of an environment carries, in the forms the engines need. */
import { ENGINE_TAG_KEY, ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment";
import type { DocumentContext } from "./types";

/** Ours first (IAM requires the environment tag on CreateSnapshots), then the user's. */
export function snapshotTagMap(context: DocumentContext): Record<string, string> {
    return {
        [ENVIRONMENT_TAG_KEY]: context.environment,
        [FLEET_TAG_KEY]: context.fleet,
        [ENGINE_TAG_KEY]: context.engine,
        ...context.snapshotTags,
    };
}

/** AWSEC2-CreateVssSnapshot's `tags` format: Key=a,Value=b;Key=c,Value=d. */
export function vssTagString(tags: Readonly<Record<string, string>>): string {
    return Object.entries(tags)
        .map(([key, value]) => `Key=${key},Value=${value}`)
        .join(";");
}

/** Escapes text for use as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
