/**
 * Live discovery: the same facts as the exported files, read with the SDK in each environment's
 * account and region (its deployRoleArn assumed when set). Two read-only calls, paginated:
 * EC2 DescribeInstances (Windows, not terminated) and SSM DescribeInstanceInformation (Windows).
 * `discover --live` also reads IAM (liveRoles: GetAccountAuthorizationDetails, roles and customer managed
 * policies), so it can tell a role without the snapshot permission; where that is refused, role facts
 * stay unknown and the command says so. The driver does not read IAM: its preflight judges profiles and SSM.
 * The GitOps driver reads its inventory here too (liveInventory), so its preflight sees the same facts.
 */
import { paginateDescribeInstances, type EC2Client } from "@aws-sdk/client-ec2";
import { paginateGetAccountAuthorizationDetails, type IAMClient } from "@aws-sdk/client-iam";
import { paginateDescribeInstanceInformation, type SSMClient } from "@aws-sdk/client-ssm";
import { UserInputError } from "../errors";
import { describeInstancesSchema } from "../inventory/describeInstances";
import { describeFilters } from "../inventory/live";
import type { InventoryInstance, InventoryRole } from "../../policies/policyConfig";
import { iamDetailsOf, rolesByProfile, ssmSchema, toInstances, withFacts, type SsmRecord } from "./awsFacts";

export interface AccountRegion {
    /** Who asked, for error messages: the environment's name. */
    readonly environment: string;
    readonly accountId: string;
    readonly region: string;
}

export interface LiveFacts {
    readonly instances: InventoryInstance[];
    readonly ssm: SsmRecord[];
}

/** @param scopeTags filter on the server (the driver's environment scope); discover reads every Windows instance. */
export async function liveFacts(
    where: AccountRegion,
    ec2: EC2Client,
    ssm: SSMClient,
    scopeTags: Readonly<Record<string, string>> = {},
): Promise<LiveFacts> {
    const instances: InventoryInstance[] = [];
    const filters = describeFilters({ ...where, scopeTags });
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: filters })) {
        for (const instance of toInstances(describeInstancesSchema.parse({ Reservations: page.Reservations ?? [] }))) {
            if (instance.accountId !== where.accountId) {
                throw new UserInputError([
                    `environment ${where.environment}: the credentials reach account ${instance.accountId}, but the manifest says ${where.accountId}; ` +
                        "use that account's credentials (or its deployRoleArn)",
                ]);
            }
            instances.push(instance);
        }
    }
    const records: SsmRecord[] = [];
    const windows = [{ Key: "PlatformTypes", Values: ["Windows"] }];
    for await (const page of paginateDescribeInstanceInformation({ client: ssm, pageSize: 50 }, { Filters: windows })) {
        records.push(...ssmSchema.parse({ InstanceInformationList: page.InstanceInformationList ?? [] }).InstanceInformationList);
    }
    return { instances, ssm: records };
}

/**
 * One environment's inventory with its preflight facts (instance profile, SSM registration), as the
 * driver hands it to the policy pack. SSM was asked about this account and region for certain, so an
 * instance it does not list is "not registered", never "not known".
 */
export async function liveInventory(
    where: AccountRegion,
    ec2: EC2Client,
    ssm: SSMClient,
    scopeTags: Readonly<Record<string, string>>,
): Promise<InventoryInstance[]> {
    const facts = await liveFacts(where, ec2, ssm, scopeTags);
    return withFacts(facts.instances, facts.ssm, undefined, new Set([`${where.accountId}/${where.region}`]));
}

/**
 * Each instance profile's role in the account, judged as from the exported file: roles and customer
 * managed policies (AWS managed policies other than SSM core leave a role unknown, never "lacks").
 */
export async function liveRoles(iam: IAMClient): Promise<Map<string, InventoryRole>> {
    const details = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ["Role", "LocalManagedPolicy"] })) {
        details.push(iamDetailsOf(page));
    }
    return rolesByProfile(details);
}
