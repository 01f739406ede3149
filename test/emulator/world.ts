/**
 * What the emulator tier's files share: the SDK clients (configured as the lifecycle function
 * configures its own), an environment deployed onto the emulator, and reads of the emulator's state
 * that do not go through the code under test.
 */
import { retentionRuleOf } from "../../core/lifecycle/lifecycleSettings";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, type Volume } from "@aws-sdk/client-ec2";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Clients } from "../../functions/lifecycle/actions";
import { DRILL_TAG_KEY, metricsNamespace, type LifecycleConfig } from "../../core/lifecycle/functionConfig";
import { parseEnvironment, type EnvironmentSpec } from "../../core/environment";
import { deployEnvironment, type SimEnvironment } from "./fleet";
import { DEFAULT_ACCOUNT, type Emulator } from "./server";

/** As functions/lifecycle/handler.ts builds them: adaptive retries, 8 attempts (the SDK's default settings otherwise). */
export function functionClients(): Clients & { readonly ssm: SSMClient } {
    const options = { retryMode: "adaptive", maxAttempts: 8 };
    return {
        ec2: new EC2Client(options),
        ssm: new SSMClient(options),
        cloudWatch: new CloudWatchClient(options),
        sns: new SNSClient(options),
    };
}

export function environmentSpec(name: string, fields: Record<string, unknown>): EnvironmentSpec {
    const parsed = parseEnvironment(name, { region: "us-east-1", accountId: DEFAULT_ACCOUNT, ...fields });
    if (!parsed.ok) {
        throw new Error(`test environment ${name} is invalid: ${JSON.stringify(parsed.issues)}`);
    }
    return parsed.spec;
}

export interface Deployed {
    readonly env: SimEnvironment;
    readonly config: LifecycleConfig;
}

/** The environment's document, window and alert topic, and the function configuration the stack would write. */
export async function deploy(clients: Clients & { ssm: SSMClient }, spec: EnvironmentSpec, fleet: string): Promise<Deployed> {
    const env = await deployEnvironment(clients.ssm, spec, fleet);
    const topic = await clients.sns.send(new CreateTopicCommand({ Name: `${spec.name}-alerts` }));
    const config: LifecycleConfig = {
        environment: spec.name,
        fleet,
        targetTags: spec.targetTags,
        rpoHours: spec.rpoHours,
        excludeBootVolume: spec.vss.excludeBootVolume,
        ...(spec.retention ? { retention: retentionRuleOf(spec) } : {}),
        ...(spec.restoreDrill ? { drillInstancesPerRun: spec.restoreDrill.instancesPerRun } : {}),
        alertTopicArn: topic.TopicArn ?? "",
        windowId: env.windowId,
    };
    return { env, config };
}

/** Every snapshot id in the account and region (owned by us), with its tags and state. */
export async function allSnapshots(ec2: EC2Client): Promise<Map<string, { state: string; tags: Record<string, string> }>> {
    const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    return new Map(
        (out.Snapshots ?? []).map((s) => [
            s.SnapshotId ?? "",
            { state: s.State ?? "", tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])) },
        ]),
    );
}

export async function drillVolumes(ec2: EC2Client, environment: string): Promise<Volume[]> {
    const out = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${DRILL_TAG_KEY}`, Values: [environment] }] }));
    return out.Volumes ?? [];
}

export interface Alert {
    readonly subject: string;
    readonly message: string;
}

export function alerts(emulator: Emulator, topicArn: string): Promise<Alert[]> {
    return emulator.control<Alert[]>("sns-messages", { topicArn });
}

/** The sum of one of the function's metrics, as CloudWatch stored it. */
export async function metricSum(cloudWatch: CloudWatchClient, environment: string, name: string, from: Date, to: Date): Promise<number> {
    const out = await cloudWatch.send(
        new GetMetricStatisticsCommand({
            Namespace: metricsNamespace(environment),
            MetricName: name,
            Dimensions: [{ Name: "Environment", Value: environment }],
            StartTime: from,
            EndTime: to,
            Period: 86_400,
            Statistics: ["Sum"],
        }),
    );
    return (out.Datapoints ?? []).reduce((n, d) => n + (d.Sum ?? 0), 0);
}
