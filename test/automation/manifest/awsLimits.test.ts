/**
 * Values that validated but that AWS refuses (or that silently do nothing) are refused at validation,
 * each at its file:line:col and key path with the reason and the fix: reserved snapshot tag keys,
 * schedules that never run or are longer than SSM takes, KMS references that name no key or a key of
 * another region, ARNs of another partition, copies across partitions, role names that are one to IAM,
 * tag keys and values over AWS's limits.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserInputError } from "../../../automation/errors";
import { parseManifest } from "../../../automation/manifest/load";
import { runCli } from "../../helpers";

const HEAD = `version: 1
environments:
  prod:
    region: us-east-1
    accountId: "111111111111"
`;
const KEY_1 = "11111111-1111-1111-1111-111111111111";
const KEY_2 = "22222222-2222-2222-2222-222222222222";

function problemsOf(text: string): string[] {
    try {
        parseManifest("fleet.yaml", text);
    } catch (error) {
        assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${String(error)}`);
        return [...error.problems];
    }
    return [];
}

const NEVER = (schedule: string) =>
    `${schedule} never runs: no date in the next 10 years matches its day-of-month, month, day-of-week and year fields (30 February and 31 April do not exist; a year in the past never comes); correct the day or month`;
const RESERVED = (suggestion: string) =>
    `tag keys starting with 'vss-fleet:' are reserved: vss-fleet writes them on every snapshot to group sets and prove their origin; use a key of your own, such as '${suggestion}'`;
const KMS_SHAPE =
    "must name a KMS key: a key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias name (alias/<name>) or an alias ARN";

/** [what, manifest, every problem expected, in order]. */
const REFUSED: [string, string, string[]][] = [
    [
        "reserved vss-fleet: snapshot tag keys, whatever their case, beside an allowed one",
        `${HEAD}    snapshotTags: { vss-fleet:shadow-set-id: nightly, VSS-Fleet:Other: x, Owner: ops }\n`,
        [
            `fleet.yaml:6:21: environments.prod.snapshotTags.vss-fleet:shadow-set-id: ${RESERVED("backup:shadow-set-id")}`,
            `fleet.yaml:6:55: environments.prod.snapshotTags.VSS-Fleet:Other: ${RESERVED("backup:Other")}`,
        ],
    ],
    [
        "a reserved snapshot tag key in defaults",
        `version: 1\ndefaults:\n  snapshotTags: { vss-fleet:set-key: a }\nenvironments: {}\n`,
        [`fleet.yaml:3:19: defaults.snapshotTags.vss-fleet:set-key: ${RESERVED("backup:set-key")}`],
    ],
    [
        "30 February",
        `${HEAD}    schedule: cron(0 4 30 2 ? *)\n`,
        [`fleet.yaml:6:5: environments.prod.schedule: ${NEVER("cron(0 4 30 2 ? *)")}`],
    ],
    [
        "31 April, with seconds",
        `${HEAD}    schedule: cron(0 0 4 31 APR ? *)\n`,
        [`fleet.yaml:6:5: environments.prod.schedule: ${NEVER("cron(0 0 4 31 APR ? *)")}`],
    ],
    [
        "a year in the past",
        `${HEAD}    schedule: cron(0 4 ? * MON 2020)\n`,
        [`fleet.yaml:6:5: environments.prod.schedule: ${NEVER("cron(0 4 ? * MON 2020)")}`],
    ],
    [
        "a drill on 31 April",
        `${HEAD}    restoreDrill: { schedule: cron(0 6 31 4 ? *) }\n`,
        [`fleet.yaml:6:21: environments.prod.restoreDrill.schedule: ${NEVER("cron(0 6 31 4 ? *)")}`],
    ],
    [
        "a 257-character schedule (SSM takes 256)",
        `${HEAD}    schedule: "cron(0 4 ? * * *${" ".repeat(257 - 17)})"\n`,
        [
            "fleet.yaml:6:5: environments.prod.schedule: SSM takes a schedule of at most 256 characters; this one has 257: use ranges (1-5) or increments (0/15) instead of long lists",
        ],
    ],
    [
        "volumeKmsKeyId that names no key",
        `${HEAD}    volumeKmsKeyId: "not a key; at all"\n`,
        [`fleet.yaml:6:5: environments.prod.volumeKmsKeyId: ${KMS_SHAPE}`],
    ],
    [
        "a key id one digit short",
        `${HEAD}    volumeKmsKeyId: ${KEY_1.slice(1)}\n`,
        [`fleet.yaml:6:5: environments.prod.volumeKmsKeyId: ${KMS_SHAPE}`],
    ],
    [
        "the volumes' key in another region",
        `${HEAD}    volumeKmsKeyId: arn:aws:kms:eu-west-1:111111111111:key/${KEY_1}\n`,
        [
            `fleet.yaml:6:5: environments.prod.volumeKmsKeyId: the key arn:aws:kms:eu-west-1:111111111111:key/${KEY_1} is in eu-west-1, but the volumes are in us-east-1: KMS keys are regional; name the key the volumes are encrypted with ('aws ec2 describe-volumes' shows its KmsKeyId)`,
        ],
    ],
    [
        "a copy to China from a commercial region, and a copy key of another region than its copy",
        `${HEAD}    volumeKmsKeyId: alias/fleet\n    copies:\n      - { region: cn-north-1, retention: { days: 30 } }\n      - { region: us-west-2, kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/${KEY_2}", retention: { days: 30 } }\n`,
        [
            "fleet.yaml:8:11: environments.prod.copies[0].region: EBS cannot copy snapshots from us-east-1 (partition 'aws') to cn-north-1 (partition 'aws-cn'): partitions are isolated and CopySnapshot works within one; copy to a region of 'aws', or back up the instances of cn-north-1 with an environment there",
            `fleet.yaml:9:30: environments.prod.copies[1].kmsKeyId: the key arn:aws:kms:eu-west-1:111111111111:key/${KEY_2} is in eu-west-1, but the copies are made in us-west-2: KMS keys are regional; name a key of us-west-2`,
        ],
    ],
    [
        "ARNs of another partition: arn:aws: in GovCloud and China, arn:aws-cn: in us-east-1",
        `version: 1
environments:
  gov:
    region: us-gov-west-1
    accountId: "111111111111"
    deployRoleArn: arn:aws:iam::111111111111:role/deploy
    alertTopicKmsKeyArn: arn:aws:kms:us-gov-west-1:111111111111:key/${KEY_1}
  china:
    region: cn-north-1
    accountId: "111111111111"
    notifications: { snsTopicArn: "arn:aws:sns:cn-north-1:111111111111:a" }
  us:
    region: us-east-1
    accountId: "111111111111"
    notifications: { subscriptions: [ { topicArn: "arn:aws-cn:sns:us-east-1:111111111111:alerts" } ] }
`,
        [
            "fleet.yaml:6:5: environments.gov.deployRoleArn: arn:aws:iam::111111111111:role/deploy is an ARN of partition 'aws', but us-gov-west-1 is in partition 'aws-us-gov': ARNs there start with 'arn:aws-us-gov:'",
            `fleet.yaml:7:5: environments.gov.alertTopicKmsKeyArn: arn:aws:kms:us-gov-west-1:111111111111:key/${KEY_1} is an ARN of partition 'aws', but us-gov-west-1 is in partition 'aws-us-gov': ARNs there start with 'arn:aws-us-gov:'`,
            "fleet.yaml:11:22: environments.china.notifications.snsTopicArn: arn:aws:sns:cn-north-1:111111111111:a is an ARN of partition 'aws', but cn-north-1 is in partition 'aws-cn': ARNs there start with 'arn:aws-cn:'",
            "fleet.yaml:15:41: environments.us.notifications.subscriptions[0].topicArn: arn:aws-cn:sns:us-east-1:111111111111:alerts is an ARN of partition 'aws-cn', but us-east-1 is in partition 'aws': ARNs there start with 'arn:aws:'",
        ],
    ],
    [
        "a copy key and a copy deploy role of another partition than the copy's region",
        `version: 1
environments:
  gov:
    region: us-gov-west-1
    accountId: "111111111111"
    volumeKmsKeyId: arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/${KEY_1}
    copies:
      - region: us-gov-east-1
        accountId: "333333333333"
        kmsKeyId: arn:aws:kms:us-gov-east-1:333333333333:key/${KEY_2}
        deployRoleArn: arn:aws:iam::333333333333:role/deploy
        retention: { days: 30 }
`,
        [
            `fleet.yaml:10:9: environments.gov.copies[0].kmsKeyId: arn:aws:kms:us-gov-east-1:333333333333:key/${KEY_2} is an ARN of partition 'aws', but us-gov-east-1 is in partition 'aws-us-gov': ARNs there start with 'arn:aws-us-gov:'`,
            "fleet.yaml:11:9: environments.gov.copies[0].deployRoleArn: arn:aws:iam::333333333333:role/deploy is an ARN of partition 'aws', but us-gov-east-1 is in partition 'aws-us-gov': ARNs there start with 'arn:aws-us-gov:'",
        ],
    ],
    [
        "two role names that differ only in case",
        `${HEAD}    existingInstanceRoleNames: [WebServers, webservers]\n`,
        [
            "fleet.yaml:6:5: environments.prod.existingInstanceRoleNames: WebServers and webservers are one role to IAM (role names are unique in an account whatever their case and path); list it once",
        ],
    ],
    [
        "a 129-character snapshot tag key and a 257-character scope tag value",
        `${HEAD}    snapshotTags: { ${"k".repeat(129)}: x }\n    scope: { tags: { Environment: ${"v".repeat(257)} } }\n`,
        [
            `fleet.yaml:6:21: environments.prod.snapshotTags.${"k".repeat(129)}: tag key must be 1-128 characters (AWS's limit); this one has 129`,
            "fleet.yaml:7:22: environments.prod.scope.tags.Environment: tag value must be at most 256 characters (AWS's limit); this one has 257",
        ],
    ],
    [
        "a 129-character scope tag key",
        `${HEAD}    scope: { tags: { ${"k".repeat(129)}: x } }\n`,
        [
            `fleet.yaml:6:22: environments.prod.scope.tags.${"k".repeat(129)}: tag key must be 1-128 characters (AWS's limit); this one has 129`,
        ],
    ],
];

/** The edges on the accepted side: each is one step from a refused case above. */
const ACCEPTED: [string, string][] = [
    ["29 February (every leap year)", `${HEAD}    schedule: cron(0 4 29 2 ? *)\n`],
    [
        "the last day of the month, and a fifth Monday",
        `${HEAD}    schedule: cron(0 4 L * ? *)\n    restoreDrill: { schedule: cron(0 6 ? * 2#5 *) }\n`,
    ],
    ["a 256-character schedule", `${HEAD}    schedule: "cron(0 4 ? * * *${" ".repeat(256 - 17)})"\n`],
    ["a snapshot tag key that only contains vss-fleet", `${HEAD}    snapshotTags: { team:vss-fleet: a, "vss-fleet": b }\n`],
    ["a 128-character tag key and a 256-character value", `${HEAD}    snapshotTags: { ${"k".repeat(128)}: ${"v".repeat(256)} }\n`],
    [
        "every way to name a key, in the right region and partition",
        `${HEAD}    volumeKmsKeyId: ${KEY_1}
    copies:
      - { region: us-west-2, kmsKeyId: "arn:aws:kms:us-west-2:111111111111:key/${KEY_2}", retention: { days: 30 } }
      - { region: eu-west-1, kmsKeyId: alias/fleet-copies, retention: { days: 30 } }
      - { region: eu-west-2, kmsKeyId: "arn:aws:kms:eu-west-2:111111111111:alias/fleet", retention: { days: 30 } }
      - { region: eu-west-3, kmsKeyId: mrk-${"0".repeat(32)}, retention: { days: 30 } }
`,
    ],
    ["a scope tag with a character EC2 allows but SSM targets do not", `${HEAD}    scope: { tags: { "Cost#Center": "4711" } }\n`],
    ["role names of different spelling", `${HEAD}    existingInstanceRoleNames: [WebServers, /app/WebServers2]\n`],
    [
        "GovCloud ARNs in GovCloud",
        `version: 1\nenvironments:\n  gov:\n    region: us-gov-west-1\n    accountId: "111111111111"\n    deployRoleArn: arn:aws-us-gov:iam::111111111111:role/deploy\n    copies: [ { region: us-gov-east-1, retention: { days: 30 } } ]\n`,
    ],
];

describe("values AWS can never accept are refused at validation", () => {
    for (const [what, text, expected] of REFUSED) {
        it(`refuses ${what}`, () => assert.deepStrictEqual(problemsOf(text), expected));
    }
    for (const [what, text] of ACCEPTED) {
        it(`accepts ${what}`, () => assert.deepStrictEqual(problemsOf(text), []));
    }
});

describe("vss-fleet validate refuses them as a process: exit 2, file:line:col, no stack trace", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-aws-limits-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("one manifest with a reserved tag key, a schedule that never runs, a key that is none, a copy to China, a 129-character key, WebServers twice", async () => {
        const file = path.join(dir, "fleet.yaml");
        fs.writeFileSync(
            file,
            `${HEAD}    schedule: cron(0 4 30 2 ? *)
    snapshotTags: { vss-fleet:shadow-set-id: nightly }
    volumeKmsKeyId: "not a key; at all"
    copies: [ { region: cn-north-1, retention: { days: 30 } } ]
    existingInstanceRoleNames: [WebServers, webservers]
    targetTags: { ${"k".repeat(129)}: x }
`,
        );
        const result = await runCli("validate", file);
        assert.strictEqual(result.code, 2);
        assert.strictEqual(result.out, "");
        assert.deepStrictEqual(result.err.trim().split("\n"), [
            `${file}:6:5: environments.prod.schedule: ${NEVER("cron(0 4 30 2 ? *)")}`,
            `${file}:7:21: environments.prod.snapshotTags.vss-fleet:shadow-set-id: ${RESERVED("backup:shadow-set-id")}`,
            `${file}:8:5: environments.prod.volumeKmsKeyId: ${KMS_SHAPE}`,
            `${file}:9:17: environments.prod.copies[0].region: EBS cannot copy snapshots from us-east-1 (partition 'aws') to cn-north-1 (partition 'aws-cn'): partitions are isolated and CopySnapshot works within one; copy to a region of 'aws', or back up the instances of cn-north-1 with an environment there`,
            `${file}:10:5: environments.prod.existingInstanceRoleNames: WebServers and webservers are one role to IAM (role names are unique in an account whatever their case and path); list it once`,
            `${file}:11:19: environments.prod.targetTags.${"k".repeat(129)}: tag key must be 1-128 characters (AWS's limit); this one has 129`,
        ]);
    });

    it("ARNs of the wrong partition and a key of another region", async () => {
        const file = path.join(dir, "partitions.yaml");
        fs.writeFileSync(
            file,
            `version: 1
environments:
  china:
    region: cn-north-1
    accountId: "111111111111"
    deployRoleArn: arn:aws:iam::111111111111:role/deploy
  prod:
    region: us-east-1
    accountId: "111111111111"
    volumeKmsKeyId: arn:aws:kms:us-west-2:111111111111:key/${KEY_1}
`,
        );
        const result = await runCli("validate", file);
        assert.strictEqual(result.code, 2);
        assert.deepStrictEqual(result.err.trim().split("\n"), [
            `${file}:6:5: environments.china.deployRoleArn: arn:aws:iam::111111111111:role/deploy is an ARN of partition 'aws', but cn-north-1 is in partition 'aws-cn': ARNs there start with 'arn:aws-cn:'`,
            `${file}:10:5: environments.prod.volumeKmsKeyId: the key arn:aws:kms:us-west-2:111111111111:key/${KEY_1} is in us-west-2, but the volumes are in us-east-1: KMS keys are regional; name the key the volumes are encrypted with ('aws ec2 describe-volumes' shows its KmsKeyId)`,
        ]);
    });
});
