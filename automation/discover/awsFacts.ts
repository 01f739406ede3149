/**
 * The facts `discover` reads, from the unmodified JSON of three AWS CLI commands:
 * - `aws ec2 describe-instances --output json`: instances, tags, type, instance profile;
 * - `aws ssm describe-instance-information --output json`: which agents SSM knows, their ping status;
 * - `aws iam get-account-authorization-details --filter Role LocalManagedPolicy --output json`:
 *   each role's instance profiles and policies, to tell whether it may call ec2:CreateSnapshots.
 * Each file may come from a different account or region; every fact is optional, and a fact that a
 * file cannot establish stays unknown (never guessed as missing).
 */
import { z } from "zod";
import type { InventoryInstance, InventoryRole } from "../../policies/policyConfig";
import { actionCovers, allowStatements } from "../../policies/lib/iamStatements";
import { loadAwsJsonFiles } from "../awsJson";
import { describeInstancesSchema, toInventory } from "../inventory/describeInstances";

const DESCRIBE_INSTANCES = "aws ec2 describe-instances --output json";
const DESCRIBE_SSM = "aws ssm describe-instance-information --output json";
const IAM_DETAILS = "aws iam get-account-authorization-details --filter Role LocalManagedPolicy --output json";

export const ssmSchema = z.looseObject({
    InstanceInformationList: z.array(
        z.looseObject({
            InstanceId: z.string().min(1),
            PingStatus: z.string().optional(),
            AgentVersion: z.string().optional(),
            PlatformType: z.string().optional(),
            // The CLI prints ISO timestamps; the SDK gives a Date.
            LastPingDateTime: z.union([z.string(), z.date()]).optional(),
        }),
    ),
});

const policyDocument = z.union([z.string(), z.record(z.string(), z.unknown())]);
const iamSchema = z.looseObject({
    RoleDetailList: z.array(
        z.looseObject({
            RoleName: z.string().min(1),
            InstanceProfileList: z.array(z.looseObject({ Arn: z.string() })).default([]),
            RolePolicyList: z.array(z.looseObject({ PolicyDocument: policyDocument })).default([]),
            AttachedManagedPolicies: z.array(z.looseObject({ PolicyArn: z.string() })).default([]),
        }),
    ),
    Policies: z
        .array(
            z.looseObject({
                Arn: z.string(),
                PolicyVersionList: z.array(z.looseObject({ Document: policyDocument, IsDefaultVersion: z.boolean() })).default([]),
            }),
        )
        .default([]),
});

export type SsmRecord = z.infer<typeof ssmSchema>["InstanceInformationList"][number];
type IamDetails = z.infer<typeof iamSchema>;

/** describe-instances output (the CLI's JSON or an SDK page), with the two fields the plain inventory leaves out. */
export function toInstances(output: z.infer<typeof describeInstancesSchema>): InventoryInstance[] {
    const raw = new Map(output.Reservations.flatMap((r) => r.Instances).map((i) => [i.InstanceId, i as Record<string, unknown>]));
    return toInventory(output).map((instance) => {
        const facts = raw.get(instance.instanceId);
        const type = facts?.InstanceType;
        const profile = (facts?.IamInstanceProfile as { Arn?: unknown } | undefined)?.Arn;
        return {
            ...instance,
            ...(typeof type === "string" ? { instanceType: type } : {}),
            // describe-instances always says whether a profile is attached: absent means none.
            instanceProfileArn: typeof profile === "string" ? profile : null,
        };
    });
}

export function loadInstanceFiles(files: readonly string[]): InventoryInstance[] {
    const byId = new Map<string, InventoryInstance>();
    for (const instance of loadAwsJsonFiles(files, describeInstancesSchema, toInstances, DESCRIBE_INSTANCES, "the instances")) {
        byId.set(instance.instanceId, byId.get(instance.instanceId) ?? instance);
    }
    return [...byId.values()];
}

export function loadSsmFiles(files: readonly string[]): SsmRecord[] {
    return loadAwsJsonFiles(files, ssmSchema, (o) => o.InstanceInformationList, DESCRIBE_SSM, "the SSM instance information");
}

/** One page of GetAccountAuthorizationDetails as the SDK returns it (documents URL-encoded), through the same schema as the files. */
export function iamDetailsOf(page: { readonly RoleDetailList?: unknown; readonly Policies?: unknown }): IamDetails {
    return iamSchema.parse({ RoleDetailList: page.RoleDetailList ?? [], Policies: page.Policies ?? [] });
}

export function loadIamFiles(files: readonly string[]): IamDetails[] {
    return loadAwsJsonFiles(files, iamSchema, (o) => [o], IAM_DETAILS, "the IAM authorization details");
}

const SSM_CORE = /:iam::aws:policy\/AmazonSSMManagedInstanceCore$/;
const CAN_SNAPSHOT = ["ec2:CreateSnapshots", "ec2:CreateSnapshot"];

/** The CLI prints policy documents as JSON; the raw API URL-encodes them. */
function decode(document: string | Record<string, unknown>): unknown {
    return typeof document === "string" ? decodeURIComponent(document) : document;
}

function allowsSnapshot(document: unknown): boolean {
    return allowStatements(document).some((s) => s.actions.some((a) => CAN_SNAPSHOT.some((action) => actionCovers(a, action))));
}

/**
 * Each instance profile ARN's role, judged from its policies' Allow statements. canSnapshot is false
 * only when every attached policy's document is in the file; an AWS managed policy other than SSM
 * core (not in the file) leaves it unknown. Denies and permission boundaries are not evaluated.
 */
export function rolesByProfile(details: readonly IamDetails[]): Map<string, InventoryRole> {
    const documents = new Map<string, unknown>();
    for (const policy of details.flatMap((d) => d.Policies)) {
        const current = policy.PolicyVersionList.find((v) => v.IsDefaultVersion);
        if (current) {
            documents.set(policy.Arn, decode(current.Document));
        }
    }
    const out = new Map<string, InventoryRole>();
    for (const role of details.flatMap((d) => d.RoleDetailList)) {
        const attached = role.AttachedManagedPolicies.map((p) => p.PolicyArn);
        const ssmCore = attached.some((arn) => SSM_CORE.test(arn));
        const known = [...role.RolePolicyList.map((p) => decode(p.PolicyDocument)), ...attached.map((arn) => documents.get(arn))];
        const unknownPolicies = attached.some((arn) => !documents.has(arn) && !SSM_CORE.test(arn));
        const allows = known.some((doc) => doc !== undefined && allowsSnapshot(doc));
        const judged: InventoryRole = {
            name: role.RoleName,
            ssmCore,
            ...(allows ? { canSnapshot: true } : unknownPolicies ? {} : { canSnapshot: false }),
        };
        for (const profile of role.InstanceProfileList) {
            out.set(profile.Arn, judged);
        }
    }
    return out;
}

/**
 * The instances with the SSM and IAM facts attached. SSM's answer counts only for the account and
 * region pairs it covers (where it lists at least one of the inventory's instances): an SSM file from
 * one region says nothing about instances of another.
 */
export function withFacts(
    instances: readonly InventoryInstance[],
    ssm: readonly SsmRecord[] | undefined,
    roles: ReadonlyMap<string, InventoryRole> | undefined,
    /** `account/region` pairs SSM was asked about for certain (live discovery), on top of those inferred. */
    asked: ReadonlySet<string> = new Set(),
): InventoryInstance[] {
    const records = new Map((ssm ?? []).map((r) => [r.InstanceId, r]));
    const covered = new Set([...asked, ...instances.filter((i) => records.has(i.instanceId)).map((i) => `${i.accountId}/${i.region}`)]);
    return instances.map((instance) => {
        const record = records.get(instance.instanceId);
        const role = instance.instanceProfileArn ? roles?.get(instance.instanceProfileArn) : undefined;
        const ssmFacts = record
            ? {
                  registered: true,
                  ...(record.PingStatus ? { pingStatus: record.PingStatus } : {}),
                  ...(record.AgentVersion ? { agentVersion: record.AgentVersion } : {}),
                  ...(record.PlatformType ? { platformType: record.PlatformType } : {}),
                  ...(record.LastPingDateTime ? { lastPingDateTime: new Date(record.LastPingDateTime).toISOString() } : {}),
              }
            : covered.has(`${instance.accountId}/${instance.region}`)
              ? { registered: false }
              : undefined;
        return { ...instance, ...(role ? { role } : {}), ...(ssmFacts ? { ssm: ssmFacts } : {}) };
    });
}
