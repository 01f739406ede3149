import * as assert from "assert";
import fc from "fast-check";
import { ALARM_LOOKBACK_MAX_HOURS, alertWarnings, deadManHours, hasSubscribers, longestGapHours } from "../../../core/environment";
import { specOf } from "../../helpers";

describe("the longest gap between two runs of a schedule", () => {
    const cases: [string, number][] = [
        ["cron(0 4 ? * * *)", 24],
        ["cron(0 3 ? * MON-FRI *)", 72], // Friday 03:00 to Monday 03:00
        ["cron(0 4,16 ? * MON,WED,FRI *)", 60], // Friday 16:00 to Monday 04:00
        ["cron(0 0/6 ? * * *)", 6],
        ["cron(0 4 */2 * ? *)", 48], // the 31st to the 1st is one day, the 29th to the 1st in March two
        ["cron(0 6 ? * SUN *)", 168],
        ["cron(0 0 4 ? * * *)", 24], // seven fields: leading seconds
        ["cron(30 2 ? JAN-NOV * *)", 24 * 32], // 30 November to 1 January
        ["rate(12 hours)", 12],
        ["rate(1 day)", 24],
        ["rate(30 minutes)", 0.5],
    ];
    for (const [schedule, hours] of cases) {
        it(`${schedule}: ${hours} h`, () => assert.strictEqual(longestGapHours(schedule), hours));
    }

    it("treats the cron day specials (L, W, #) as at least a week apart", () => {
        for (const schedule of [
            "cron(0 4 L * ? *)",
            "cron(0 4 15W * ? *)",
            "cron(0 4 ? * 6L *)",
            "cron(0 4 ? * MON#2 *)",
            "cron(0 4 ? * L *)",
        ]) {
            assert.strictEqual(longestGapHours(schedule), 168, schedule);
        }
    });

    it("never expects a next run of a one-time or once-in-four-years schedule", () => {
        assert.strictEqual(longestGapHours("at(2027-01-31T04:00:00)"), Infinity);
        assert.strictEqual(longestGapHours("cron(0 4 29 FEB ? *)"), Infinity);
    });
});

describe("the dead-man's switch window", () => {
    it("is the longest gap plus the window's duration plus two hours", () => {
        assert.strictEqual(deadManHours({ schedule: "cron(0 4 ? * * *)", durationHours: 1 }), 27);
        assert.strictEqual(deadManHours({ schedule: "cron(0 3 ? * MON-FRI *)", durationHours: 2 }), 76);
        assert.strictEqual(deadManHours({ schedule: "rate(30 minutes)", durationHours: 1 }), 4); // 3.5 rounded up
    });

    it("fits a CloudWatch alarm's 7-day look-back exactly at 168 h, and not one hour more", () => {
        assert.strictEqual(ALARM_LOOKBACK_MAX_HOURS, 168);
        assert.strictEqual(deadManHours({ schedule: "rate(6 days)", durationHours: 22 }), 168);
        assert.strictEqual(deadManHours({ schedule: "rate(6 days)", durationHours: 23 }), undefined);
        assert.strictEqual(deadManHours({ schedule: "cron(0 6 ? * SUN *)", durationHours: 1 }), undefined);
        assert.strictEqual(deadManHours({ schedule: "at(2027-01-31T04:00:00)", durationHours: 1 }), undefined);
    });
});

describe("the plan's alerting warnings", () => {
    const nobody =
        "alerts go to a topic nobody subscribed to: add notifications.subscriptions (an email, an https endpoint or an existing topicArn)";

    it("warns that nobody hears the alerts of a new environment", () => {
        assert.deepStrictEqual(alertWarnings(specOf({})), [nobody]);
    });

    it("is quiet when an email, an https endpoint or an existing topic is named", () => {
        for (const entry of [
            { email: "a@example.com" },
            { https: "https://x.example.com/sns" },
            { topicArn: "arn:aws:sns:us-east-1:111111111111:t" },
        ]) {
            const spec = specOf({ notifications: { subscriptions: [entry] } });
            assert.ok(hasSubscribers(spec));
            assert.deepStrictEqual(alertWarnings(spec), [], JSON.stringify(entry));
        }
    });

    it("still warns about nobody when only Run Command notifications are configured", () => {
        assert.deepStrictEqual(alertWarnings(specOf({ notifications: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:t" } })), [nobody]);
    });

    it("says when a weekly schedule leaves no dead-man's switch", () => {
        const spec = specOf({ schedule: "cron(0 6 ? * SUN *)", notifications: { subscriptions: [{ email: "a@example.com" }] } });
        assert.deepStrictEqual(alertWarnings(spec), [
            "no dead-man's switch: the schedule can leave 168 h between runs, and a CloudWatch alarm looks back at most 168 h, " +
                "so a run that never happens raises no alarm; run `vss-fleet verify` from a scheduler of your own to catch it",
        ]);
    });

    it("says nothing of a dead-man's switch for a one-time at(...) window, which has no next run to miss", () => {
        const spec = specOf({ schedule: "at(2027-01-31T04:00:00)", notifications: { subscriptions: [{ email: "a@example.com" }] } });
        assert.deepStrictEqual(alertWarnings(spec), []);
    });

    it("has nothing to say when the lifecycle is off", () => {
        assert.deepStrictEqual(alertWarnings(specOf({ lifecycle: false, schedule: "cron(0 6 ? * SUN *)" })), []);
    });
});

describe("the longest gap, as properties", () => {
    const hours = fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 6 });
    const days = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 });
    const cron = (h: number[], d: number[]) => `cron(15 ${h.join(",")} ? * ${d.join(",")} *)`;

    it("never grows when a schedule gains runs: more runs never make the dead-man's switch wait longer", () => {
        fc.assert(
            fc.property(hours, hours, days, days, (h1, h2, d1, d2) => {
                const fewer = longestGapHours(cron(h1, d1));
                const more = longestGapHours(cron([...new Set([...h1, ...h2])], [...new Set([...d1, ...d2])]));
                return more <= fewer;
            }),
        );
    });

    it("is a week at most for any weekly pattern, and at least the day's longest pause between its own runs", () => {
        fc.assert(
            fc.property(hours, days, (h, d) => {
                const gap = longestGapHours(cron(h, d));
                const sorted = [...h].sort((a, b) => a - b);
                const withinDay = Math.max(0, ...sorted.slice(1).map((x, i) => x - sorted[i]));
                const wrap = 24 - sorted[sorted.length - 1] + sorted[0];
                // Every day: exactly the longer of the pauses within a day and the night across midnight.
                const daily = d.length === 7 ? gap === Math.max(withinDay, wrap) : true;
                return gap <= 168 && gap >= withinDay && daily;
            }),
        );
    });
});
