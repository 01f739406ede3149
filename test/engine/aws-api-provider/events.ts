/** EventBridge rules and targets, CloudWatch metric alarms and CloudWatch Logs log groups. */
import {
    CloudWatchClient,
    DeleteAlarmsCommand,
    DescribeAlarmsCommand,
    ListTagsForResourceCommand as ListAlarmTagsCommand,
    PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
    CloudWatchLogsClient,
    CreateLogGroupCommand,
    DeleteLogGroupCommand,
    DeleteRetentionPolicyCommand,
    DescribeLogGroupsCommand,
    ListTagsForResourceCommand as ListLogTagsCommand,
    PutRetentionPolicyCommand,
    TagResourceCommand as TagLogCommand,
    UntagResourceCommand as UntagLogCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
    DeleteRuleCommand,
    DescribeRuleCommand,
    EventBridgeClient,
    ListTagsForResourceCommand as ListRuleTagsCommand,
    ListTargetsByRuleCommand,
    PutRuleCommand,
    PutTargetsCommand,
    RemoveTargetsCommand,
    TagResourceCommand as TagRuleCommand,
    UntagResourceCommand as UntagRuleCommand,
} from "@aws-sdk/client-eventbridge";
import { deepEqual, ignoreMissing, num, orMissing, sameJson, str, tagList, tagMap, type Ctx, type Props, type ResourceType } from "./types";

const events = (ctx: Ctx) => new EventBridgeClient(ctx.clientConfig);
const cloudWatch = (ctx: Ctx) => new CloudWatchClient(ctx.clientConfig);
const logs = (ctx: Ctx) => new CloudWatchLogsClient(ctx.clientConfig);

function putRule(inputs: Props) {
    return new PutRuleCommand({
        Name: str(inputs.name),
        Description: str(inputs.description),
        EventPattern: str(inputs.eventPattern),
        ScheduleExpression: str(inputs.scheduleExpression),
        State: (str(inputs.state) ?? (inputs.isEnabled === false ? "DISABLED" : "ENABLED")) as never,
        EventBusName: str(inputs.eventBusName),
        RoleArn: str(inputs.roleArn),
    });
}

export const eventRule: ResourceType = {
    autoname: 64,
    replaceOn: ["name", "eventBusName"],
    async create(ctx, inputs) {
        const client = events(ctx);
        const out = await client.send(putRule(inputs));
        const tags = tagList(inputs.tags);
        if (tags.length > 0) {
            await client.send(new TagRuleCommand({ ResourceARN: out.RuleArn, Tags: tags }));
        }
        return { id: String(inputs.name) };
    },
    async read(ctx, id, inputs) {
        const client = events(ctx);
        const r = await orMissing(client.send(new DescribeRuleCommand({ Name: id, EventBusName: str(inputs.eventBusName) })));
        if (!r) {
            return undefined;
        }
        const tags = await client.send(new ListRuleTagsCommand({ ResourceARN: r.Arn }));
        return {
            name: r.Name,
            arn: r.Arn,
            description: r.Description,
            eventPattern: sameJson(r.EventPattern, inputs.eventPattern),
            scheduleExpression: r.ScheduleExpression,
            state: inputs.state === undefined ? undefined : r.State,
            tags: tagMap(tags.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = events(ctx);
        await client.send(putRule(news));
        if (!deepEqual(olds.tags, news.tags)) {
            const arn = (await client.send(new DescribeRuleCommand({ Name: id }))).Arn;
            const gone = Object.keys((olds.tags ?? {}) as object).filter((k) => !(k in ((news.tags ?? {}) as object)));
            if (gone.length > 0) {
                await client.send(new UntagRuleCommand({ ResourceARN: arn, TagKeys: gone }));
            }
            const set = tagList(news.tags);
            if (set.length > 0) {
                await client.send(new TagRuleCommand({ ResourceARN: arn, Tags: set }));
            }
        }
    },
    async delete(ctx, id, state) {
        await ignoreMissing(events(ctx).send(new DeleteRuleCommand({ Name: id, EventBusName: str(state.eventBusName) })));
    },
};

/** id `<rule>-<targetId>`, as @pulumi/aws has it. */
export const eventTarget: ResourceType = {
    replaceOn: ["rule", "targetId", "eventBusName"],
    async create(ctx, inputs) {
        await events(ctx).send(
            new PutTargetsCommand({
                Rule: str(inputs.rule),
                EventBusName: str(inputs.eventBusName),
                Targets: [{ Id: str(inputs.targetId), Arn: str(inputs.arn), Input: str(inputs.input), RoleArn: str(inputs.roleArn) }],
            }),
        );
        return { id: `${String(inputs.rule)}-${String(inputs.targetId)}` };
    },
    async read(ctx, _id, inputs) {
        const out = await orMissing(
            events(ctx).send(new ListTargetsByRuleCommand({ Rule: str(inputs.rule), EventBusName: str(inputs.eventBusName) })),
        );
        const t = out?.Targets?.find((x) => x.Id === inputs.targetId);
        if (!t) {
            return undefined;
        }
        return { targetId: t.Id, arn: t.Arn, input: sameJson(t.Input, inputs.input), roleArn: t.RoleArn };
    },
    async update(ctx, id, olds, news) {
        await this.create(ctx, news);
    },
    async delete(ctx, _id, state) {
        await ignoreMissing(
            events(ctx).send(
                new RemoveTargetsCommand({ Rule: str(state.rule), EventBusName: str(state.eventBusName), Ids: [String(state.targetId)] }),
            ),
        );
    },
};

function putAlarm(inputs: Props) {
    const dimensions = (inputs.dimensions ?? {}) as Record<string, string>;
    return new PutMetricAlarmCommand({
        AlarmName: str(inputs.name),
        AlarmDescription: str(inputs.alarmDescription),
        Namespace: str(inputs.namespace),
        MetricName: str(inputs.metricName),
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
        Statistic: str(inputs.statistic) as never,
        Period: num(inputs.period),
        EvaluationPeriods: num(inputs.evaluationPeriods),
        Threshold: num(inputs.threshold),
        ComparisonOperator: str(inputs.comparisonOperator) as never,
        TreatMissingData: str(inputs.treatMissingData),
        ActionsEnabled: inputs.actionsEnabled !== false,
        AlarmActions: inputs.alarmActions as string[] | undefined,
        OKActions: inputs.okActions as string[] | undefined,
        Tags: tagList(inputs.tags),
    });
}

export const metricAlarm: ResourceType = {
    autoname: 255,
    replaceOn: ["name"],
    async create(ctx, inputs) {
        await cloudWatch(ctx).send(putAlarm(inputs));
        return { id: String(inputs.name) };
    },
    async read(ctx, id) {
        const client = cloudWatch(ctx);
        const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: [id] }));
        const a = out.MetricAlarms?.[0];
        if (!a) {
            return undefined;
        }
        const tags = await client.send(new ListAlarmTagsCommand({ ResourceARN: a.AlarmArn }));
        return {
            name: a.AlarmName,
            arn: a.AlarmArn,
            alarmDescription: a.AlarmDescription,
            namespace: a.Namespace,
            metricName: a.MetricName,
            dimensions: a.Dimensions?.length ? Object.fromEntries(a.Dimensions.map((d) => [d.Name ?? "", d.Value ?? ""])) : undefined,
            statistic: a.Statistic,
            period: a.Period,
            evaluationPeriods: a.EvaluationPeriods,
            threshold: a.Threshold,
            comparisonOperator: a.ComparisonOperator,
            treatMissingData: a.TreatMissingData,
            tags: tagMap(tags.Tags),
        };
    },
    async update(ctx, _id, _olds, news) {
        await cloudWatch(ctx).send(putAlarm(news));
    },
    async delete(ctx, id) {
        await ignoreMissing(cloudWatch(ctx).send(new DeleteAlarmsCommand({ AlarmNames: [id] })));
    },
};

export const logGroup: ResourceType = {
    autoname: 512,
    replaceOn: ["name", "kmsKeyId", "logGroupClass"],
    deleteBeforeReplace: true,
    async create(ctx, inputs) {
        const client = logs(ctx);
        const name = String(inputs.name);
        await client.send(
            new CreateLogGroupCommand({
                logGroupName: name,
                kmsKeyId: str(inputs.kmsKeyId),
                tags: inputs.tags as Record<string, string> | undefined,
            }),
        );
        const days = num(inputs.retentionInDays);
        if (days) {
            await client.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
        }
        return { id: name };
    },
    async read(ctx, id) {
        const client = logs(ctx);
        const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id }));
        const g = out.logGroups?.find((x) => x.logGroupName === id);
        if (!g) {
            return undefined;
        }
        const arn = (g.arn ?? "").replace(/:\*$/, "");
        const tags = await orMissing(client.send(new ListLogTagsCommand({ resourceArn: arn })));
        return {
            name: g.logGroupName,
            arn,
            retentionInDays: g.retentionInDays ?? 0,
            kmsKeyId: g.kmsKeyId,
            tags: tags?.tags && Object.keys(tags.tags).length > 0 ? tags.tags : undefined,
        };
    },
    async update(ctx, id, olds, news) {
        const client = logs(ctx);
        if (olds.retentionInDays !== news.retentionInDays) {
            const days = num(news.retentionInDays);
            if (days) {
                await client.send(new PutRetentionPolicyCommand({ logGroupName: id, retentionInDays: days }));
            } else {
                await client.send(new DeleteRetentionPolicyCommand({ logGroupName: id }));
            }
        }
        if (!deepEqual(olds.tags, news.tags)) {
            const arn = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${id}`;
            const gone = Object.keys((olds.tags ?? {}) as object).filter((k) => !(k in ((news.tags ?? {}) as object)));
            if (gone.length > 0) {
                await client.send(new UntagLogCommand({ resourceArn: arn, tagKeys: gone }));
            }
            if (news.tags && Object.keys(news.tags).length > 0) {
                await client.send(new TagLogCommand({ resourceArn: arn, tags: news.tags as Record<string, string> }));
            }
        }
    },
    async delete(ctx, id) {
        await ignoreMissing(logs(ctx).send(new DeleteLogGroupCommand({ logGroupName: id })));
    },
};
