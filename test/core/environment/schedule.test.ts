import * as assert from "assert";
import { expandField, scheduleProblem } from "../../../core/environment";

describe("SSM maintenance-window schedules", () => {
    const valid = [
        "cron(0 4 ? * * *)",
        "cron(30 23 ? * TUE#3 *)",
        "cron(0 2 ? * THU#3 *)",
        "cron(15 10 ? * MON-FRI *)",
        "cron(0 2 L * ? *)",
        "cron(15 10 ? * 6L *)",
        "cron(0 4 15W * ? *)",
        "cron(0 0/5 ? * * *)",
        "cron(0/5 * ? * * *)",
        "cron(58 * ? * * *)",
        "cron(0,58 1 ? * * *)",
        "cron(0 4 ? JAN,JUL * 2027)",
        "cron(24 30 09 ? * * *)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(5 hours)",
        "rate(1 day)",
        "rate(25 days)",
        "at(2027-07-07T15:55:00)",
        "at(2028-02-29T00:00:00)",
    ];
    for (const expression of valid) {
        it(`accepts ${expression}`, () => assert.strictEqual(scheduleProblem(expression), undefined));
    }

    const invalid: [string, RegExp][] = [
        ["0 4 * * *", /must be cron\(\.\.\.\), rate\(\.\.\.\) or at/],
        ["cron(0 4 * * *)", /6 fields .* found 5/],
        ["cron(0 0 4 ? * * * *)", /found 8/],
        ["cron(0 4 * * * *)", /'\?' in exactly one of day-of-month and day-of-week/],
        ["cron(0 4 ? * ? *)", /'\?' in exactly one/],
        ["cron(0 4 1 * MON *)", /'\?' in exactly one/],
        ["cron(? 4 ? * * *)", /minutes field '\?': '\?' is allowed only in day-of-month and day-of-week/],
        ["cron(0 24 ? * * *)", /hours field '24'/],
        ["cron(60 4 ? * * *)", /minutes field '60'/],
        ["cron(0 4 ? 13 * *)", /month field '13'/],
        ["cron(0 4 ? * 8 *)", /day-of-week field '8'/],
        ["cron(0 4 ? * FUNDAY *)", /day-of-week field 'FUNDAY'/],
        ["cron(0 4 32 * ? *)", /day-of-month field '32'/],
        ["cron(0 4 ? * * 1969)", /year field '1969'/],
        ["cron(0/0 4 ? * * *)", /increment '0'/],
        ["cron(1-2-3 4 ? * * *)", /not a value or range/],
        ["cron(* * ? * * *)", /more often than every 5 minutes/],
        ["cron(*/2 * ? * * *)", /more often than every 5 minutes/],
        ["cron(0,3 4 ? * * *)", /more often than every 5 minutes/],
        ["cron(0,58 * ? * * *)", /more often than every 5 minutes/],
        ["cron(0/30 30 9 ? * * *)", /more often than every 5 minutes/],
        ["rate(4 minutes)", /more often than every 5 minutes/],
        ["rate(1 hours)", /singular unit: rate\(1 hour\)/],
        ["rate(5 hour)", /plural unit: rate\(5 hours\)/],
        ["rate(0 days)", /positive whole number/],
        ["rate(2 weeks)", /positive whole number and a unit/],
        ["at(2027-02-30T00:00:00)", /not a real date/],
        ["at(2027-02-01 00:00:00)", /yyyy-mm-ddThh:mm:ss/],
    ];
    for (const [expression, message] of invalid) {
        it(`rejects ${expression}`, () => assert.match(scheduleProblem(expression) ?? "(accepted)", message));
    }

    it("expands fields the way cron reads them", () => {
        assert.deepStrictEqual(expandField("0/15", 0, 59), [0, 15, 30, 45]);
        assert.deepStrictEqual(expandField("10-20/5,1", 0, 59), [1, 10, 15, 20]);
        assert.strictEqual(expandField("*", 0, 23).length, 24);
    });
});
