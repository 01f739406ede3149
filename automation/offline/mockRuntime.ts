/**
 * The program under Pulumi's own mock runtime: every resource it registers is recorded with its
 * resolved inputs, and the mock answers with state shaped like AWS's (ARNs in the provider's
 * account and region, auto-names, document versions), so the program runs end to end offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/environment/aws";
import { waitForRegistrations, withoutDebugBookkeeping } from "./pulumiInternals";

export interface RecordedResource {
    /** Pulumi type token, e.g. aws:ssm/maintenanceWindow:MaintenanceWindow. */
    readonly type: string;
    readonly name: string;
    /** The inputs the program registered, resolved. */
    readonly inputs: Record<string, unknown>;
    /** False for component resources, which the mock monitor reports too. */
    readonly custom: boolean;
    /** The id the mock gave the resource. */
    readonly id?: string;
}

interface ProviderScope {
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

const DEFAULT_SCOPE: ProviderScope = { accountId: "000000000000", region: "us-east-1", partition: "aws" };

/** Provider inputs arrive JSON-encoded for non-string values; accept either form. */
function firstAccount(value: unknown): string | undefined {
    const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    return Array.isArray(list) && typeof list[0] === "string" ? list[0] : undefined;
}

/** An IAM ARN carries the resource's path between its type and its name ("/" when none is set). */
const iamPathOf = (inputs: Record<string, unknown>) => (typeof inputs.path === "string" ? inputs.path : "/");

/** What AWS would report back for a resource, as far as the program reads it. */
export function mockState(type: string, name: string, inputs: Record<string, unknown>, scope: ProviderScope): Record<string, unknown> {
    const physical = typeof inputs.name === "string" ? inputs.name : name;
    const iam = `arn:${scope.partition}:iam::${scope.accountId}`;
    const regional = (service: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}`;
    switch (type) {
        case "aws:iam/role:Role":
            return { ...inputs, name: physical, arn: `${iam}:role${iamPathOf(inputs)}${physical}`, uniqueId: `AROA${physical.length}` };
        case "aws:iam/policy:Policy":
            return { ...inputs, name: physical, arn: `${iam}:policy${iamPathOf(inputs)}${physical}` };
        case "aws:iam/instanceProfile:InstanceProfile":
            return { ...inputs, name: physical, arn: `${iam}:instance-profile${iamPathOf(inputs)}${physical}` };
        case "aws:ssm/document:Document":
            return {
                ...inputs,
                name: physical,
                arn: `arn:${scope.partition}:ssm:${scope.region}:${scope.accountId}:document/${physical}`,
                latestVersion: "1",
                defaultVersion: "1",
            };
        case "aws:sns/topic:Topic":
            return { ...inputs, name: physical, arn: `${regional("sns")}:${physical}` };
        case "aws:lambda/function:Function":
            return { ...inputs, name: physical, arn: `${regional("lambda")}:function:${physical}` };
        case "aws:cloudwatch/eventRule:EventRule":
            return { ...inputs, name: physical, arn: `${regional("events")}:rule/${physical}` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { ...inputs, name: physical, arn: `${regional("cloudwatch")}:alarm:${physical}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { ...inputs, name: physical, arn: `${regional("logs")}:log-group:${physical}` };
        default:
            return { ...inputs, name: physical };
    }
}

/** A pulumi.runtime.Mocks that records what the program registers. */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    private readonly providers = new Map<string, ProviderScope>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const id = args.custom === false ? undefined : `${args.name}-id`;
        if (args.type === "pulumi:providers:aws" && id) {
            const region = typeof args.inputs.region === "string" ? args.inputs.region : DEFAULT_SCOPE.region;
            this.providers.set(id, {
                region,
                accountId: firstAccount(args.inputs.allowedAccountIds) ?? DEFAULT_SCOPE.accountId,
                partition: partitionOf(region),
            });
        }
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom !== false, id });
        const providerId = args.provider?.split("::").pop();
        const scope = (providerId && this.providers.get(providerId)) || DEFAULT_SCOPE;
        return { id, state: mockState(args.type, args.name, args.inputs, scope) };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return args.inputs;
    }
}

export interface MockRunOptions {
    readonly project: string;
    readonly stack: string;
    /** Preview mode: outputs the mock does not return stay unknown, as in `pulumi preview`. */
    readonly preview?: boolean;
    readonly config?: Record<string, string>;
}

/**
 * Runs `program` under the mock runtime and returns what it registered. setMocks comes first:
 * a resource constructed before it would bypass the mock and never resolve.
 */
export async function runUnderMocks<T>(program: () => T, options: MockRunOptions): Promise<{ resources: RecordedResource[]; result: T }> {
    return withoutDebugBookkeeping(async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? false);
        pulumi.runtime.setAllConfig(options.config ?? {});
        const result = program();
        await waitForRegistrations();
        return { resources: mocks.resources, result };
    });
}
