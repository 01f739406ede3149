/** Schedules that never run are refused; every schedule that runs is accepted (fast-check over the day fields). */
import * as assert from "assert";
import fc from "fast-check";
import { neverRunsProblem, RUN_HORIZON_YEARS } from "../../../core/environment/scheduleRuns";

const FROM = new Date("2026-12-08T00:00:00Z");
/** Days a month can have: February's 29 comes every leap year. */
const LONGEST = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

describe("schedules that never run", () => {
    it("a single date runs exactly when the month can have that day", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 12 }), (day, month) => {
                const refused = neverRunsProblem(`cron(0 4 ${day} ${month} ? *)`, FROM) !== undefined;
                assert.strictEqual(refused, day > LONGEST[month - 1], `day ${day} of month ${month}`);
            }),
        );
    });

    it("a weekday schedule with any month list in any whole year ahead runs", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
                fc.integer({ min: 1, max: 7 }),
                fc.integer({ min: 2027, max: 2026 + RUN_HORIZON_YEARS }),
                (months, weekday, year) => {
                    const schedule = `cron(0 4 ? ${months.join(",")} ${weekday} ${year})`;
                    // Every month of a whole future year has every weekday.
                    assert.strictEqual(neverRunsProblem(schedule, FROM), undefined, schedule);
                },
            ),
        );
    });

    it("years before today's, or all beyond the horizon, never run (as far as validation can tell)", () => {
        assert.notStrictEqual(neverRunsProblem("cron(0 4 ? * MON 2025)", FROM), undefined);
        assert.notStrictEqual(neverRunsProblem("cron(0 4 1 1 ? 2026)", FROM), undefined, "1 January 2026 is past on 8 December");
        assert.strictEqual(neverRunsProblem("cron(0 4 31 12 ? 2026)", FROM), undefined);
        assert.strictEqual(neverRunsProblem("cron(0 4 8 12 ? 2026)", FROM), undefined, "today counts");
        assert.notStrictEqual(neverRunsProblem(`cron(0 4 ? * MON ${2026 + RUN_HORIZON_YEARS + 1})`, FROM), undefined);
    });

    it("day specials, rates and at() are never refused here", () => {
        for (const schedule of [
            "cron(0 4 L 2 ? *)",
            "cron(0 4 LW * ? *)",
            "cron(0 4 15W * ? *)",
            "cron(0 4 ? * 6L *)",
            "cron(0 4 ? * 2#5 *)",
            "rate(30 days)",
            "at(2020-01-01T00:00:00)",
        ]) {
            assert.strictEqual(neverRunsProblem(schedule, FROM), undefined, schedule);
        }
    });
});
