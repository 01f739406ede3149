/**
 * A failed AWS call in one line: which call, to which endpoint, what came back and what to check.
 * The SDK's own text for an endpoint that answers HTML (a proxy's login page, a wrong
 * AWS_ENDPOINT_URL) is a JSON or XML parser's complaint plus a hint about a hidden `$response` field;
 * for missing credentials it names no step. traced() makes each client remember its calls' service,
 * operation and endpoint on the error; awsFailureLine() turns that into the line a person can act on.
 */

const CALL = Symbol.for("vss-fleet.awsCall");

interface Call {
    readonly service: string;
    readonly operation: string;
    readonly endpoint?: string;
}

/** The part of an SDK client traced() needs: its middleware stack (typed loosely: any client fits). */
interface Traceable {
    readonly middlewareStack: {
        add: (middleware: never, options: never) => void;
    };
}

/** What an endpoint that is not AWS answered: HTML where AWS answers XML or JSON. */
export class NotAwsResponse extends Error {
    constructor(
        readonly $response: { readonly statusCode?: number; readonly headers?: Record<string, string> },
        readonly $responseBodyText: string,
    ) {
        super("the endpoint answered HTML, not an AWS response");
        this.name = "NotAwsResponse";
    }
}

async function readBody(body: unknown): Promise<string> {
    if (typeof body === "string") {
        return body;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
        chunks.push(Buffer.from(chunk));
        if (chunks.reduce((n, c) => n + c.length, 0) > 4096) {
            break;
        }
    }
    return Buffer.concat(chunks).toString("utf8");
}

type Handler = (args: unknown) => Promise<unknown>;
interface Context {
    readonly clientName?: string;
    readonly commandName?: string;
    readonly endpointV2?: { readonly url?: URL };
}

/** Adds the call's service, operation and endpoint to any error it throws (the outermost step: credentials included). */
export function traced<C extends Traceable>(client: C): C {
    const middleware = (next: Handler, context: Context) => async (args: unknown) => {
        try {
            return await next(args);
        } catch (error) {
            if (error !== null && typeof error === "object" && !(CALL in error)) {
                const call: Call = {
                    service: (context.clientName ?? "AWS").replace(/Client$/, ""),
                    operation: (context.commandName ?? "call").replace(/Command$/, ""),
                    ...(context.endpointV2?.url ? { endpoint: context.endpointV2.url.href } : {}),
                };
                Object.defineProperty(error, CALL, { value: call, enumerable: false });
            }
            throw error;
        }
    };
    client.middlewareStack.add(middleware as never, { step: "initialize", name: "vssFleetCallTrace" } as never);
    // Closest to the wire, before the SDK parses: EC2's XML parser reads an HTML page as an empty
    // answer (no instances, no snapshots) instead of failing, so HTML is refused here.
    const html = (next: Handler) => async (args: unknown) => {
        const result = (await next(args)) as { response?: { statusCode?: number; headers?: Record<string, string>; body?: unknown } };
        const response = result.response;
        if (response && /text\/html/i.test(response.headers?.["content-type"] ?? "")) {
            throw new NotAwsResponse(response, await readBody(response.body));
        }
        return result;
    };
    client.middlewareStack.add(html as never, { step: "deserialize", name: "vssFleetNotAws", priority: "low" } as never);
    return client;
}

interface SdkError extends Error {
    readonly $metadata?: { readonly httpStatusCode?: number };
    readonly $response?: { readonly statusCode?: number; readonly headers?: Record<string, string>; readonly body?: unknown };
    readonly $responseBodyText?: string;
    readonly [CALL]?: Call;
}

/** Errors raised by the AWS SDK: service errors carry $metadata or $response; credential errors are named for it. */
export function isAwsError(error: unknown): error is SdkError {
    return (
        error instanceof Error &&
        ("$metadata" in error ||
            "$response" in error ||
            CALL in error ||
            /CredentialsProviderError|ProviderError|TokenProviderError/.test(error.name))
    );
}

/** What the step was, in the words of the docs, from the call. */
function stepOf(call: Call | undefined): string {
    const name = `${call?.service} ${call?.operation}`;
    if (name === "STS GetCallerIdentity") {
        return "the STS account guard";
    }
    if (name === "EC2 DescribeInstances" || name === "SSM DescribeInstanceInformation") {
        return "the live inventory";
    }
    return call ? `${call.service} ${call.operation}` : "an AWS call";
}

const CREDENTIALS =
    /CredentialsProviderError|ProviderError|TokenProviderError|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|Could not load credentials/;

/** The first bytes of a body, escaped so a control character or a newline cannot break the line. */
function firstBytes(body: string): string {
    const head = body.slice(0, 80);
    return JSON.stringify(head).slice(0, -1) + (body.length > 80 ? '..."' : '"');
}

function bodyText(error: SdkError): string | undefined {
    const body = error.$responseBodyText ?? error.$response?.body;
    if (typeof body === "string") {
        return body;
    }
    if (body instanceof Uint8Array) {
        return Buffer.from(body).toString("utf8");
    }
    return undefined;
}

/**
 * One line for an AWS SDK error, or undefined for any other error. `step` names what the command was
 * doing when the call itself does not say (verify's Recycle Bin check, restore's reads).
 */
export function awsFailureLine(error: unknown, step?: string): string | undefined {
    if (!isAwsError(error)) {
        return undefined;
    }
    const call = error[CALL];
    const what = step ?? stepOf(call);
    const detail =
        call && step
            ? ` (${call.service} ${call.operation})`
            : call && what !== `${call.service} ${call.operation}`
              ? ` (${call.service} ${call.operation})`
              : "";
    const where = call?.endpoint ? ` to ${call.endpoint}` : "";
    const message = (error.message.split("\n")[0] ?? "").trim();
    if (CREDENTIALS.test(`${error.name} ${message}`)) {
        return (
            `${what}${detail}: no usable AWS credentials (${error.name}: ${message}): set AWS_PROFILE to a profile of the ` +
            "account, run 'aws sso login' when that profile uses SSO, or pass --inventory FILE to work from the AWS CLI's JSON instead"
        );
    }
    const body = bodyText(error);
    const status = error.$response?.statusCode ?? error.$metadata?.httpStatusCode;
    const type = error.$response?.headers?.["content-type"];
    const notAws =
        (body !== undefined && /^\s*</.test(body) && /<html|<!doctype/i.test(body.slice(0, 512))) ||
        error.name === "SyntaxError" ||
        error instanceof NotAwsResponse ||
        /Deserialization error/.test(error.message);
    if (notAws) {
        const endpoint = process.env.AWS_ENDPOINT_URL;
        return (
            `${what}${detail}${where} answered${status ? ` HTTP ${status}` : ""}${type ? ` (${type})` : ""} ` +
            `${body !== undefined ? firstBytes(body) : `something that is not an AWS response (${error.name})`}, not an AWS response: ` +
            `check AWS_ENDPOINT_URL${endpoint ? ` (now ${endpoint})` : " and AWS_ENDPOINT_URL_<SERVICE>"}, a proxy (HTTPS_PROXY) and the region`
        );
    }
    return `${what}${detail}${where} failed: ${error.name}: ${message}`;
}
