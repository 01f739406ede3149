/**
 * Lambda entry point (Node.js 22). The stack bundles this file with esbuild; the AWS SDK v3 clients
 * come from the Lambda runtime. Invoked by the backup window's second task with
 * { action: "verify-run", windowExecutionId } and by the drill schedule with { action: "drill" }.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { drill, verifyRun, type Clients } from "./actions";
import { destinationClients } from "./destinations";
import { lifecycleEventSchema, readConfig } from "../../core/lifecycle/functionConfig";
import { awsEventSchema, relayEvent } from "./relay";

/** Time kept back from the deadline for deleting drill volumes and publishing the report... */
const CLEANUP_RESERVE_MS = 120_000;
/** ...of which clean-up may spend all but this waiting for volumes to leave "creating". */
const REPORT_RESERVE_MS = 20_000;

interface LambdaContext {
    getRemainingTimeInMillis(): number;
}

let clients: Clients | undefined;

function awsClients(config: ReturnType<typeof readConfig>): Clients {
    // Adaptive retries: EC2 throttles CreateVolume/DeleteSnapshot at 5 per second after a burst of 100.
    const options = { retryMode: "adaptive", maxAttempts: 8 };
    const region = process.env.AWS_REGION ?? "us-east-1";
    clients ??= {
        ec2: new EC2Client(options),
        ssm: new SSMClient(options),
        cloudWatch: new CloudWatchClient(options),
        sns: new SNSClient(options),
        ...(config.protection?.copies
            ? {
                  destinationEc2: destinationClients(
                      new STSClient(options),
                      { environment: config.environment, sourceAccountId: config.protection.sourceAccountId, sourceRegion: region },
                      options,
                  ),
              }
            : {}),
    };
    return clients;
}

export async function handler(event: unknown, context?: LambdaContext) {
    const config = readConfig(process.env);
    const awsEvent = awsEventSchema.safeParse(event);
    if (awsEvent.success) {
        const summary = await relayEvent(awsClients(config), config, awsEvent.data);
        console.log(JSON.stringify(summary));
        return summary;
    }
    const parsed = lifecycleEventSchema.safeParse(event);
    if (!parsed.success) {
        // Logged, not thrown: a failed asynchronous invocation lands on the alert topic through the
        // on-failure destination, payload and all, so a thrown forged event would reach every subscriber.
        const ignored = { action: "ignored", reason: `unexpected event: ${parsed.error.issues[0]?.message ?? "unknown"}` } as const;
        console.log(JSON.stringify({ ...ignored, event }));
        return ignored;
    }
    const end = Date.now() + (context?.getRemainingTimeInMillis() ?? 900_000);
    const summary =
        parsed.data.action === "verify-run"
            ? await verifyRun(awsClients(config), config, parsed.data.windowExecutionId, new Date())
            : await drill(awsClients(config), config, {
                  deadline: end - CLEANUP_RESERVE_MS,
                  cleanupDeadline: end - REPORT_RESERVE_MS,
                  pollMs: 5_000,
                  clock: Date.now,
                  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
              });
    console.log(JSON.stringify(summary));
    return summary;
}
