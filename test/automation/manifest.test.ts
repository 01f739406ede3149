import * as assert from "assert";
import { UserInputError } from "../../automation/errors";
import { parseManifest } from "../../automation/manifest/load";

const FILE = "fleet.yaml";
const HEAD = `version: 1
environments:
  prod:
    region: us-east-1
    accountId: "111111111111"
`;

function problemsOf(text: string): string[] {
    try {
        parseManifest(FILE, text);
    } catch (error) {
        assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${error}`);
        return [...error.problems];
    }
    return assert.fail("the manifest was accepted");
}

/** [what, manifest text, the one expected problem: "line:col: key: message" as a regex source]. */
const MALFORMED: [string, string, string][] = [
    [
        "a duplicate environment key",
        `${HEAD}  prod:\n    region: eu-west-1\n`,
        "6:3: environments.prod: duplicate key 'prod' \\(first at line 3, column 3\\); each key may appear once",
    ],
    [
        "a duplicate field",
        `${HEAD}    region: eu-west-1\n`,
        "6:5: environments.prod.region: duplicate key 'region' \\(first at line 4, column 5\\)",
    ],
    ["broken YAML", `version: 1\nenvironments: [\n`, "3:1: "],
    ["no version", `environments: {}\n`, "1:1: version: "],
    ["version 2", `version: 2\nenvironments: {}\n`, "1:1: version: must be 1"],
    ["no environments", `version: 1\n`, "1:1: environments: must be a mapping"],
    ["environments as a list", `version: 1\nenvironments: [prod]\n`, "2:1: environments: must be a mapping"],
    ["an unknown top-level key", `${HEAD}fleet: acme\n`, "6:1: fleet: unknown key 'fleet'"],
    ["an environment that is not a mapping", `version: 1\nenvironments:\n  prod: us-east-1\n`, "3:3: environments.prod: must be a mapping"],
    [
        "an environment name with capitals",
        `version: 1\nenvironments:\n  Prod:\n    region: us-east-1\n    accountId: "111111111111"\n`,
        "3:3: environments.Prod: environment name 'Prod'",
    ],
    [
        "an environment name with an underscore",
        `version: 1\nenvironments:\n  prod_1:\n    region: us-east-1\n    accountId: "111111111111"\n`,
        "3:3: environments.prod_1: environment name",
    ],
    ["a missing region", `version: 1\nenvironments:\n  prod:\n    accountId: "111111111111"\n`, "3:3: environments.prod.region: "],
    [
        "a bad region",
        `${HEAD.replace("us-east-1", "useast1")}`,
        "4:5: environments.prod.region: 'useast1' is not an AWS region; did you mean 'us-east-1'\\?",
    ],
    [
        "a region that does not exist",
        `${HEAD.replace("us-east-1", "us-east-9")}`,
        "4:5: environments.prod.region: 'us-east-9' is not an AWS region; did you mean 'us-east-1'\\?",
    ],
    [
        "a region nothing is near",
        `${HEAD.replace("us-east-1", "moon-base-1")}`,
        "4:5: environments.prod.region: 'moon-base-1' is not an AWS region \\(for example us-east-1, eu-west-1\\)",
    ],
    [
        "an unquoted account id",
        `${HEAD.replace('"111111111111"', "111111111111")}`,
        "5:5: environments.prod.accountId: must be a 12-digit AWS account id, quoted in YAML",
    ],
    ["a short account id", `${HEAD.replace('"111111111111"', '"1111"')}`, "5:5: environments.prod.accountId: must be a 12-digit"],
    [
        "an unknown environment key",
        `${HEAD}    schedul: cron(0 4 ? * * *)\n`,
        "6:5: environments.prod.schedul: unknown key 'schedul'; did you mean 'schedule'\\?",
    ],
    [
        "a cron with both day fields",
        `${HEAD}    schedule: cron(0 4 * * * *)\n`,
        "6:5: environments.prod.schedule: cron needs '\\?' in exactly one",
    ],
    [
        "a cron with five fields",
        `${HEAD}    schedule: cron(0 4 * * ?)\n`,
        "6:5: environments.prod.schedule: cron\\(\\.\\.\\.\\) for maintenance windows has 6 fields",
    ],
    [
        "a rate faster than SSM allows",
        `${HEAD}    schedule: rate(1 minute)\n`,
        "6:5: environments.prod.schedule: SSM does not run maintenance windows more often",
    ],
    [
        "a time zone that is not IANA",
        `${HEAD}    scheduleTimezone: EST5EDT+1\n`,
        "6:5: environments.prod.scheduleTimezone: must be an IANA time zone",
    ],
    [
        "a schedule offset with a rate",
        `${HEAD}    schedule: rate(1 day)\n    scheduleOffset: 2\n`,
        "7:5: environments.prod.scheduleOffset: scheduleOffset works only with a cron",
    ],
    ["a duration as text", `${HEAD}    durationHours: two\n`, "6:5: environments.prod.durationHours: expected number, received string"],
    [
        "a cutoff equal to the duration",
        `${HEAD}    durationHours: 2\n    cutoffHours: 2\n`,
        "7:5: environments.prod.cutoffHours: cutoffHours \\(2\\) must be less than durationHours \\(2\\)",
    ],
    [
        "a cutoff past a defaulted duration",
        `version: 1\ndefaults:\n  durationHours: 2\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    cutoffHours: 3\n`,
        "8:5: environments.prod.cutoffHours: cutoffHours \\(3\\) must be less than durationHours \\(2\\)",
    ],
    [
        "a bad value in defaults, reported once at defaults",
        `version: 1\ndefaults:\n  maxConcurrency: "0"\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n  dev:\n    region: eu-west-1\n    accountId: "222222222222"\n`,
        "3:3: defaults.maxConcurrency: maxConcurrency must be a count",
    ],
    [
        "an unknown key in defaults",
        `version: 1\ndefaults:\n  instances: [i-0123456789abcdef0]\nenvironments: {}\n`,
        "3:3: defaults.instances: unknown key 'instances'",
    ],
    ["a maxErrors of 101%", `${HEAD}    maxErrors: 101%\n`, "6:5: environments.prod.maxErrors: maxErrors must be a count"],
    [
        "six target tags",
        `${HEAD}    targetTags: { a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" }\n`,
        "6:5: environments.prod.targetTags: targetTags needs 1-5 tags",
    ],
    [
        "an aws: target tag",
        `${HEAD}    targetTags: { "aws:x": y }\n`,
        "6:19: environments.prod.targetTags.aws:x: tag keys starting with 'aws:' are reserved",
    ],
    ["an unknown engine", `${HEAD}    engine: vsss\n`, "6:5: environments.prod.engine: "],
    [
        "an unknown vss option",
        `${HEAD}    vss: { copyonly: true }\n`,
        "6:12: environments.prod.vss.copyonly: unknown key 'copyonly'; did you mean 'copyOnly'\\?",
    ],
    [
        "saveVssMetadata with noWriters",
        `${HEAD}    vss: { noWriters: true, saveVssMetadata: true }\n`,
        "6:29: environments.prod.vss.saveVssMetadata: saveVssMetadata needs application writers",
    ],
    [
        "a reserved snapshot tag",
        `${HEAD}    snapshotTags: { Device: xvdf }\n`,
        "6:21: environments.prod.snapshotTags.Device: this key is written by vss-fleet or AWS VSS itself",
    ],
    [
        "an SNS topic in another account",
        `${HEAD}    notifications: { snsTopicArn: "arn:aws:sns:us-east-1:999999999999:a" }\n`,
        "6:22: environments.prod.notifications.snsTopicArn: the SNS topic must be in the environment's own account",
    ],
    [
        "logging without a destination",
        `${HEAD}    logging: {}\n`,
        "6:5: environments.prod.logging: name s3BucketName, cloudWatchLogGroupName or both",
    ],
    ["a bad instance id", `${HEAD}    instances: [i-123]\n`, "6:17: environments.prod.instances\\[0\\]: must be an instance id"],
    [
        "an instance listed twice",
        `${HEAD}    instances: [i-0123456789abcdef0, i-0123456789abcdef0]\n`,
        "6:5: environments.prod.instances: lists an instance twice",
    ],
    ["instances as text", `${HEAD}    instances: i-0123456789abcdef0\n`, "6:5: environments.prod.instances: expected array"],
    [
        "a misspelt scope key",
        `${HEAD}    scope: { tags: { Env: prod }, tgs: { Env: dev } }\n`,
        "6:35: environments.prod.scope.tgs: unknown key 'tgs'; did you mean 'tags'\\?",
    ],
    ["scope without tags", `${HEAD}    scope: {}\n`, "6:5: environments.prod.scope.tags: expected record"],
    [
        "an exemption without a reason",
        `${HEAD}    exemptions:\n      - { instanceId: i-0123456789abcdef0, expires: "2027-01-31" }\n`,
        "7:9: environments.prod.exemptions\\[0\\].reason: say why the instance needs no backup",
    ],
    [
        "an exemption with an empty reason",
        `${HEAD}    exemptions:\n      - { instanceId: i-0123456789abcdef0, reason: " ", expires: "2027-01-31" }\n`,
        "7:44: environments.prod.exemptions\\[0\\].reason: say why",
    ],
    [
        "an exemption on a date that does not exist",
        `${HEAD}    exemptions:\n      - { instanceId: i-0123456789abcdef0, reason: r, expires: 2027-02-30 }\n`,
        "7:55: environments.prod.exemptions\\[0\\].expires: must be a real date YYYY-MM-DD",
    ],
    [
        "an exemption without a subject",
        `${HEAD}    exemptions:\n      - { reason: r, expires: "2027-01-31" }\n`,
        "7:9: environments.prod.exemptions\\[0\\]: name exactly one of instanceId, urn or namePattern",
    ],
    [
        "an exemption with a broken pattern",
        `${HEAD}    exemptions:\n      - { namePattern: "sql-(", reason: r, expires: "2027-01-31" }\n`,
        "7:11: environments.prod.exemptions\\[0\\].namePattern: must be a valid regular expression",
    ],
    [
        "two environments selecting the same instances",
        `${HEAD}    targetTags: { Backup: prod }\n  prod2:\n    region: us-east-1\n    accountId: "111111111111"\n    targetTags: { Backup: prod }\n`,
        "10:5: environments.prod2.targetTags: selects the same instances as environment 'prod'",
    ],
];

describe("fleet manifest errors", () => {
    it(`has at least 30 distinct malformed manifests (${MALFORMED.length})`, () => assert.ok(MALFORMED.length >= 30));
    for (const [what, text, expected] of MALFORMED) {
        it(`reports ${what} at its position and key`, () => {
            const problems = problemsOf(text);
            assert.strictEqual(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], new RegExp(`^${FILE}:${expected}`));
        });
    }

    it("reports every problem of a manifest at once, in the order a reader meets them", () => {
        const problems = problemsOf(`${HEAD}    schedul: x\n    durationHours: 30\n  Dev:\n    region: x\n`);
        assert.deepStrictEqual(problems, [
            "fleet.yaml:6:5: environments.prod.schedul: unknown key 'schedul'; did you mean 'schedule'?",
            "fleet.yaml:7:5: environments.prod.durationHours: Too big: expected number to be <=24",
            "fleet.yaml:8:3: environments.Dev: environment name 'Dev' must be 1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen",
            "fleet.yaml:8:3: environments.Dev.accountId: must be a 12-digit AWS account id, quoted in YAML",
            "fleet.yaml:9:5: environments.Dev.region: 'x' is not an AWS region (for example us-east-1, eu-west-1)",
        ]);
    });
});

describe("fleet manifest", () => {
    it("merges defaults under each environment, nested objects key by key", () => {
        const fleet = parseManifest(
            FILE,
            `version: 1
defaults:
  durationHours: 3
  vss: { copyOnly: true }
  snapshotTags: { Owner: platform }
environments:
  prod:
    region: us-east-1
    accountId: "111111111111"
    vss: { excludeBootVolume: true }
    instances: [i-0123456789abcdef0]
    scope: { tags: { Env: prod } }
    exemptions:
      - { namePattern: "^build-", reason: rebuilt nightly, expires: "2027-01-31" }
  dev:
    region: eu-west-1
    accountId: "222222222222"
    durationHours: 1
`,
        );
        const [prod, dev] = fleet.environments;
        assert.strictEqual(prod.spec.durationHours, 3);
        assert.deepStrictEqual(prod.spec.vss, { excludeBootVolume: true, noWriters: false, copyOnly: true, saveVssMetadata: false });
        assert.deepStrictEqual(prod.spec.snapshotTags, { Owner: "platform" });
        assert.deepStrictEqual(prod.instances, ["i-0123456789abcdef0"]);
        assert.deepStrictEqual(prod.scopeTags, { Env: "prod" });
        assert.deepStrictEqual(prod.exemptions, [{ namePattern: "^build-", reason: "rebuilt nightly", expires: "2027-01-31" }]);
        assert.strictEqual(dev.spec.durationHours, 1);
        assert.deepStrictEqual(dev.spec.targetTags, { "VSS-Snapshot": "dev" });
        assert.deepStrictEqual(dev.instances, []);
    });

    it("reads the shipped example", async () => {
        const { loadManifest } = await import("../../automation/manifest/load");
        assert.deepStrictEqual(
            loadManifest("examples/fleet.yaml").environments.map((e) => e.spec.name),
            ["prod", "dev"],
        );
    });
});
