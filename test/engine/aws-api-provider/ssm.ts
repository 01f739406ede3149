/** SSM: the Command document, the maintenance window, its target and its tasks. */
import {
    AddTagsToResourceCommand,
    CreateDocumentCommand,
    CreateMaintenanceWindowCommand,
    DeleteDocumentCommand,
    DeleteMaintenanceWindowCommand,
    DeregisterTargetFromMaintenanceWindowCommand,
    DeregisterTaskFromMaintenanceWindowCommand,
    DescribeDocumentCommand,
    DescribeMaintenanceWindowTargetsCommand,
    DescribeMaintenanceWindowTasksCommand,
    GetDocumentCommand,
    GetMaintenanceWindowCommand,
    GetMaintenanceWindowTaskCommand,
    ListTagsForResourceCommand,
    RegisterTargetWithMaintenanceWindowCommand,
    RegisterTaskWithMaintenanceWindowCommand,
    RemoveTagsFromResourceCommand,
    SSMClient,
    UpdateDocumentCommand,
    UpdateDocumentDefaultVersionCommand,
    UpdateMaintenanceWindowCommand,
    UpdateMaintenanceWindowTargetCommand,
    UpdateMaintenanceWindowTaskCommand,
    type MaintenanceWindowTaskInvocationParameters,
    type ResourceTypeForTagging,
    type Target,
} from "@aws-sdk/client-ssm";
import { ignoreMissing, num, orMissing, sameJson, str, tagList, tagMap, type Ctx, type Props, type ResourceType } from "./types";

const ssm = (ctx: Ctx) => new SSMClient(ctx.clientConfig);

async function tagsOf(ctx: Ctx, type: ResourceTypeForTagging, id: string): Promise<Record<string, string> | undefined> {
    const out = await ssm(ctx).send(new ListTagsForResourceCommand({ ResourceType: type, ResourceId: id }));
    return tagMap(out.TagList);
}

async function retag(ctx: Ctx, type: ResourceTypeForTagging, id: string, olds: Props, news: Props): Promise<void> {
    const before = (olds.tags ?? {}) as Record<string, string>;
    const after = (news.tags ?? {}) as Record<string, string>;
    const gone = Object.keys(before).filter((k) => !(k in after));
    if (gone.length > 0) {
        await ssm(ctx).send(new RemoveTagsFromResourceCommand({ ResourceType: type, ResourceId: id, TagKeys: gone }));
    }
    const set = tagList(after).filter((t) => before[t.Key] !== t.Value);
    if (set.length > 0) {
        await ssm(ctx).send(new AddTagsToResourceCommand({ ResourceType: type, ResourceId: id, Tags: set }));
    }
}

export const document: ResourceType = {
    autoname: 128,
    replaceOn: ["name", "documentType", "documentFormat"],
    async create(ctx, inputs) {
        const out = await ssm(ctx).send(
            new CreateDocumentCommand({
                Name: str(inputs.name),
                Content: str(inputs.content),
                DocumentType: str(inputs.documentType) as never,
                DocumentFormat: str(inputs.documentFormat) as never,
                TargetType: str(inputs.targetType),
                VersionName: str(inputs.versionName),
                Tags: tagList(inputs.tags),
            }),
        );
        return { id: out.DocumentDescription?.Name ?? "" };
    },
    async read(ctx, id, inputs) {
        const client = ssm(ctx);
        const described = await orMissing(client.send(new DescribeDocumentCommand({ Name: id })));
        const d = described?.Document;
        if (!d) {
            return undefined;
        }
        const content = await client.send(
            new GetDocumentCommand({ Name: id, DocumentVersion: d.DefaultVersion, DocumentFormat: d.DocumentFormat }),
        );
        return {
            name: d.Name,
            arn: `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:document/${d.Name}`,
            documentType: d.DocumentType,
            documentFormat: d.DocumentFormat,
            targetType: d.TargetType,
            content: sameJson(content.Content, inputs.content),
            latestVersion: d.LatestVersion,
            defaultVersion: d.DefaultVersion,
            documentVersion: d.DocumentVersion,
            hash: d.Hash,
            hashType: d.HashType,
            schemaVersion: d.SchemaVersion,
            status: d.Status,
            owner: d.Owner,
            tags: await tagsOf(ctx, "Document", id),
        };
    },
    async update(ctx, id, olds, news) {
        const client = ssm(ctx);
        if (olds.content !== news.content || olds.targetType !== news.targetType) {
            // A new version, made the default, as @pulumi/aws does: the window task pins latestVersion.
            const out = await client.send(
                new UpdateDocumentCommand({
                    Name: id,
                    Content: str(news.content),
                    DocumentFormat: str(news.documentFormat) as never,
                    TargetType: str(news.targetType),
                    DocumentVersion: "$LATEST",
                }),
            );
            await client.send(
                new UpdateDocumentDefaultVersionCommand({ Name: id, DocumentVersion: out.DocumentDescription?.DocumentVersion }),
            );
        }
        await retag(ctx, "Document", id, olds, news);
    },
    async delete(ctx, id) {
        await ignoreMissing(ssm(ctx).send(new DeleteDocumentCommand({ Name: id })));
    },
};

export const maintenanceWindow: ResourceType = {
    autoname: 128,
    async create(ctx, inputs) {
        const out = await ssm(ctx).send(
            new CreateMaintenanceWindowCommand({
                Name: str(inputs.name),
                Description: str(inputs.description),
                Schedule: str(inputs.schedule),
                ScheduleTimezone: str(inputs.scheduleTimezone),
                ScheduleOffset: num(inputs.scheduleOffset),
                Duration: num(inputs.duration),
                Cutoff: num(inputs.cutoff),
                AllowUnassociatedTargets: inputs.allowUnassociatedTargets === true,
                StartDate: str(inputs.startDate),
                EndDate: str(inputs.endDate),
                Tags: tagList(inputs.tags),
            }),
        );
        const id = out.WindowId ?? "";
        if (inputs.enabled === false) {
            await ssm(ctx).send(new UpdateMaintenanceWindowCommand({ WindowId: id, Enabled: false }));
        }
        return { id };
    },
    async read(ctx, id) {
        const w = await orMissing(ssm(ctx).send(new GetMaintenanceWindowCommand({ WindowId: id })));
        if (!w) {
            return undefined;
        }
        return {
            name: w.Name,
            description: w.Description,
            schedule: w.Schedule,
            scheduleTimezone: w.ScheduleTimezone,
            scheduleOffset: w.ScheduleOffset,
            duration: w.Duration,
            cutoff: w.Cutoff,
            allowUnassociatedTargets: w.AllowUnassociatedTargets,
            enabled: w.Enabled,
            startDate: w.StartDate,
            endDate: w.EndDate,
            tags: await tagsOf(ctx, "MaintenanceWindow", id),
        };
    },
    async update(ctx, id, olds, news) {
        await ssm(ctx).send(
            new UpdateMaintenanceWindowCommand({
                WindowId: id,
                Name: str(news.name),
                Description: str(news.description),
                Schedule: str(news.schedule),
                ScheduleTimezone: str(news.scheduleTimezone),
                ScheduleOffset: num(news.scheduleOffset),
                Duration: num(news.duration),
                Cutoff: num(news.cutoff),
                AllowUnassociatedTargets: news.allowUnassociatedTargets === true,
                Enabled: news.enabled !== false,
                StartDate: str(news.startDate),
                EndDate: str(news.endDate),
            }),
        );
        await retag(ctx, "MaintenanceWindow", id, olds, news);
    },
    async delete(ctx, id) {
        await ignoreMissing(ssm(ctx).send(new DeleteMaintenanceWindowCommand({ WindowId: id })));
    },
};

function targetsIn(value: unknown): Target[] {
    return ((value ?? []) as { key: string; values: string[] }[]).map((t) => ({ Key: t.key, Values: t.values }));
}

function targetsOut(value: Target[] | undefined): { key: string; values: string[] }[] | undefined {
    return value?.map((t) => ({ key: t.Key ?? "", values: t.Values ?? [] }));
}

export const maintenanceWindowTarget: ResourceType = {
    replaceOn: ["windowId", "resourceType"],
    async create(ctx, inputs) {
        const out = await ssm(ctx).send(
            new RegisterTargetWithMaintenanceWindowCommand({
                WindowId: str(inputs.windowId),
                ResourceType: str(inputs.resourceType) as never,
                Targets: targetsIn(inputs.targets),
                Name: str(inputs.name),
                Description: str(inputs.description),
                OwnerInformation: str(inputs.ownerInformation),
            }),
        );
        return { id: out.WindowTargetId ?? "" };
    },
    async read(ctx, id, inputs) {
        const out = await orMissing(ssm(ctx).send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: str(inputs.windowId) })));
        const t = out?.Targets?.find((x) => x.WindowTargetId === id);
        if (!t) {
            return undefined;
        }
        return {
            windowId: t.WindowId,
            resourceType: t.ResourceType,
            targets: targetsOut(t.Targets),
            name: t.Name,
            description: t.Description,
            ownerInformation: t.OwnerInformation,
        };
    },
    async update(ctx, id, _olds, news) {
        await ssm(ctx).send(
            new UpdateMaintenanceWindowTargetCommand({
                WindowId: str(news.windowId),
                WindowTargetId: id,
                Targets: targetsIn(news.targets),
                Name: str(news.name),
                Description: str(news.description),
                OwnerInformation: str(news.ownerInformation),
                Replace: true,
            }),
        );
    },
    async delete(ctx, id, state) {
        await ignoreMissing(
            ssm(ctx).send(new DeregisterTargetFromMaintenanceWindowCommand({ WindowId: str(state.windowId), WindowTargetId: id })),
        );
    },
};

interface RunCommandInput {
    documentVersion?: string;
    parameters?: { name: string; values: string[] }[];
    timeoutSeconds?: number;
    comment?: string;
    outputS3Bucket?: string;
    outputS3KeyPrefix?: string;
    cloudwatchConfig?: { cloudwatchLogGroupName?: string; cloudwatchOutputEnabled?: boolean };
    notificationConfig?: { notificationArn?: string; notificationEvents?: string[]; notificationType?: string };
    serviceRoleArn?: string;
}

/** @pulumi/aws's taskInvocationParameters (RUN_COMMAND or LAMBDA) as SSM's TaskInvocationParameters. */
function invocationIn(value: unknown): MaintenanceWindowTaskInvocationParameters | undefined {
    const p = value as
        | { runCommandParameters?: RunCommandInput; lambdaParameters?: { payload?: string; clientContext?: string; qualifier?: string } }
        | undefined;
    if (p?.runCommandParameters) {
        const r = p.runCommandParameters;
        return {
            RunCommand: {
                DocumentVersion: r.documentVersion,
                Parameters: r.parameters?.length ? Object.fromEntries(r.parameters.map((x) => [x.name, x.values])) : undefined,
                TimeoutSeconds: r.timeoutSeconds,
                Comment: r.comment,
                OutputS3BucketName: r.outputS3Bucket,
                OutputS3KeyPrefix: r.outputS3KeyPrefix,
                CloudWatchOutputConfig: r.cloudwatchConfig
                    ? {
                          CloudWatchLogGroupName: r.cloudwatchConfig.cloudwatchLogGroupName,
                          CloudWatchOutputEnabled: r.cloudwatchConfig.cloudwatchOutputEnabled,
                      }
                    : undefined,
                NotificationConfig: r.notificationConfig
                    ? {
                          NotificationArn: r.notificationConfig.notificationArn,
                          NotificationEvents: r.notificationConfig.notificationEvents as never,
                          NotificationType: r.notificationConfig.notificationType as never,
                      }
                    : undefined,
                ServiceRoleArn: r.serviceRoleArn,
            },
        };
    }
    if (p?.lambdaParameters) {
        const l = p.lambdaParameters;
        return {
            Lambda: {
                Payload: l.payload === undefined ? undefined : Buffer.from(l.payload),
                ClientContext: l.clientContext,
                Qualifier: l.qualifier,
            },
        };
    }
    return undefined;
}

function invocationOut(value: MaintenanceWindowTaskInvocationParameters | undefined): Props | undefined {
    if (value?.RunCommand) {
        const r = value.RunCommand;
        const c = r.CloudWatchOutputConfig;
        const n = r.NotificationConfig;
        return {
            runCommandParameters: {
                documentVersion: r.DocumentVersion,
                parameters: Object.entries(r.Parameters ?? {}).map(([name, values]) => ({ name, values })),
                timeoutSeconds: r.TimeoutSeconds,
                comment: r.Comment,
                outputS3Bucket: r.OutputS3BucketName,
                outputS3KeyPrefix: r.OutputS3KeyPrefix,
                cloudwatchConfig: c
                    ? { cloudwatchLogGroupName: c.CloudWatchLogGroupName, cloudwatchOutputEnabled: c.CloudWatchOutputEnabled }
                    : undefined,
                notificationConfig: n
                    ? { notificationArn: n.NotificationArn, notificationEvents: n.NotificationEvents, notificationType: n.NotificationType }
                    : undefined,
                serviceRoleArn: r.ServiceRoleArn,
            },
        };
    }
    if (value?.Lambda) {
        const l = value.Lambda;
        return {
            lambdaParameters: {
                payload: l.Payload === undefined ? undefined : Buffer.from(l.Payload).toString(),
                clientContext: l.ClientContext,
                qualifier: l.Qualifier,
            },
        };
    }
    return undefined;
}

/** Drops the undefined leaves, so an API answer compares equal to the program's inputs. */
function clean(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(clean);
    }
    if (value && typeof value === "object") {
        const entries = Object.entries(value)
            .filter(([, v]) => v !== undefined && v !== null)
            .map(([k, v]) => [k, clean(v)] as const);
        return Object.fromEntries(entries);
    }
    return value;
}

export const maintenanceWindowTask: ResourceType = {
    replaceOn: ["windowId", "taskType"],
    async create(ctx, inputs) {
        const out = await ssm(ctx).send(
            new RegisterTaskWithMaintenanceWindowCommand({
                WindowId: str(inputs.windowId),
                TaskType: str(inputs.taskType) as never,
                TaskArn: str(inputs.taskArn),
                ServiceRoleArn: str(inputs.serviceRoleArn),
                Targets: inputs.targets ? targetsIn(inputs.targets) : undefined,
                MaxConcurrency: str(inputs.maxConcurrency),
                MaxErrors: str(inputs.maxErrors),
                Priority: num(inputs.priority),
                CutoffBehavior: str(inputs.cutoffBehavior) as never,
                Name: str(inputs.name),
                Description: str(inputs.description),
                TaskInvocationParameters: invocationIn(inputs.taskInvocationParameters),
            }),
        );
        return { id: out.WindowTaskId ?? "" };
    },
    async read(ctx, id, inputs) {
        const out = await orMissing(ssm(ctx).send(new DescribeMaintenanceWindowTasksCommand({ WindowId: str(inputs.windowId) })));
        const t = out?.Tasks?.find((x) => x.WindowTaskId === id);
        if (!t) {
            return undefined;
        }
        // DescribeMaintenanceWindowTasks carries no invocation parameters in AWS; the harness's
        // GetMaintenanceWindowTask gives them (test/emulator/moto_server.py).
        const full = await ssm(ctx).send(new GetMaintenanceWindowTaskCommand({ WindowId: t.WindowId, WindowTaskId: id }));
        return {
            windowId: t.WindowId,
            windowTaskId: t.WindowTaskId,
            arn: `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:windowtask/${id}`,
            taskType: t.Type,
            taskArn: t.TaskArn,
            serviceRoleArn: t.ServiceRoleArn,
            targets: targetsOut(t.Targets),
            maxConcurrency: t.MaxConcurrency,
            maxErrors: t.MaxErrors,
            priority: t.Priority,
            cutoffBehavior: full.CutoffBehavior ?? t.CutoffBehavior,
            name: t.Name,
            description: t.Description,
            taskInvocationParameters: clean(invocationOut(full.TaskInvocationParameters)),
        };
    },
    async update(ctx, id, _olds, news) {
        await ssm(ctx).send(
            new UpdateMaintenanceWindowTaskCommand({
                WindowId: str(news.windowId),
                WindowTaskId: id,
                TaskArn: str(news.taskArn),
                ServiceRoleArn: str(news.serviceRoleArn),
                Targets: news.targets ? targetsIn(news.targets) : undefined,
                MaxConcurrency: str(news.maxConcurrency),
                MaxErrors: str(news.maxErrors),
                Priority: num(news.priority),
                CutoffBehavior: str(news.cutoffBehavior) as never,
                Name: str(news.name),
                Description: str(news.description),
                TaskInvocationParameters: invocationIn(news.taskInvocationParameters),
                Replace: true,
            }),
        );
    },
    async delete(ctx, id, state) {
        await ignoreMissing(
            ssm(ctx).send(new DeregisterTaskFromMaintenanceWindowCommand({ WindowId: str(state.windowId), WindowTaskId: id })),
        );
    },
};
