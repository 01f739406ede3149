/**
 * pulumi-resource-aws for the engine test tier: a provider plugin that CALLS THE AWS API, at
 * AWS_ENDPOINT_URL (the emulator tier's moto server), for every resource type the stack uses. The
 * real @pulumi/aws provider cannot be built from the Go module proxy (its module replaces the upstream
 * Terraform provider with a local, patched copy), so this one answers the same gRPC protocol with
 * the AWS SDK v3: ids and ARNs come back from the API, Read reads the API (so `pulumi refresh` and
 * `vss-fleet drift` see a change made behind Pulumi's back), Delete deletes. What moto lacks is
 * patched in test/emulator/moto_server.py, never answered here. docs/testing-engine.md says what it
 * covers and what it does not (it is no copy of the real provider's schema, defaults or validation).
 *
 * Every call is also appended to $STANDIN_AWS_CALLS (JSON lines), so tests can assert what the
 * engine asked for, as with the record-only stand-in.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as grpc from "@grpc/grpc-js";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { resourceTypes } from "./registry";
import { changedKeys, logicalName, typeOf, UNKNOWN, type AwsCredentialIdentity, type Ctx, type Props, type ResourceType } from "./types";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated protobuf modules are CommonJS without types */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const pluginproto = require("@pulumi/pulumi/proto/plugin_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** @pulumi/aws's version: the SDK asks the engine for exactly this plugin version. */
const VERSION = "7.48.0";

interface Struct {
    toJavaScript(): Props;
}

function record(fields: Record<string, unknown>): void {
    const file = process.env.STANDIN_AWS_CALLS;
    if (file) {
        fs.appendFileSync(file, JSON.stringify({ ...fields, pid: process.pid }) + "\n");
    }
}

function js(struct: Struct | undefined): Props {
    return struct ? struct.toJavaScript() : {};
}

/** A Struct of a property bag; undefined leaves dropped (protobuf has no undefined). */
function toStruct(props: Props): unknown {
    return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function partitionOf(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** A provider config value: the engine sends lists as lists, older clients as JSON text. */
function listOf(value: unknown): Props[] | string[] {
    if (typeof value === "string" && value.startsWith("[")) {
        return JSON.parse(value) as Props[];
    }
    return Array.isArray(value) ? (value as Props[]) : [];
}

class Provider {
    private ctx: Promise<Ctx> | undefined;

    /** Configure: region, the assumed roles, and the allowed-accounts guard the real provider applies. */
    async configure(args: Props, variables: Record<string, string>): Promise<void> {
        const region = (args.region as string) || variables["aws:config:region"] || process.env.AWS_REGION || "us-east-1";
        const allowed = listOf(args.allowedAccountIds ?? variables["aws:config:allowedAccountIds"]) as string[];
        const roles = listOf(args.assumeRoles ?? variables["aws:config:assumeRoles"]) as Props[];
        this.ctx = (async () => {
            let credentials: AwsCredentialIdentity | undefined;
            for (const role of roles) {
                const sts = new STSClient({ region, credentials });
                const out = await sts.send(
                    new AssumeRoleCommand({
                        RoleArn: String(role.roleArn),
                        RoleSessionName: String(role.sessionName ?? "vss-fleet"),
                        ExternalId: role.externalId as string | undefined,
                    }),
                );
                const c = out.Credentials;
                credentials = {
                    accessKeyId: c?.AccessKeyId ?? "",
                    secretAccessKey: c?.SecretAccessKey ?? "",
                    sessionToken: c?.SessionToken,
                };
            }
            const identity = await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}));
            const accountId = identity.Account ?? "";
            if (allowed.length > 0 && !allowed.includes(accountId)) {
                throw new Error(`AWS account ID not allowed: ${accountId} (allowedAccountIds: ${allowed.join(", ")})`);
            }
            return {
                region,
                accountId,
                partition: partitionOf(region),
                credentials,
                clientConfig: { region, credentials, maxAttempts: 3 },
            };
        })();
        // Surfaced on first use, so a preview that touches no resource does not need the API.
        this.ctx.catch(() => undefined);
    }

    async context(): Promise<Ctx> {
        if (!this.ctx) {
            await this.configure({}, {});
        }
        return this.ctx as Promise<Ctx>;
    }

    handler(urn: string): ResourceType {
        const type = typeOf(urn);
        const handler = resourceTypes[type];
        if (!handler) {
            throw new Error(`the AWS-API provider does not implement ${type} (test/engine/aws-api-provider/registry.ts)`);
        }
        return handler;
    }

    check(urn: string, olds: Props, news: Props, seed: Uint8Array): Props {
        const handler = this.handler(urn);
        if (handler.autoname && (news.name === undefined || news.name === null || news.name === "")) {
            const kept = typeof olds.name === "string" && olds.name !== "" ? olds.name : undefined;
            // From the engine's random seed, so a preview and the update after it name a resource alike.
            const random = seed.length > 0 ? crypto.createHash("sha256").update(seed).update(urn).digest() : crypto.randomBytes(4);
            const suffix = random.toString("hex").slice(0, 7);
            const name = kept ?? `${logicalName(urn).slice(0, handler.autoname - 8)}-${suffix}`;
            return { ...news, name };
        }
        return news;
    }

    diff(urn: string, oldInputs: Props, news: Props) {
        const handler = this.handler(urn);
        const diffs = changedKeys(oldInputs, news);
        const replaces = diffs.filter((k) => handler.replaceOn?.includes(k));
        return { diffs, replaces, deleteBeforeReplace: replaces.length > 0 && handler.deleteBeforeReplace === true };
    }

    /** What a preview shows for a resource not created yet: its inputs, and the API's values unknown. */
    private previewOutputs(inputs: Props, state: Props = {}): Props {
        return { arn: UNKNOWN, ...state, ...inputs };
    }

    async create(urn: string, inputs: Props, preview: boolean): Promise<{ id: string; outs: Props }> {
        const handler = this.handler(urn);
        if (preview) {
            const outs = this.previewOutputs(inputs);
            if (typeOf(urn) === "aws:ssm/document:Document") {
                Object.assign(outs, { latestVersion: UNKNOWN, defaultVersion: UNKNOWN, documentVersion: UNKNOWN });
            }
            return { id: "", outs };
        }
        const ctx = await this.context();
        const made = await handler.create(ctx, inputs);
        const read = await handler.read(ctx, made.id, inputs);
        if (!read) {
            throw new Error(`${typeOf(urn)} ${made.id} was created but the API does not return it`);
        }
        return { id: made.id, outs: { ...inputs, ...definedOf(read), ...made.outs, id: made.id } };
    }

    async read(urn: string, id: string, state: Props, oldInputs: Props): Promise<{ id: string; outs?: Props; inputs?: Props }> {
        const handler = this.handler(urn);
        const ctx = await this.context();
        const known = { ...state, ...oldInputs };
        const read = await handler.read(ctx, id, known);
        if (!read) {
            return { id: "" };
        }
        const found = definedOf(read);
        // The inputs as the API now has them: only the keys the program sets, so a default the API
        // fills in is not a change, and a value changed behind Pulumi's back is.
        const inputs = Object.fromEntries(
            Object.keys(oldInputs).map((k) => [k, k in found && !k.startsWith("__") ? found[k] : oldInputs[k]]),
        );
        return { id, outs: { ...state, ...found, id }, inputs };
    }

    async update(urn: string, id: string, olds: Props, oldInputs: Props, news: Props, preview: boolean): Promise<Props> {
        const handler = this.handler(urn);
        if (preview) {
            return this.previewOutputs(news, olds);
        }
        const ctx = await this.context();
        const extra = (await handler.update(ctx, id, oldInputs, news)) ?? {};
        const read = await handler.read(ctx, id, news);
        if (!read) {
            throw new Error(`${typeOf(urn)} ${id} was updated but the API no longer returns it`);
        }
        return { ...olds, ...news, ...definedOf(read), ...extra, id };
    }

    async delete(urn: string, id: string, state: Props): Promise<void> {
        const handler = this.handler(urn);
        await handler.delete(await this.context(), id, state);
    }

    async invoke(tok: string): Promise<Props> {
        const ctx = await this.context();
        switch (tok) {
            case "aws:index/getCallerIdentity:getCallerIdentity": {
                const who = await new STSClient(ctx.clientConfig).send(new GetCallerIdentityCommand({}));
                return { accountId: who.Account, id: who.Account, userId: who.UserId, arn: who.Arn };
            }
            case "aws:index/getRegion:getRegion":
                return {
                    id: ctx.region,
                    name: ctx.region,
                    region: ctx.region,
                    description: ctx.region,
                    endpoint: `ec2.${ctx.region}.amazonaws.com`,
                };
            case "aws:index/getPartition:getPartition":
                return { id: ctx.partition, partition: ctx.partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            default:
                throw new Error(`the AWS-API provider does not implement the invoke ${tok}`);
        }
    }
}

function definedOf(props: Props): Props {
    return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined && v !== null));
}

/** createDelay (STANDIN_AWS_CREATE_DELAY_MS) keeps an update running long enough to be interrupted. */
function createDelay(): Promise<void> {
    const ms = Number(process.env.STANDIN_AWS_CREATE_DELAY_MS ?? 0);
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

type Callback = (error: grpc.ServiceError | null, value?: unknown) => void;
type Handler = (request: any) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

function unary(name: string, handle: Handler) {
    return (call: { request: unknown }, callback: Callback) => {
        handle(call.request).then(
            (value) => callback(null, value),
            (error: unknown) => {
                const message =
                    error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
                process.stderr.write(`aws-api provider ${name}: ${message}\n`);
                callback({ code: grpc.status.UNKNOWN, details: message, message, name: "Error", metadata: new grpc.Metadata() });
            },
        );
    };
}

function service(provider: Provider) {
    return {
        getPluginInfo: unary("GetPluginInfo", async () => {
            record({ method: "GetPluginInfo" });
            const info = new pluginproto.PluginInfo();
            info.setVersion(VERSION);
            return info;
        }),
        getSchema: unary("GetSchema", async () => {
            record({ method: "GetSchema" });
            const out = new provproto.GetSchemaResponse();
            out.setSchema(JSON.stringify({ name: "aws", version: VERSION }));
            return out;
        }),
        attach: unary("Attach", async () => new emptyproto.Empty()),
        cancel: unary("Cancel", async () => {
            record({ method: "Cancel" });
            return new emptyproto.Empty();
        }),
        checkConfig: unary("CheckConfig", async (req) => {
            record({ method: "CheckConfig", urn: req.getUrn() });
            const out = new provproto.CheckResponse();
            out.setInputs(req.getNews());
            return out;
        }),
        diffConfig: unary("DiffConfig", async (req) => {
            const keys = changedKeys(js(req.getOldInputs()), js(req.getNews()));
            record({ method: "DiffConfig", urn: req.getUrn(), changes: keys });
            const out = new provproto.DiffResponse();
            out.setChanges(keys.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
            out.setDiffsList(keys);
            return out;
        }),
        configure: unary("Configure", async (req) => {
            const variables = Object.fromEntries(req.getVariablesMap().toArray() as [string, string][]);
            await provider.configure(js(req.getArgs()), variables);
            record({ method: "Configure" });
            const out = new provproto.ConfigureResponse();
            out.setSupportspreview(true);
            out.setAcceptsecrets(false);
            out.setAcceptresources(false);
            return out;
        }),
        check: unary("Check", async (req) => {
            record({ method: "Check", urn: req.getUrn() });
            const out = new provproto.CheckResponse();
            out.setInputs(toStruct(provider.check(req.getUrn(), js(req.getOlds()), js(req.getNews()), req.getRandomseed_asU8())));
            return out;
        }),
        diff: unary("Diff", async (req) => {
            const { diffs, replaces, deleteBeforeReplace } = provider.diff(req.getUrn(), js(req.getOldInputs()), js(req.getNews()));
            record({ method: "Diff", urn: req.getUrn(), id: req.getId(), changes: diffs });
            const out = new provproto.DiffResponse();
            out.setChanges(diffs.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
            out.setDiffsList(diffs);
            out.setReplacesList(replaces);
            out.setDeletebeforereplace(deleteBeforeReplace);
            return out;
        }),
        create: unary("Create", async (req) => {
            const preview = req.getPreview();
            if (!preview) {
                await createDelay();
            }
            const made = await provider.create(req.getUrn(), js(req.getProperties()), preview);
            record({ method: "Create", urn: req.getUrn(), id: made.id, preview });
            const out = new provproto.CreateResponse();
            out.setId(made.id);
            out.setProperties(toStruct(made.outs));
            return out;
        }),
        read: unary("Read", async (req) => {
            const found = await provider.read(req.getUrn(), req.getId(), js(req.getProperties()), js(req.getInputs()));
            record({ method: "Read", urn: req.getUrn(), id: req.getId(), found: found.id !== "" });
            const out = new provproto.ReadResponse();
            out.setId(found.id);
            if (found.outs) {
                out.setProperties(toStruct(found.outs));
            }
            if (found.inputs) {
                out.setInputs(toStruct(found.inputs));
            }
            return out;
        }),
        update: unary("Update", async (req) => {
            const oldInputs = js(req.getOldInputs());
            const news = js(req.getNews());
            const preview = req.getPreview();
            record({ method: "Update", urn: req.getUrn(), id: req.getId(), preview, changes: changedKeys(oldInputs, news) });
            const outs = await provider.update(req.getUrn(), req.getId(), js(req.getOlds()), oldInputs, news, preview);
            const out = new provproto.UpdateResponse();
            out.setProperties(toStruct(outs));
            return out;
        }),
        delete: unary("Delete", async (req) => {
            record({ method: "Delete", urn: req.getUrn(), id: req.getId() });
            await provider.delete(req.getUrn(), req.getId(), js(req.getProperties()));
            return new emptyproto.Empty();
        }),
        invoke: unary("Invoke", async (req) => {
            record({ method: "Invoke", tok: req.getTok() });
            const out = new provproto.InvokeResponse();
            out.setReturn(toStruct(await provider.invoke(req.getTok())));
            return out;
        }),
    };
}

function main(): void {
    const server = new grpc.Server();
    server.addService(provrpc.ResourceProviderService, service(new Provider()) as unknown as grpc.UntypedServiceImplementation);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error) {
            process.stderr.write(`aws-api provider: cannot listen: ${error.message}\n`);
            process.exitCode = 1;
            return;
        }
        // The engine reads the port from the first line of stdout.
        process.stdout.write(`${port}\n`);
    });
}

main();
