/**
 * What every resource type of the AWS-API provider implements, and the helpers they share. A type
 * calls the AWS API (at AWS_ENDPOINT_URL: the emulator tier's moto) and answers in the shape of
 * @pulumi/aws's inputs, so the engine's diff of program and refreshed state compares like with like.
 */
/** Credentials as every SDK v3 client takes them. */
export interface AwsCredentialIdentity {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

/** Property bags as the engine sends them (JSON values). */
export type Props = Record<string, unknown>;

/** The engine's sentinel for a value not known until the resource exists (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One configured provider: its region and the credentials it acts with (after assumeRoles). */
export interface Ctx {
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    readonly credentials?: AwsCredentialIdentity;
    /** Client options every SDK client of this provider takes (region, credentials, retries). */
    readonly clientConfig: { region: string; credentials?: AwsCredentialIdentity; maxAttempts: number };
}

export interface ResourceType {
    /**
     * The longest name AWS takes, for a type whose `name` the program may leave unset: Check then
     * names it `<logical name>-<7 hex>`, as @pulumi/aws autonames, and keeps the name on updates.
     */
    readonly autoname?: number;
    /** Inputs AWS cannot change in place: a change replaces the resource. */
    readonly replaceOn?: readonly string[];
    /** A replacement must delete first: the new resource would take the old one's fixed identity. */
    readonly deleteBeforeReplace?: boolean;
    /** Creates the resource and returns the id AWS gave it (or that identifies it), plus outputs only known now. */
    create(ctx: Ctx, inputs: Props): Promise<{ id: string; outs?: Props }>;
    /**
     * The resource as the API holds it, in the inputs' shape plus computed outputs (arn, ...);
     * undefined when it no longer exists. `inputs` are the last known inputs: a field the API does
     * not return keeps its input value (the caller merges), and a JSON document the API re-serialised
     * is answered as the input's text when it means the same.
     */
    read(ctx: Ctx, id: string, inputs: Props): Promise<Props | undefined>;
    /** Applies the changed inputs in place (replaceOn keys never reach here). */
    update(ctx: Ctx, id: string, olds: Props, news: Props): Promise<Props | void>;
    delete(ctx: Ctx, id: string, state: Props): Promise<void>;
}

export function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

export function num(value: unknown): number | undefined {
    return typeof value === "number" ? value : undefined;
}

export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(isUnknown);
    }
    if (value && typeof value === "object") {
        return Object.values(value).some(isUnknown);
    }
    return false;
}

/** The input's own text when the API's document means the same JSON (IAM and EventBridge re-serialise them). */
export function sameJson(fromApi: string | undefined, input: unknown): string | undefined {
    if (fromApi === undefined) {
        return undefined;
    }
    let decoded = fromApi;
    if (/^%7B/i.test(fromApi)) {
        decoded = decodeURIComponent(fromApi); // IAM returns policy documents URL-encoded
    }
    if (typeof input === "string") {
        try {
            if (deepEqual(JSON.parse(decoded), JSON.parse(input))) {
                return input;
            }
        } catch {
            // not JSON: compared as text below
        }
    }
    return decoded;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined && v !== null)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, canonical(v)]),
        );
    }
    return value;
}

/** @pulumi/aws's `tags` map as the [{Key, Value}] list most AWS APIs take. */
export function tagList(tags: unknown): { Key: string; Value: string }[] {
    return Object.entries((tags ?? {}) as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
}

/** [{Key, Value}] (any casing of the two names) back to the map, or undefined when there are none. */
export function tagMap(list: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> | undefined {
    if (!list || list.length === 0) {
        return undefined;
    }
    return Object.fromEntries(list.map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/** The keys whose values differ between two property bags (an unknown value counts as a change). */
export function changedKeys(olds: Props, news: Props): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys]
        .filter((k) => !k.startsWith("__"))
        .filter((k) => isUnknown(news[k]) || !deepEqual(olds[k], news[k]))
        .sort();
}

/** Whether an AWS SDK error says the thing does not exist (each service has its own code). */
export function isNotFound(error: unknown): boolean {
    const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    const name = e?.name ?? e?.Code ?? "";
    return /NotFound|NoSuchEntity|DoesNotExist|InvalidDocument$|DoesNotExistException/.test(name) || e?.$metadata?.httpStatusCode === 404;
}

/** Runs a read call; a not-found answer is `undefined`. */
export async function orMissing<T>(call: Promise<T>): Promise<T | undefined> {
    try {
        return await call;
    } catch (error) {
        if (isNotFound(error)) {
            return undefined;
        }
        throw error;
    }
}

/** Runs a delete call; a resource already gone is not an error (someone deleted it behind Pulumi's back). */
export async function ignoreMissing(call: Promise<unknown>): Promise<void> {
    await orMissing(call);
}

/** The logical name of a URN (its last part). */
export function logicalName(urn: string): string {
    return urn.split("::").pop() ?? "";
}

/** The type token of a URN (the last type of its parent chain). */
export function typeOf(urn: string): string {
    const parts = urn.split("::");
    return (parts[2] ?? "").split("$").pop() ?? "";
}
