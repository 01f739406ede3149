/** SNS topics, topic policies and subscriptions; the Recycle Bin rule; EC2 tags. */
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
    CreateRuleCommand,
    DeleteRuleCommand,
    GetRuleCommand,
    ListTagsForResourceCommand as ListRuleTagsCommand,
    RbinClient,
    TagResourceCommand as TagRuleCommand,
    UntagResourceCommand as UntagRuleCommand,
    UpdateRuleCommand,
} from "@aws-sdk/client-rbin";
import {
    CreateTopicCommand,
    DeleteTopicCommand,
    GetSubscriptionAttributesCommand,
    GetTopicAttributesCommand,
    ListTagsForResourceCommand as ListTopicTagsCommand,
    SetTopicAttributesCommand,
    SNSClient,
    SubscribeCommand,
    TagResourceCommand as TagTopicCommand,
    UnsubscribeCommand,
    UntagResourceCommand as UntagTopicCommand,
} from "@aws-sdk/client-sns";
import { deepEqual, ignoreMissing, orMissing, sameJson, str, tagList, tagMap, type Ctx, type Props, type ResourceType } from "./types";

const sns = (ctx: Ctx) => new SNSClient(ctx.clientConfig);
const rbin = (ctx: Ctx) => new RbinClient(ctx.clientConfig);
const ec2 = (ctx: Ctx) => new EC2Client(ctx.clientConfig);

/** @pulumi/aws's topic inputs and the SNS attribute each one is. */
const TOPIC_ATTRIBUTES: Record<string, string> = {
    displayName: "DisplayName",
    kmsMasterKeyId: "KmsMasterKeyId",
    policy: "Policy",
    deliveryPolicy: "DeliveryPolicy",
    signatureVersion: "SignatureVersion",
    tracingConfig: "TracingConfig",
};

function topicAttributes(inputs: Props): Record<string, string> {
    return Object.fromEntries(
        Object.entries(TOPIC_ATTRIBUTES)
            .filter(([key]) => inputs[key] !== undefined && inputs[key] !== null)
            .map(([key, attribute]) => [attribute, String(inputs[key])]),
    );
}

export const topic: ResourceType = {
    autoname: 256,
    replaceOn: ["name", "fifoTopic"],
    async create(ctx, inputs) {
        const out = await sns(ctx).send(
            new CreateTopicCommand({ Name: str(inputs.name), Attributes: topicAttributes(inputs), Tags: tagList(inputs.tags) }),
        );
        return { id: out.TopicArn ?? "" };
    },
    async read(ctx, id, inputs) {
        const client = sns(ctx);
        const out = await orMissing(client.send(new GetTopicAttributesCommand({ TopicArn: id })));
        if (!out?.Attributes) {
            return undefined;
        }
        const a = out.Attributes;
        const tags = await client.send(new ListTopicTagsCommand({ ResourceArn: id }));
        return {
            name: id.split(":").pop(),
            arn: id,
            owner: a.Owner,
            displayName: a.DisplayName,
            kmsMasterKeyId: a.KmsMasterKeyId,
            policy: sameJson(a.Policy, inputs.policy),
            tags: tagMap(tags.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = sns(ctx);
        for (const [key, attribute] of Object.entries(TOPIC_ATTRIBUTES)) {
            if (!deepEqual(olds[key], news[key])) {
                await client.send(
                    new SetTopicAttributesCommand({ TopicArn: id, AttributeName: attribute, AttributeValue: str(news[key]) ?? "" }),
                );
            }
        }
        if (!deepEqual(olds.tags, news.tags)) {
            const gone = Object.keys((olds.tags ?? {}) as object).filter((k) => !(k in ((news.tags ?? {}) as object)));
            if (gone.length > 0) {
                await client.send(new UntagTopicCommand({ ResourceArn: id, TagKeys: gone }));
            }
            const set = tagList(news.tags);
            if (set.length > 0) {
                await client.send(new TagTopicCommand({ ResourceArn: id, Tags: set }));
            }
        }
    },
    async delete(ctx, id) {
        await ignoreMissing(sns(ctx).send(new DeleteTopicCommand({ TopicArn: id })));
    },
};

/** The topic's access policy as its own resource (aws.sns.TopicPolicy): id is the topic's ARN. */
export const topicPolicy: ResourceType = {
    replaceOn: ["arn"],
    async create(ctx, inputs) {
        await sns(ctx).send(
            new SetTopicAttributesCommand({ TopicArn: str(inputs.arn), AttributeName: "Policy", AttributeValue: str(inputs.policy) }),
        );
        return { id: String(inputs.arn) };
    },
    async read(ctx, id, inputs) {
        const out = await orMissing(sns(ctx).send(new GetTopicAttributesCommand({ TopicArn: id })));
        if (!out?.Attributes) {
            return undefined;
        }
        return { arn: id, owner: out.Attributes.Owner, policy: sameJson(out.Attributes.Policy, inputs.policy) };
    },
    async update(ctx, id, _olds, news) {
        await sns(ctx).send(new SetTopicAttributesCommand({ TopicArn: id, AttributeName: "Policy", AttributeValue: str(news.policy) }));
    },
    async delete() {
        // The policy goes with the topic; SNS has no "no policy" (it falls back to the default one).
    },
};

export const topicSubscription: ResourceType = {
    replaceOn: ["topic", "protocol", "endpoint"],
    async create(ctx, inputs) {
        const out = await sns(ctx).send(
            new SubscribeCommand({
                TopicArn: str(inputs.topic),
                Protocol: str(inputs.protocol),
                Endpoint: str(inputs.endpoint),
                ReturnSubscriptionArn: true,
            }),
        );
        return { id: out.SubscriptionArn ?? "" };
    },
    async read(ctx, id) {
        const out = await orMissing(sns(ctx).send(new GetSubscriptionAttributesCommand({ SubscriptionArn: id })));
        const a = out?.Attributes;
        if (!a) {
            return undefined;
        }
        return {
            arn: id,
            topic: a.TopicArn,
            protocol: a.Protocol,
            endpoint: a.Endpoint,
            owner: a.Owner,
            pendingConfirmation: a.PendingConfirmation === "true",
        };
    },
    async update() {
        // Every input the stack sets replaces.
    },
    async delete(ctx, id) {
        await ignoreMissing(sns(ctx).send(new UnsubscribeCommand({ SubscriptionArn: id })));
    },
};

interface RuleInputs {
    resourceTags?: { resourceTagKey: string; resourceTagValue?: string }[];
    retentionPeriod?: { retentionPeriodValue: number; retentionPeriodUnit: string };
}

function ruleBody(inputs: Props) {
    const r = inputs as RuleInputs;
    return {
        Description: str(inputs.description),
        ResourceTags: r.resourceTags?.map((t) => ({ ResourceTagKey: t.resourceTagKey, ResourceTagValue: t.resourceTagValue })),
        RetentionPeriod: r.retentionPeriod
            ? {
                  RetentionPeriodValue: r.retentionPeriod.retentionPeriodValue,
                  RetentionPeriodUnit: r.retentionPeriod.retentionPeriodUnit as never,
              }
            : undefined,
    };
}

export const recycleBinRule: ResourceType = {
    replaceOn: ["resourceType"],
    async create(ctx, inputs) {
        const out = await rbin(ctx).send(
            new CreateRuleCommand({ ...ruleBody(inputs), ResourceType: str(inputs.resourceType) as never, Tags: tagList(inputs.tags) }),
        );
        return { id: out.Identifier ?? "" };
    },
    async read(ctx, id) {
        const client = rbin(ctx);
        const r = await orMissing(client.send(new GetRuleCommand({ Identifier: id })));
        if (!r) {
            return undefined;
        }
        const arn = r.RuleArn ?? `arn:${ctx.partition}:rbin:${ctx.region}:${ctx.accountId}:rule/${id}`;
        const tags = await client.send(new ListRuleTagsCommand({ ResourceArn: arn }));
        return {
            arn,
            description: r.Description,
            resourceType: r.ResourceType,
            resourceTags: r.ResourceTags?.map((t) => ({ resourceTagKey: t.ResourceTagKey, resourceTagValue: t.ResourceTagValue })),
            retentionPeriod: r.RetentionPeriod
                ? {
                      retentionPeriodValue: r.RetentionPeriod.RetentionPeriodValue,
                      retentionPeriodUnit: r.RetentionPeriod.RetentionPeriodUnit,
                  }
                : undefined,
            status: r.Status,
            tags: tagMap(tags.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = rbin(ctx);
        if (!deepEqual(ruleBody(olds), ruleBody(news))) {
            await client.send(new UpdateRuleCommand({ Identifier: id, ...ruleBody(news), ResourceType: str(news.resourceType) as never }));
        }
        if (!deepEqual(olds.tags, news.tags)) {
            const arn = (await client.send(new GetRuleCommand({ Identifier: id }))).RuleArn;
            const gone = Object.keys((olds.tags ?? {}) as object).filter((k) => !(k in ((news.tags ?? {}) as object)));
            if (gone.length > 0) {
                await client.send(new UntagRuleCommand({ ResourceArn: arn, TagKeys: gone }));
            }
            const set = tagList(news.tags);
            if (set.length > 0) {
                await client.send(new TagRuleCommand({ ResourceArn: arn, Tags: set }));
            }
        }
    },
    async delete(ctx, id) {
        await ignoreMissing(rbin(ctx).send(new DeleteRuleCommand({ Identifier: id })));
    },
};

/** One tag on one EC2 resource; id `<resource id>,<key>`, as @pulumi/aws has it. */
export const ec2Tag: ResourceType = {
    replaceOn: ["resourceId", "key"],
    deleteBeforeReplace: true,
    async create(ctx, inputs) {
        await ec2(ctx).send(
            new CreateTagsCommand({
                Resources: [String(inputs.resourceId)],
                Tags: [{ Key: str(inputs.key), Value: String(inputs.value ?? "") }],
            }),
        );
        return { id: `${String(inputs.resourceId)},${String(inputs.key)}` };
    },
    async read(ctx, id) {
        const cut = id.indexOf(",");
        const [resourceId, key] = [id.slice(0, cut), id.slice(cut + 1)];
        const out = await ec2(ctx).send(
            new DescribeTagsCommand({
                Filters: [
                    { Name: "resource-id", Values: [resourceId] },
                    { Name: "key", Values: [key] },
                ],
            }),
        );
        const t = out.Tags?.[0];
        return t ? { resourceId, key, value: t.Value ?? "" } : undefined;
    },
    async update(ctx, id, _olds, news) {
        await this.create(ctx, news);
        void id;
    },
    async delete(ctx, _id, state) {
        await ignoreMissing(
            ec2(ctx).send(new DeleteTagsCommand({ Resources: [String(state.resourceId)], Tags: [{ Key: str(state.key) }] })),
        );
    },
};
