/**
 * EC2 clients for copy destinations: the destination's region, and for another account the
 * credentials of its copy role, assumed through STS (client-sts ships in the Lambda runtime, so the
 * bundle stays free of the SDK). Credentials are cached until five minutes before they expire.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { copyTargetRoleArn, type CopyDestination } from "../../core/lifecycle/copies";
import { partitionOf } from "../../core/environment/aws";

const REFRESH_MARGIN_MS = 5 * 60_000;

export function destinationClients(
    sts: STSClient,
    owner: { readonly environment: string; readonly sourceAccountId: string; readonly sourceRegion: string },
    options: { readonly retryMode: string; readonly maxAttempts: number },
): (destination: CopyDestination) => EC2Client {
    const clients = new Map<string, EC2Client>();
    return (destination) => {
        const account = destination.accountId ?? owner.sourceAccountId;
        const key = `${account}/${destination.region}`;
        const existing = clients.get(key);
        if (existing) {
            return existing;
        }
        if (account === owner.sourceAccountId) {
            const client = new EC2Client({ ...options, region: destination.region });
            clients.set(key, client);
            return client;
        }
        const roleArn = copyTargetRoleArn(partitionOf(destination.region), account, owner.environment);
        let cached: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } | undefined;
        const credentials = async () => {
            if (!cached || cached.expiration.getTime() - REFRESH_MARGIN_MS <= Date.now()) {
                const { Credentials: c } = await sts.send(
                    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `vss-fleet-${owner.environment}-copy`.slice(0, 64) }),
                );
                if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
                    throw new Error(`assuming ${roleArn} returned no credentials`);
                }
                cached = {
                    accessKeyId: c.AccessKeyId,
                    secretAccessKey: c.SecretAccessKey,
                    sessionToken: c.SessionToken,
                    expiration: new Date(c.Expiration),
                };
            }
            return cached;
        };
        const client = new EC2Client({ ...options, region: destination.region, credentials });
        clients.set(key, client);
        return client;
    };
}
