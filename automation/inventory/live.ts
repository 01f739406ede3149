/**
 * The live inventory: EC2 DescribeInstances for one environment's account and region, filtered on
 * the server (Windows, not terminated, scope tags) and paginated, so a large account stays well under
 * the unfiltered-Describe throttle (50 burst, 10/s).
 */
import { EC2Client, paginateDescribeInstances, type Filter } from "@aws-sdk/client-ec2";
import type { InventoryInstance } from "../../policies/policyConfig";
import { UserInputError } from "../errors";
import { describeInstancesSchema, toInventory } from "./describeInstances";

export interface LiveScope {
    readonly environment: string;
    readonly accountId: string;
    readonly region: string;
    readonly scopeTags: Readonly<Record<string, string>>;
}

export function describeFilters(scope: LiveScope): Filter[] {
    return [
        { Name: "platform", Values: ["windows"] },
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
        ...Object.entries(scope.scopeTags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    ];
}

export async function describeWindowsInstances(
    scope: LiveScope,
    client = new EC2Client({ region: scope.region }),
): Promise<InventoryInstance[]> {
    const instances: InventoryInstance[] = [];
    for await (const page of paginateDescribeInstances({ client, pageSize: 1000 }, { Filters: describeFilters(scope) })) {
        const parsed = describeInstancesSchema.parse({ Reservations: page.Reservations ?? [] });
        for (const instance of toInventory(parsed)) {
            if (instance.accountId !== scope.accountId) {
                throw new UserInputError([
                    `environment ${scope.environment}: the credentials reach account ${instance.accountId}, but the manifest says ${scope.accountId}; ` +
                        "use that account's credentials (or its deployRoleArn)",
                ]);
            }
            instances.push(instance);
        }
    }
    return instances;
}
