/** IAM: roles, managed policies, their attachments, inline role policies and instance profiles. */
import {
    AddRoleToInstanceProfileCommand,
    AttachRolePolicyCommand,
    CreateInstanceProfileCommand,
    CreatePolicyCommand,
    CreatePolicyVersionCommand,
    CreateRoleCommand,
    DeleteInstanceProfileCommand,
    DeletePolicyCommand,
    DeletePolicyVersionCommand,
    DeleteRoleCommand,
    DeleteRolePermissionsBoundaryCommand,
    DeleteRolePolicyCommand,
    DetachRolePolicyCommand,
    GetInstanceProfileCommand,
    GetPolicyCommand,
    GetPolicyVersionCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    IAMClient,
    ListAttachedRolePoliciesCommand,
    ListPolicyVersionsCommand,
    PutRolePermissionsBoundaryCommand,
    PutRolePolicyCommand,
    RemoveRoleFromInstanceProfileCommand,
    TagPolicyCommand,
    TagRoleCommand,
    UntagPolicyCommand,
    UntagRoleCommand,
    UpdateAssumeRolePolicyCommand,
    UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { ignoreMissing, orMissing, sameJson, str, tagList, tagMap, type Ctx, type Props, type ResourceType } from "./types";

const iam = (ctx: Ctx) => new IAMClient(ctx.clientConfig);

/** Tags on, tags off: the difference between two `tags` maps as TagX/UntagX calls. */
async function retag(
    olds: Props,
    news: Props,
    tag: (tags: { Key: string; Value: string }[]) => Promise<unknown>,
    untag: (keys: string[]) => Promise<unknown>,
): Promise<void> {
    const before = (olds.tags ?? {}) as Record<string, string>;
    const after = (news.tags ?? {}) as Record<string, string>;
    const gone = Object.keys(before).filter((k) => !(k in after));
    if (gone.length > 0) {
        await untag(gone);
    }
    const set = tagList(after).filter((t) => before[t.Key] !== t.Value);
    if (set.length > 0) {
        await tag(set);
    }
}

export const role: ResourceType = {
    autoname: 64,
    replaceOn: ["name", "path"],
    async create(ctx, inputs) {
        const out = await iam(ctx).send(
            new CreateRoleCommand({
                RoleName: str(inputs.name),
                Path: str(inputs.path),
                AssumeRolePolicyDocument: str(inputs.assumeRolePolicy),
                Description: str(inputs.description),
                PermissionsBoundary: str(inputs.permissionsBoundary),
                MaxSessionDuration: inputs.maxSessionDuration as number | undefined,
                Tags: tagList(inputs.tags),
            }),
        );
        return { id: out.Role?.RoleName ?? "" };
    },
    async read(ctx, id, inputs) {
        const out = await orMissing(iam(ctx).send(new GetRoleCommand({ RoleName: id })));
        const r = out?.Role;
        if (!r) {
            return undefined;
        }
        return {
            name: r.RoleName,
            path: r.Path,
            arn: r.Arn,
            uniqueId: r.RoleId,
            description: r.Description,
            assumeRolePolicy: sameJson(r.AssumeRolePolicyDocument, inputs.assumeRolePolicy),
            permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
            maxSessionDuration: r.MaxSessionDuration,
            tags: tagMap(r.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = iam(ctx);
        if (olds.description !== news.description || olds.maxSessionDuration !== news.maxSessionDuration) {
            await client.send(
                new UpdateRoleCommand({
                    RoleName: id,
                    Description: str(news.description) ?? "",
                    MaxSessionDuration: news.maxSessionDuration as number | undefined,
                }),
            );
        }
        if (olds.assumeRolePolicy !== news.assumeRolePolicy) {
            await client.send(new UpdateAssumeRolePolicyCommand({ RoleName: id, PolicyDocument: str(news.assumeRolePolicy) }));
        }
        if (olds.permissionsBoundary !== news.permissionsBoundary) {
            if (str(news.permissionsBoundary)) {
                await client.send(
                    new PutRolePermissionsBoundaryCommand({ RoleName: id, PermissionsBoundary: str(news.permissionsBoundary) }),
                );
            } else {
                await client.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: id }));
            }
        }
        await retag(
            olds,
            news,
            (Tags) => client.send(new TagRoleCommand({ RoleName: id, Tags })),
            (TagKeys) => client.send(new UntagRoleCommand({ RoleName: id, TagKeys })),
        );
    },
    async delete(ctx, id) {
        await ignoreMissing(iam(ctx).send(new DeleteRoleCommand({ RoleName: id })));
    },
};

export const policy: ResourceType = {
    autoname: 128,
    replaceOn: ["name", "path", "description"],
    async create(ctx, inputs) {
        const out = await iam(ctx).send(
            new CreatePolicyCommand({
                PolicyName: str(inputs.name),
                Path: str(inputs.path),
                Description: str(inputs.description),
                PolicyDocument: str(inputs.policy),
                Tags: tagList(inputs.tags),
            }),
        );
        return { id: out.Policy?.Arn ?? "" };
    },
    async read(ctx, id, inputs) {
        const client = iam(ctx);
        const out = await orMissing(client.send(new GetPolicyCommand({ PolicyArn: id })));
        const p = out?.Policy;
        if (!p) {
            return undefined;
        }
        const version = await client.send(new GetPolicyVersionCommand({ PolicyArn: id, VersionId: p.DefaultVersionId }));
        return {
            name: p.PolicyName,
            path: p.Path,
            arn: p.Arn,
            policyId: p.PolicyId,
            description: p.Description,
            policy: sameJson(version.PolicyVersion?.Document, inputs.policy),
            tags: tagMap(p.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = iam(ctx);
        if (olds.policy !== news.policy) {
            // A managed policy keeps at most five versions: drop the oldest non-default one first.
            const versions = (await client.send(new ListPolicyVersionsCommand({ PolicyArn: id }))).Versions ?? [];
            if (versions.length >= 5) {
                const oldest = versions.filter((v) => !v.IsDefaultVersion).sort((a, b) => +(a.CreateDate ?? 0) - +(b.CreateDate ?? 0))[0];
                await client.send(new DeletePolicyVersionCommand({ PolicyArn: id, VersionId: oldest.VersionId }));
            }
            await client.send(new CreatePolicyVersionCommand({ PolicyArn: id, PolicyDocument: str(news.policy), SetAsDefault: true }));
        }
        await retag(
            olds,
            news,
            (Tags) => client.send(new TagPolicyCommand({ PolicyArn: id, Tags })),
            (TagKeys) => client.send(new UntagPolicyCommand({ PolicyArn: id, TagKeys })),
        );
    },
    async delete(ctx, id) {
        const client = iam(ctx);
        const versions = (await orMissing(client.send(new ListPolicyVersionsCommand({ PolicyArn: id }))))?.Versions ?? [];
        for (const v of versions.filter((x) => !x.IsDefaultVersion)) {
            await client.send(new DeletePolicyVersionCommand({ PolicyArn: id, VersionId: v.VersionId }));
        }
        await ignoreMissing(client.send(new DeletePolicyCommand({ PolicyArn: id })));
    },
};

/** id `<role>/<policy arn>`: the pair is the attachment. */
export const rolePolicyAttachment: ResourceType = {
    replaceOn: ["role", "policyArn"],
    deleteBeforeReplace: true,
    async create(ctx, inputs) {
        await iam(ctx).send(new AttachRolePolicyCommand({ RoleName: str(inputs.role), PolicyArn: str(inputs.policyArn) }));
        return { id: `${String(inputs.role)}/${String(inputs.policyArn)}` };
    },
    async read(ctx, id) {
        const cut = id.indexOf("/arn:");
        const [roleName, policyArn] = [id.slice(0, cut), id.slice(cut + 1)];
        const out = await orMissing(iam(ctx).send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, MaxItems: 1000 })));
        if (!out?.AttachedPolicies?.some((p) => p.PolicyArn === policyArn)) {
            return undefined;
        }
        return { role: roleName, policyArn };
    },
    async update() {
        // Both inputs replace.
    },
    async delete(ctx, id, state) {
        await ignoreMissing(iam(ctx).send(new DetachRolePolicyCommand({ RoleName: str(state.role), PolicyArn: str(state.policyArn) })));
    },
};

/** id `<role>:<policy name>`, as @pulumi/aws names it. */
export const rolePolicy: ResourceType = {
    autoname: 128,
    replaceOn: ["name", "role"],
    deleteBeforeReplace: true,
    async create(ctx, inputs) {
        await iam(ctx).send(
            new PutRolePolicyCommand({ RoleName: str(inputs.role), PolicyName: str(inputs.name), PolicyDocument: str(inputs.policy) }),
        );
        return { id: `${String(inputs.role)}:${String(inputs.name)}` };
    },
    async read(ctx, id, inputs) {
        const [roleName, name] = id.split(":");
        const out = await orMissing(iam(ctx).send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
        if (!out) {
            return undefined;
        }
        return { role: out.RoleName, name: out.PolicyName, policy: sameJson(out.PolicyDocument, inputs.policy) };
    },
    async update(ctx, id, _olds, news) {
        const [roleName, name] = id.split(":");
        await iam(ctx).send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: str(news.policy) }));
    },
    async delete(ctx, id) {
        const [roleName, name] = id.split(":");
        await ignoreMissing(iam(ctx).send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
    },
};

export const instanceProfile: ResourceType = {
    autoname: 128,
    replaceOn: ["name", "path"],
    async create(ctx, inputs) {
        const client = iam(ctx);
        const out = await client.send(
            new CreateInstanceProfileCommand({ InstanceProfileName: str(inputs.name), Path: str(inputs.path), Tags: tagList(inputs.tags) }),
        );
        const name = out.InstanceProfile?.InstanceProfileName ?? "";
        if (str(inputs.role)) {
            await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: str(inputs.role) }));
        }
        return { id: name };
    },
    async read(ctx, id) {
        const out = await orMissing(iam(ctx).send(new GetInstanceProfileCommand({ InstanceProfileName: id })));
        const p = out?.InstanceProfile;
        if (!p) {
            return undefined;
        }
        return {
            name: p.InstanceProfileName,
            path: p.Path,
            arn: p.Arn,
            uniqueId: p.InstanceProfileId,
            role: p.Roles?.[0]?.RoleName,
            tags: tagMap(p.Tags),
        };
    },
    async update(ctx, id, olds, news) {
        const client = iam(ctx);
        if (olds.role !== news.role) {
            if (str(olds.role)) {
                await ignoreMissing(
                    client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: id, RoleName: str(olds.role) })),
                );
            }
            if (str(news.role)) {
                await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: id, RoleName: str(news.role) }));
            }
        }
    },
    async delete(ctx, id) {
        const client = iam(ctx);
        const out = await orMissing(client.send(new GetInstanceProfileCommand({ InstanceProfileName: id })));
        for (const r of out?.InstanceProfile?.Roles ?? []) {
            await client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: id, RoleName: r.RoleName }));
        }
        await ignoreMissing(client.send(new DeleteInstanceProfileCommand({ InstanceProfileName: id })));
    },
};
