/** Lambda: the function (its real bundle, zipped), its resource-policy permissions and its event-invoke config. */
import {
    AddPermissionCommand,
    CreateFunctionCommand,
    DeleteFunctionCommand,
    DeleteFunctionConcurrencyCommand,
    DeleteFunctionEventInvokeConfigCommand,
    GetFunctionCommand,
    GetFunctionEventInvokeConfigCommand,
    GetPolicyCommand,
    LambdaClient,
    PutFunctionConcurrencyCommand,
    PutFunctionEventInvokeConfigCommand,
    RemovePermissionCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateFunctionCodeCommand,
    UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipArchive } from "./archive";
import { deepEqual, ignoreMissing, num, orMissing, str, type Ctx, type Props, type ResourceType } from "./types";

const lambda = (ctx: Ctx) => new LambdaClient(ctx.clientConfig);

function configuration(inputs: Props) {
    const env = inputs.environment as { variables?: Record<string, string> } | undefined;
    const logging = inputs.loggingConfig as
        { logFormat?: string; logGroup?: string; applicationLogLevel?: string; systemLogLevel?: string } | undefined;
    return {
        Description: str(inputs.description),
        Runtime: str(inputs.runtime) as never,
        Handler: str(inputs.handler),
        Role: str(inputs.role),
        Timeout: num(inputs.timeout),
        MemorySize: num(inputs.memorySize),
        Environment: env?.variables ? { Variables: env.variables } : undefined,
        LoggingConfig: logging
            ? {
                  LogFormat: logging.logFormat as never,
                  LogGroup: logging.logGroup,
                  ApplicationLogLevel: logging.applicationLogLevel as never,
                  SystemLogLevel: logging.systemLogLevel as never,
              }
            : undefined,
    };
}

export const fn: ResourceType = {
    autoname: 64,
    replaceOn: ["name"],
    async create(ctx, inputs) {
        const { zip, sha256 } = zipArchive(inputs.code);
        const client = lambda(ctx);
        const out = await client.send(
            new CreateFunctionCommand({
                FunctionName: str(inputs.name),
                ...configuration(inputs),
                Architectures: inputs.architectures as never,
                Code: { ZipFile: zip },
                Tags: inputs.tags as Record<string, string> | undefined,
            }),
        );
        if (num(inputs.reservedConcurrentExecutions) !== undefined && (inputs.reservedConcurrentExecutions as number) >= 0) {
            await client.send(
                new PutFunctionConcurrencyCommand({
                    FunctionName: out.FunctionName,
                    ReservedConcurrentExecutions: inputs.reservedConcurrentExecutions as number,
                }),
            );
        }
        return { id: out.FunctionName ?? "", outs: { sourceCodeHash: sha256 } };
    },
    async read(ctx, id) {
        const out = await orMissing(lambda(ctx).send(new GetFunctionCommand({ FunctionName: id })));
        const c = out?.Configuration;
        if (!c) {
            return undefined;
        }
        const l = c.LoggingConfig;
        return {
            name: c.FunctionName,
            arn: c.FunctionArn,
            qualifiedArn: `${c.FunctionArn}:${c.Version ?? "$LATEST"}`,
            invokeArn: `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}/invocations`,
            version: c.Version,
            lastModified: c.LastModified,
            description: c.Description,
            runtime: c.Runtime,
            handler: c.Handler,
            role: c.Role,
            timeout: c.Timeout,
            memorySize: c.MemorySize,
            architectures: c.Architectures,
            environment: c.Environment?.Variables ? { variables: c.Environment.Variables } : undefined,
            loggingConfig: l
                ? {
                      logFormat: l.LogFormat,
                      logGroup: l.LogGroup,
                      applicationLogLevel: l.ApplicationLogLevel,
                      systemLogLevel: l.SystemLogLevel,
                  }
                : undefined,
            reservedConcurrentExecutions: out.Concurrency?.ReservedConcurrentExecutions ?? -1,
            sourceCodeHash: c.CodeSha256,
            codeSha256: c.CodeSha256,
            sourceCodeSize: c.CodeSize,
            tags: out.Tags && Object.keys(out.Tags).length > 0 ? out.Tags : undefined,
        };
    },
    async update(ctx, id, olds, news) {
        const client = lambda(ctx);
        let sourceCodeHash: string | undefined;
        if (!deepEqual(olds.code, news.code) || !deepEqual(olds.architectures, news.architectures)) {
            const { zip, sha256 } = zipArchive(news.code);
            await client.send(
                new UpdateFunctionCodeCommand({ FunctionName: id, ZipFile: zip, Architectures: news.architectures as never }),
            );
            sourceCodeHash = sha256;
        }
        const before = configuration(olds);
        const after = configuration(news);
        if (!deepEqual(before, after)) {
            await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: id, ...after }));
        }
        if (olds.reservedConcurrentExecutions !== news.reservedConcurrentExecutions) {
            const n = num(news.reservedConcurrentExecutions);
            if (n !== undefined && n >= 0) {
                await client.send(new PutFunctionConcurrencyCommand({ FunctionName: id, ReservedConcurrentExecutions: n }));
            } else {
                await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: id }));
            }
        }
        if (!deepEqual(olds.tags, news.tags)) {
            const arn = (await client.send(new GetFunctionCommand({ FunctionName: id }))).Configuration?.FunctionArn;
            const gone = Object.keys((olds.tags ?? {}) as object).filter((k) => !(k in ((news.tags ?? {}) as object)));
            if (gone.length > 0) {
                await client.send(new UntagResourceCommand({ Resource: arn, TagKeys: gone }));
            }
            if (news.tags && Object.keys(news.tags).length > 0) {
                await client.send(new TagResourceCommand({ Resource: arn, Tags: news.tags as Record<string, string> }));
            }
        }
        return sourceCodeHash ? { sourceCodeHash } : undefined;
    },
    async delete(ctx, id) {
        await ignoreMissing(lambda(ctx).send(new DeleteFunctionCommand({ FunctionName: id })));
    },
};

interface Statement {
    Sid?: string;
    Action?: string;
    Principal?: { Service?: string; AWS?: string } | string;
    Condition?: { ArnLike?: Record<string, string>; StringEquals?: Record<string, string> };
}

/** id: the statement id, within the function named by `function`. */
export const permission: ResourceType = {
    replaceOn: ["statementId", "action", "function", "principal", "sourceArn", "sourceAccount", "qualifier", "eventSourceToken"],
    deleteBeforeReplace: true,
    async create(ctx, inputs) {
        await lambda(ctx).send(
            new AddPermissionCommand({
                FunctionName: str(inputs.function),
                StatementId: str(inputs.statementId),
                Action: str(inputs.action),
                Principal: str(inputs.principal),
                SourceArn: str(inputs.sourceArn),
                SourceAccount: str(inputs.sourceAccount),
                Qualifier: str(inputs.qualifier),
            }),
        );
        return { id: String(inputs.statementId) };
    },
    async read(ctx, id, inputs) {
        const out = await orMissing(
            lambda(ctx).send(new GetPolicyCommand({ FunctionName: str(inputs.function), Qualifier: str(inputs.qualifier) })),
        );
        const statements = ((out?.Policy ? JSON.parse(out.Policy) : { Statement: [] }) as { Statement: Statement[] }).Statement;
        const s = statements.find((x) => x.Sid === id);
        if (!s) {
            return undefined;
        }
        const principal = typeof s.Principal === "string" ? s.Principal : (s.Principal?.Service ?? s.Principal?.AWS);
        const condition = (kind: "ArnLike" | "StringEquals", key: string) => {
            const block = s.Condition?.[kind] ?? {};
            return Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
        };
        return {
            statementId: s.Sid,
            action: s.Action,
            principal,
            sourceArn: condition("ArnLike", "AWS:SourceArn"),
            sourceAccount: condition("StringEquals", "AWS:SourceAccount"),
        };
    },
    async update() {
        // Every input replaces.
    },
    async delete(ctx, id, state) {
        await ignoreMissing(
            lambda(ctx).send(
                new RemovePermissionCommand({ FunctionName: str(state.function), StatementId: id, Qualifier: str(state.qualifier) }),
            ),
        );
    },
};

function invokeConfig(inputs: Props) {
    const destinations = inputs.destinationConfig as
        { onFailure?: { destination?: string }; onSuccess?: { destination?: string } } | undefined;
    return {
        FunctionName: str(inputs.functionName),
        Qualifier: str(inputs.qualifier),
        MaximumRetryAttempts: num(inputs.maximumRetryAttempts),
        MaximumEventAgeInSeconds: num(inputs.maximumEventAgeInSeconds),
        DestinationConfig: destinations
            ? {
                  OnFailure: destinations.onFailure ? { Destination: destinations.onFailure.destination } : undefined,
                  OnSuccess: destinations.onSuccess ? { Destination: destinations.onSuccess.destination } : undefined,
              }
            : undefined,
    };
}

/** id: the function name (with `:qualifier` when one is set), as @pulumi/aws has it. */
export const eventInvokeConfig: ResourceType = {
    replaceOn: ["functionName", "qualifier"],
    async create(ctx, inputs) {
        await lambda(ctx).send(new PutFunctionEventInvokeConfigCommand(invokeConfig(inputs)));
        return { id: str(inputs.qualifier) ? `${String(inputs.functionName)}:${String(inputs.qualifier)}` : String(inputs.functionName) };
    },
    async read(ctx, _id, inputs) {
        const out = await orMissing(
            lambda(ctx).send(
                new GetFunctionEventInvokeConfigCommand({ FunctionName: str(inputs.functionName), Qualifier: str(inputs.qualifier) }),
            ),
        );
        if (!out) {
            return undefined;
        }
        const d = out.DestinationConfig;
        const onFailure = d?.OnFailure?.Destination;
        const onSuccess = d?.OnSuccess?.Destination;
        return {
            maximumRetryAttempts: out.MaximumRetryAttempts,
            maximumEventAgeInSeconds: out.MaximumEventAgeInSeconds,
            destinationConfig:
                onFailure || onSuccess
                    ? {
                          ...(onFailure ? { onFailure: { destination: onFailure } } : {}),
                          ...(onSuccess ? { onSuccess: { destination: onSuccess } } : {}),
                      }
                    : undefined,
        };
    },
    async update(ctx, _id, _olds, news) {
        await lambda(ctx).send(new PutFunctionEventInvokeConfigCommand(invokeConfig(news)));
    },
    async delete(ctx, _id, state) {
        await ignoreMissing(
            lambda(ctx).send(
                new DeleteFunctionEventInvokeConfigCommand({ FunctionName: str(state.functionName), Qualifier: str(state.qualifier) }),
            ),
        );
    },
};
