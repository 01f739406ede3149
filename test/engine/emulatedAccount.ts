/**
 * The prod stack's AWS account in the emulator, for engine-tier tests that deploy with the AWS-API
 * provider: a moto server (as the emulator tier starts it), credentials that act in the stack's
 * account (moto's sts:AssumeRole), SDK clients with them, and the environment the Pulumi CLI (and
 * so the provider it starts) gets.
 */
import * as assert from "assert";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { emulatorMissing, startEmulator, type Emulator } from "../emulator/server";

/** The shipped prod stack's account (stacks/Pulumi.prod.yaml): its provider refuses any other. */
export const PROD_ACCOUNT = "111111111111";
export const REGION = "us-east-1";

export interface EmulatedAccount {
    readonly emulator: Emulator;
    readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
    /** Client options: the emulator's endpoint, the region, the account's credentials. */
    readonly config: { region: string; endpoint: string; credentials: EmulatedAccount["credentials"] };
    /** AWS_* variables for the Pulumi CLI and the plugins it starts (and for code that builds its own clients). */
    readonly env: Record<string, string>;
    readonly ec2: EC2Client;
    readonly ssm: SSMClient;
    readonly sns: SNSClient;
    readonly cloudWatch: CloudWatchClient;
}

export async function emulatedAccount(): Promise<EmulatedAccount> {
    const missing = emulatorMissing();
    if (missing) {
        assert.fail(`this engine-tier file needs python3 with moto: ${missing}`);
    }
    const emulator = await startEmulator();
    const dummy = { region: REGION, endpoint: emulator.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
    const assumed = await new STSClient(dummy).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/vss-fleet-deploy`, RoleSessionName: "engine-tier" }),
    );
    const credentials = {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? "",
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "",
        sessionToken: assumed.Credentials?.SessionToken ?? "",
    };
    const config = { region: REGION, endpoint: emulator.endpoint, credentials };
    return {
        emulator,
        credentials,
        config,
        env: {
            AWS_ENDPOINT_URL: emulator.endpoint,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken,
            AWS_REGION: REGION,
            AWS_EC2_METADATA_DISABLED: "true",
        },
        ec2: new EC2Client(config),
        ssm: new SSMClient(config),
        sns: new SNSClient(config),
        cloudWatch: new CloudWatchClient(config),
    };
}

/** Sets `vars` in process.env for the length of `run` (code under test that builds its own SDK clients). */
export async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
        return await run();
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
    }
}
