/**
 * Places two environments must not share: command output (an equal or nested prefix of one bucket, an
 * equal log group) and a volume key that two environments copy from into one account. Each is refused at
 * the later environment's key with its file:line:col; near misses that are safe are accepted.
 */
import * as assert from "assert";
import { UserInputError } from "../../../automation/errors";
import { parseManifest } from "../../../automation/manifest/load";

const KEY = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111";
const OTHER_KEY = "arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222";
const VAULT = "333333333333";

function manifest(prod: string, prodEu: string): string {
    const env = (name: string, tag: string, extra: string) =>
        `  ${name}:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: ${tag} }\n${extra}`;
    return `version: 1\nenvironments:\n${env("prod", "prod", prod)}${env("prod-eu", "prod-eu", prodEu)}`;
}

function problemsOf(text: string): string[] {
    try {
        parseManifest("fleet.yaml", text);
    } catch (error) {
        assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${String(error)}`);
        return [...error.problems];
    }
    return [];
}

const logging = (value: string) => `    logging: ${value}\n`;
const copies = (key: string) =>
    `    volumeKmsKeyId: ${key}\n    copies: [{ region: us-west-2, accountId: "${VAULT}", deployRoleArn: arn:aws:iam::${VAULT}:role/vault-deploy, retention: { days: 35, minSets: 7 }, kmsKeyId: arn:aws:kms:us-west-2:${VAULT}:key/33333333-3333-3333-3333-333333333333 }]\n`;

describe("places two environments must not share", () => {
    it("refuses an equal prefix in one bucket, at the later environment's s3KeyPrefix", () => {
        const problems = problemsOf(
            manifest(logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet }"), logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet/ }")),
        );
        assert.deepStrictEqual(problems, [
            "fleet.yaml:12:35: environments.prod-eu.logging.s3KeyPrefix: command output goes to 'vss-fleet/' of bucket out, and " +
                "environment 'prod' writes to 'vss-fleet' of it: each environment's servers may write under their own prefix, so one " +
                "would overwrite the other's output. Give each environment a prefix of its own (for example vss-fleet/prod-eu)",
        ]);
    });

    it("refuses a nested prefix, and no prefix beside any prefix of the same bucket", () => {
        assert.strictEqual(
            problemsOf(
                manifest(
                    logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet }"),
                    logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet/eu }"),
                ),
            ).length,
            1,
        );
        const whole = problemsOf(manifest(logging("{ s3BucketName: out }"), logging("{ s3BucketName: out, s3KeyPrefix: eu }")));
        assert.strictEqual(whole.length, 1);
        assert.match(whole[0], /goes to 'eu' of bucket out, and environment 'prod' writes to the whole bucket of it/);
    });

    it("accepts prefixes that only share characters, another bucket, and another log group", () => {
        assert.deepStrictEqual(
            problemsOf(
                manifest(
                    logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet/prod }"),
                    logging("{ s3BucketName: out, s3KeyPrefix: vss-fleet/prod-eu }"),
                ),
            ),
            [],
        );
        assert.deepStrictEqual(problemsOf(manifest(logging("{ s3BucketName: out }"), logging("{ s3BucketName: out-eu }"))), []);
        assert.deepStrictEqual(
            problemsOf(
                manifest(logging("{ cloudWatchLogGroupName: /vss-fleet/prod }"), logging("{ cloudWatchLogGroupName: /vss-fleet/prod-eu }")),
            ),
            [],
        );
    });

    it("refuses an equal log group", () => {
        const problems = problemsOf(
            manifest(logging("{ cloudWatchLogGroupName: /vss/out }"), logging("{ cloudWatchLogGroupName: /vss/out }")),
        );
        assert.deepStrictEqual(problems, [
            "fleet.yaml:12:16: environments.prod-eu.logging.cloudWatchLogGroupName: log group /vss/out is environment 'prod's too: " +
                "each environment's servers may write to their own group, so one could write into the other's. Give each environment a " +
                "group of its own (for example /vss-fleet/prod-eu)",
        ]);
    });

    it("refuses one volume key for two environments that copy to one account, and accepts two keys or no shared account", () => {
        const problems = problemsOf(manifest(copies(KEY), copies(KEY)));
        assert.strictEqual(problems.length, 1);
        assert.match(
            problems[0],
            /^fleet\.yaml:\d+:\d+: environments\.prod-eu\.volumeKmsKeyId: environment 'prod' encrypts its volumes with the same key and copies to account 333333333333 too: /,
        );
        assert.deepStrictEqual(problemsOf(manifest(copies(KEY), copies(OTHER_KEY))), []);
        assert.deepStrictEqual(problemsOf(manifest(copies(KEY), `    volumeKmsKeyId: ${KEY}\n`)), []);
    });
});
