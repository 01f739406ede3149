import * as assert from "assert";
import { formatPath, lifecycleEnabled, lifecycleSummary, parseEnvironment, partitionOf, type SpecIssue } from "../../../core/environment";
import { MINIMAL, specOf } from "../../helpers";

function issuesOf(overrides: Record<string, unknown>, name = "prod"): SpecIssue[] {
    const result = parseEnvironment(name, { ...MINIMAL, ...overrides });
    return result.ok ? [] : result.issues;
}

/** Asserts that exactly one issue is reported, at `path`, with a message matching `message`. */
function rejects(overrides: Record<string, unknown>, path: string, message: RegExp, name = "prod"): void {
    const issues = issuesOf(overrides, name);
    assert.strictEqual(issues.length, 1, `expected one issue, got ${JSON.stringify(issues)}`);
    assert.strictEqual(formatPath(issues[0].path), path);
    assert.match(issues[0].message, message);
}

describe("EnvironmentSpec", () => {
    it("says in one line what the lifecycle does, or that it is off, and that snapshots are kept forever without retention", () => {
        assert.strictEqual(
            lifecycleSummary(specOf({ lifecycle: false })),
            "off (no verification after runs, no alarms, no retention: snapshots are kept forever, no drills)",
        );
        assert.strictEqual(
            lifecycleSummary(specOf({ rpoHours: 30 })),
            "verifies each run (RPO 30 h); alarms after 27 h without a verified run; no retention: snapshots are kept forever; no drills",
        );
        assert.strictEqual(
            lifecycleSummary(specOf({ retention: { days: 35 } })),
            "verifies each run (RPO 26 h); alarms after 27 h without a verified run; retention 35 days, at least 7 good sets; no drills",
        );
        assert.strictEqual(
            lifecycleSummary(specOf({ scheduleTimezone: "Europe/Berlin", retention: { days: 7, weekly: 4, yearly: 3 } })),
            "verifies each run (RPO 26 h); alarms after 27 h without a verified run; retention 7 days, at least 7 good sets, tiers weekly 4, yearly 3 (Europe/Berlin); no drills",
        );
    });

    it("says when the schedule is too sparse for a dead-man's switch", () => {
        assert.strictEqual(
            lifecycleSummary(specOf({ schedule: "cron(0 6 ? * SUN *)" })),
            "verifies each run (RPO 26 h); no dead-man's switch (runs too rare for an alarm); no retention: snapshots are kept forever; no drills",
        );
    });

    it("switches the lifecycle on by default, off only when asked", () => {
        const on = (overrides: Record<string, unknown>) => lifecycleEnabled(specOf(overrides));
        assert.strictEqual(on({}), true);
        assert.strictEqual(on({ lifecycle: false }), false);
        assert.strictEqual(on({ lifecycle: true }), true);
        assert.strictEqual(on({ retention: { days: 30 } }), true);
        assert.strictEqual(on({ restoreDrill: { schedule: "cron(0 6 ? * SUN *)" } }), true);
        assert.deepStrictEqual(specOf({ restoreDrill: { schedule: "cron(0 6 ? * SUN *)" } }).restoreDrill, {
            schedule: "cron(0 6 ? * SUN *)",
            instancesPerRun: 1,
        });
    });

    it("applies every default to the smallest valid input", () => {
        const result = parseEnvironment("prod", MINIMAL);
        assert.ok(result.ok);
        assert.deepStrictEqual(result.spec, {
            name: "prod",
            region: "us-east-1",
            accountId: "111111111111",
            schedule: "cron(0 4 ? * * *)",
            scheduleTimezone: "UTC",
            durationHours: 1,
            cutoffHours: 0,
            targetTags: { "VSS-Snapshot": "prod" },
            engine: "aws-vss",
            vss: { excludeBootVolume: false, noWriters: false, copyOnly: false, saveVssMetadata: false },
            snapshotTags: {},
            rpoHours: 26,
            recycleBinDays: 7,
            logRetentionDays: 90,
            lifecycleReservedConcurrency: 2,
            preflight: "advisory",
        });
    });

    it("defaults targetTags per environment, so two environments never select each other's instances", () => {
        const dev = parseEnvironment("dev", MINIMAL);
        const prod = parseEnvironment("prod", MINIMAL);
        assert.ok(dev.ok && prod.ok);
        assert.notDeepStrictEqual(dev.spec.targetTags, prod.spec.targetTags);
    });

    it("keeps explicit values", () => {
        const result = parseEnvironment("prod", {
            ...MINIMAL,
            schedule: "rate(1 day)",
            scheduleTimezone: "Europe/Berlin",
            durationHours: 4,
            cutoffHours: 3,
            maxConcurrency: 5,
            maxErrors: "0",
            targetTags: { Backup: "prod" },
            engine: "aws-vss",
            vss: { copyOnly: true },
            snapshotTags: { CostCenter: "42" },
            notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts", events: ["All"] },
            logging: { cloudWatchLogGroupName: "/vss/prod" },
        });
        assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
        assert.strictEqual(result.spec.maxConcurrency, "5");
        assert.strictEqual(result.spec.maxErrors, "0");
        assert.deepStrictEqual(result.spec.vss, { excludeBootVolume: false, noWriters: false, copyOnly: true, saveVssMetadata: false });
        assert.deepStrictEqual(result.spec.notifications, { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts", events: ["All"] });
    });

    describe("rejects, naming the key", () => {
        it("a missing region", () => {
            const result = parseEnvironment("prod", { accountId: "111111111111" });
            assert.ok(!result.ok);
            assert.deepStrictEqual(
                result.issues.map((i) => formatPath(i.path)),
                ["region"],
            );
        });
        it("a region that is not one", () => rejects({ region: "US East" }, "region", /AWS region/));
        it("an unquoted account id", () => rejects({ accountId: 111111111111 }, "accountId", /quoted in YAML/));
        it("an 11-digit account id", () => rejects({ accountId: "11111111111" }, "accountId", /12-digit/));
        it("a bad schedule", () => rejects({ schedule: "cron(0 4 * * * *)" }, "schedule", /'\?' in exactly one/));
        it("a schedule faster than SSM allows", () => rejects({ schedule: "rate(1 minute)" }, "schedule", /every 5 minutes/));
        it("a time zone that is not IANA", () => rejects({ scheduleTimezone: "CET+1" }, "scheduleTimezone", /IANA/));
        it("an offset as a time zone", () => rejects({ scheduleTimezone: "+01:00" }, "scheduleTimezone", /IANA/));
        it("a scheduleOffset of 7", () => rejects({ scheduleOffset: 7 }, "scheduleOffset", /<=6/));
        it("a scheduleOffset with a rate schedule", () =>
            rejects({ schedule: "rate(1 day)", scheduleOffset: 2 }, "scheduleOffset", /only with a cron/));
        it("a duration of 25 hours", () => rejects({ durationHours: 25 }, "durationHours", /<=24/));
        it("a fractional duration", () => rejects({ durationHours: 1.5 }, "durationHours", /expected int/));
        it("a cutoff equal to the duration", () =>
            rejects({ durationHours: 2, cutoffHours: 2 }, "cutoffHours", /less than durationHours \(2\)/));
        it("a cutoff past the default duration", () => rejects({ cutoffHours: 1 }, "cutoffHours", /less than durationHours \(1\)/));
        it("maxConcurrency 0", () => rejects({ maxConcurrency: "0" }, "maxConcurrency", /count such as 10/));
        it("maxConcurrency 101%", () => rejects({ maxConcurrency: "101%" }, "maxConcurrency", /percentage/));
        it("maxErrors -1", () => rejects({ maxErrors: -1 }, "maxErrors", /count such as 10/));
        it("maxErrors as a list", () => rejects({ maxErrors: [1] }, "maxErrors", /count such as 10/));
        it("no target tags", () => rejects({ targetTags: {} }, "targetTags", /1-5 tags/));
        it("six target tags", () => rejects({ targetTags: { a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" } }, "targetTags", /1-5 tags/));
        it("an aws: target tag key", () => rejects({ targetTags: { "aws:x": "1" } }, "targetTags.aws:x", /reserved by AWS/));
        it("a target tag key of 129 characters", () =>
            rejects({ targetTags: { ["k".repeat(129)]: "1" } }, `targetTags.${"k".repeat(129)}`, /1-128/));
        it("a target tag value with a comma", () => rejects({ targetTags: { Backup: "a,b" } }, "targetTags.Backup", /may contain only/));
        it("an unknown engine", () => rejects({ engine: "vss" }, "engine", /aws-vss/));
        it("copy-only backups with the diskshadow engine (DISKSHADOW has no copy backup type)", () =>
            rejects({ engine: "diskshadow", vss: { copyOnly: true } }, "vss.copyOnly", /cannot take copy-only backups/));
        it("a vss option that is not a boolean", () => rejects({ vss: { copyOnly: "yes" } }, "vss.copyOnly", /expected boolean/));
        it("saveVssMetadata with noWriters", () =>
            rejects({ vss: { noWriters: true, saveVssMetadata: true } }, "vss.saveVssMetadata", /cannot be combined with noWriters/));
        it("a drill schedule that is a rate", () =>
            rejects({ restoreDrill: { schedule: "rate(7 days)" } }, "restoreDrill.schedule", /EventBridge cron/));
        it("a drill schedule with SSM's optional 7th field", () =>
            rejects({ restoreDrill: { schedule: "cron(0 6 ? * SUN * 2027)" } }, "restoreDrill.schedule", /exactly 6 fields/));
        it("a drill schedule with '?' in neither day field", () =>
            rejects({ restoreDrill: { schedule: "cron(0 6 * * SUN *)" } }, "restoreDrill.schedule", /'\?' in exactly one/));
        it("a drill of 21 instances", () =>
            rejects({ restoreDrill: { schedule: "cron(0 6 ? * SUN *)", instancesPerRun: 21 } }, "restoreDrill.instancesPerRun", /<=20/));
        it("retention with the lifecycle switched off", () =>
            rejects({ lifecycle: false, retention: { days: 30 } }, "lifecycle", /retention runs in the lifecycle function/));
        it("a drill with the lifecycle switched off", () =>
            rejects(
                { lifecycle: false, restoreDrill: { schedule: "cron(0 6 ? * SUN *)" } },
                "lifecycle",
                /restoreDrill runs in the lifecycle/,
            ));
        it("a reserved snapshot tag", () =>
            rejects({ snapshotTags: { AppConsistent: "true" } }, "snapshotTags.AppConsistent", /written by vss-fleet or AWS VSS/));
        it("our own snapshot tag", () =>
            rejects(
                { snapshotTags: { "vss-fleet:environment": "x" } },
                "snapshotTags.vss-fleet:environment",
                /reserved: vss-fleet writes them/,
            ));
        it("a topic that is not an SNS ARN", () =>
            rejects({ notifications: { snsTopicArn: "alerts" } }, "notifications.snsTopicArn", /SNS topic ARN/));
        it("a topic in another account", () =>
            rejects(
                { notifications: { snsTopicArn: "arn:aws:sns:us-east-1:999999999999:alerts" } },
                "notifications.snsTopicArn",
                /own account/,
            ));
        it("a subscription email without a domain", () =>
            rejects(
                { notifications: { subscriptions: [{ email: "oncall" }] } },
                "notifications.subscriptions[0].email",
                /^must be an email address such as ops@example.com$/,
            ));
        it("a subscription over plain http", () =>
            rejects(
                { notifications: { subscriptions: [{ email: "a@example.com" }, { https: "http://alerts.example.com/sns" }] } },
                "notifications.subscriptions[1].https",
                /^must be an https:\/\/ URL/,
            ));
        it("a subscription naming two endpoints in one entry", () =>
            rejects(
                { notifications: { subscriptions: [{ email: "a@example.com", https: "https://alerts.example.com" }] } },
                "notifications.subscriptions[0]",
                /exactly one of email, https or topicArn/,
            ));
        it("a subscription with an unknown key, such as sms", () => {
            const issues = issuesOf({ notifications: { subscriptions: [{ sms: "+15550100" }] } });
            assert.deepStrictEqual(
                issues.map((i) => [formatPath(i.path), i.message]),
                [
                    ["notifications.subscriptions[0].sms", "unknown key 'sms'"],
                    ["notifications.subscriptions[0]", "each subscription names exactly one of email, https or topicArn"],
                ],
            );
        });
        it("an existing alert topic that is not an ARN", () =>
            rejects(
                { notifications: { subscriptions: [{ topicArn: "alerts" }] } },
                "notifications.subscriptions[0].topicArn",
                /SNS topic ARN/,
            ));
        it("an existing alert topic in another region", () =>
            rejects(
                { notifications: { subscriptions: [{ topicArn: "arn:aws:sns:eu-west-1:111111111111:alerts" }] } },
                "notifications.subscriptions",
                /account 111111111111 and region us-east-1/,
            ));
        it("an existing alert topic in another account, whose owner would read every alert (round-3 review)", () =>
            rejects(
                { notifications: { subscriptions: [{ topicArn: "arn:aws:sns:us-east-1:999999999999:alerts" }] } },
                "notifications.subscriptions",
                /the alert topic arn:aws:sns:us-east-1:999999999999:alerts must be in the environment's account 111111111111 and region us-east-1/,
            ));
        it("two existing alert topics", () =>
            rejects(
                {
                    notifications: {
                        subscriptions: [
                            { topicArn: "arn:aws:sns:us-east-1:111111111111:a" },
                            { topicArn: "arn:aws:sns:us-east-1:111111111111:b" },
                        ],
                    },
                },
                "notifications.subscriptions",
                /at most one topicArn \(found 2\)/,
            ));
        it("subscriptions with the lifecycle switched off", () =>
            rejects(
                { lifecycle: false, notifications: { subscriptions: [{ email: "a@example.com" }] } },
                "notifications.subscriptions",
                /remove 'lifecycle: false' or the subscriptions/,
            ));
        it("an unknown notification event", () =>
            rejects(
                { notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:a", events: ["Oops"] } },
                "notifications.events[0]",
                /Failed/,
            ));
        it("retention without days", () => rejects({ retention: { minSets: 3 } }, "retention.days", /expected number/));
        it("retention keeping no set", () => rejects({ retention: { days: 30, minSets: 0 } }, "retention.minSets", />=1/));
        it("a retention tier of zero periods", () => rejects({ retention: { days: 7, weekly: 0 } }, "retention.weekly", />=1/));
        it("a retention tier that is not a count", () => rejects({ retention: { days: 7, monthly: 1.5 } }, "retention.monthly", /int/));
        it("a misspelt retention tier", () => rejects({ retention: { days: 7, weeks: 4 } }, "retention.weeks", /unknown key/));
        it("a deploy role that is not a role ARN", () => rejects({ deployRoleArn: "deployer" }, "deployRoleArn", /IAM role ARN/));
        it("a deploy role in another account", () =>
            rejects(
                { deployRoleArn: "arn:aws:iam::999999999999:role/deploy" },
                "deployRoleArn",
                /in the environment's account 111111111111/,
            ));
        it("logging with no destination", () => rejects({ logging: {} }, "logging", /s3BucketName, cloudWatchLogGroupName or both/));
        it("a key prefix without a bucket", () =>
            rejects({ logging: { cloudWatchLogGroupName: "/g", s3KeyPrefix: "p" } }, "logging.s3KeyPrefix", /needs s3BucketName/));
        it("a bucket name with capitals", () => rejects({ logging: { s3BucketName: "My-Bucket" } }, "logging.s3BucketName", /bucket name/));
        it("an unknown top-level key (a typo must not fall back to a default)", () =>
            rejects({ schedul: "cron(0 5 ? * * *)" }, "schedul", /unknown key 'schedul'/));
        it("an unknown top-level key, suggesting the key it meant", () =>
            rejects({ schedul: "cron(0 5 ? * * *)" }, "schedul", /^unknown key 'schedul'; did you mean 'schedule'\?$/));
        it("an unknown key unlike any, listing the allowed keys", () =>
            rejects(
                { colour: "blue" },
                "colour",
                /^unknown key 'colour'; allowed: region, accountId, schedule, .*, logging, .*deployRoleArn, existingInstanceRoleNames, preflight$/,
            ));
        it("an unknown nested key, suggesting from that object's keys", () =>
            rejects({ vss: { copyonly: true } }, "vss.copyonly", /^unknown key 'copyonly'; did you mean 'copyOnly'\?$/));
        it("an unknown key inside logging", () =>
            rejects({ logging: { s3Bucket: "b", cloudWatchLogGroupName: "/g" } }, "logging.s3Bucket", /did you mean 's3BucketName'\?/));
        it("an environment name with capitals", () => rejects({}, "", /environment name 'Prod'/, "Prod"));
        it("an environment name of 41 characters", () => rejects({}, "", /1-40/, "e".repeat(41)));
    });

    it("reports every problem of an input at once, cross-field checks included", () => {
        const issues = issuesOf({ accountId: 1, durationHours: 2, cutoffHours: 5, schedul: "x", vss: { nope: true } });
        assert.deepStrictEqual(issues.map((i) => formatPath(i.path)).sort(), ["accountId", "cutoffHours", "schedul", "vss.nope"]);
    });

    it("refuses a __proto__ tag key from JSON (stack config), which zod alone would drop without a word", () => {
        const input = JSON.parse('{"targetTags": {"__proto__": "prod", "Backup": "daily"}, "snapshotTags": {"__proto__": "x"}}') as object;
        assert.deepStrictEqual(issuesOf(input as Record<string, unknown>), [
            {
                path: ["snapshotTags", "__proto__"],
                message: "key '__proto__' is refused: it names a JavaScript object's prototype, not data",
            },
            {
                path: ["targetTags", "__proto__"],
                message: "key '__proto__' is refused: it names a JavaScript object's prototype, not data",
            },
        ]);
    });

    it("accepts every partition's regions and knows their partitions", () => {
        for (const [region, partition] of [
            ["us-east-1", "aws"],
            ["eu-west-1", "aws"],
            ["cn-northwest-1", "aws-cn"],
            ["us-gov-west-1", "aws-us-gov"],
            ["us-iso-east-1", "aws-iso"],
            ["us-isob-east-1", "aws-iso-b"],
            ["us-isof-south-1", "aws-iso-f"],
            ["eu-isoe-west-1", "aws-iso-e"],
            ["eusc-de-east-1", "aws-eusc"],
        ]) {
            assert.deepStrictEqual(issuesOf({ region }), [], region);
            assert.strictEqual(partitionOf(region), partition, region);
        }
    });

    it("rejects input that is not a mapping", () => {
        const result = parseEnvironment("prod", "us-east-1");
        assert.ok(!result.ok);
        assert.match(result.issues[0].message, /expected object/);
    });
});
