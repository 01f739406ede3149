/**
 * The schedule grammar against a model of SSM's documented one ("Reference: Cron and rate expressions
 * for Systems Manager"), written here from the documentation, not from the code under test: whatever
 * the model generates as valid is accepted, and every way of breaking it is refused.
 */
import * as assert from "assert";
import fc from "fast-check";
import { scheduleProblem } from "../../../core/environment";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const int = (min: number, max: number) => fc.integer({ min, max }).map(String);

/** A rate: singular unit for 1, plural otherwise, and never more often than every 5 minutes. */
const validRate = fc.oneof(
    fc.integer({ min: 5, max: 10_000 }).map((n) => `rate(${n} minutes)`),
    fc.constantFrom("rate(1 hour)", "rate(1 day)"),
    fc.integer({ min: 2, max: 10_000 }).chain((n) => fc.constantFrom(`rate(${n} hours)`, `rate(${n} days)`)),
);

const invalidRate = fc.oneof(
    fc.integer({ min: 1, max: 4 }).map((n) => `rate(${n} minute${n === 1 ? "" : "s"})`),
    fc.constantFrom("rate(1 hours)", "rate(1 days)", "rate(2 hour)", "rate(2 day)", "rate(0 days)", "rate(1 week)"),
    fc.constantFrom("rate(-1 days)", "rate(01 day)", "rate(1.5 hours)", "rate(5minutes)", "rate()", "rate(1 day"),
);

/**
 * A cron that fires at most once an hour: one minute, one hour or a range of hours, and exactly one
 * of the day fields '?'; 6 fields, or 7 with one leading second.
 */
const dayOfMonth = fc.oneof(fc.constant("*"), int(1, 31), fc.constantFrom("L", "LW", "15W", "L-3"));
const dayOfWeek = fc.oneof(fc.constant("*"), int(1, 7), fc.constantFrom(...DAYS), fc.constantFrom("MON-FRI", "SUN,SAT", "2#3", "6L"));
const validCronFields = fc
    .record({
        minute: int(0, 59),
        hour: fc.oneof(
            fc.constant("*"),
            int(0, 23),
            fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 12, max: 23 })).map(([a, b]) => `${a}-${b}`),
        ),
        days: fc.oneof(
            dayOfMonth.map((d) => [d, "?"] as const),
            dayOfWeek.map((d) => ["?", d] as const),
        ),
        month: fc.oneof(fc.constant("*"), int(1, 12), fc.constantFrom(...MONTHS), fc.constant("JAN-JUN")),
        year: fc.oneof(fc.constant("*"), int(1970, 2199)),
        second: fc.option(int(0, 59), { nil: undefined }),
    })
    .map((f) => [...(f.second === undefined ? [] : [f.second]), f.minute, f.hour, f.days[0], f.month, f.days[1], f.year]);
const cron = (fields: readonly string[]) => `cron(${fields.join(" ")})`;

/** One field of a valid cron replaced by a value outside its documented range. */
const outOfRange = validCronFields.chain((fields) => {
    const offset = fields.length - 6;
    const bad: [number, string[]][] = [
        [offset, ["60", "-1", "x"]],
        [offset + 1, ["24", "25"]],
        [offset + 3, ["0", "13", "JANUARY"]],
        [offset + 5, ["1969", "2200"]],
    ];
    if (offset === 1) {
        bad.push([0, ["60"]]);
    }
    return fc
        .constantFrom(...bad)
        .chain(([index, values]) => fc.constantFrom(...values).map((v) => fields.map((f, i) => (i === index ? v : f))));
});

describe("the schedule grammar (properties against SSM's documented grammar)", () => {
    it("accepts every valid rate(...)", () => {
        fc.assert(fc.property(validRate, (expression) => assert.strictEqual(scheduleProblem(expression), undefined, expression)));
    });

    it("refuses wrong units, plurals, intervals under 5 minutes and malformed rates", () => {
        fc.assert(fc.property(invalidRate, (expression) => assert.notStrictEqual(scheduleProblem(expression), undefined, expression)));
    });

    it("accepts every valid 6- or 7-field cron(...)", () => {
        fc.assert(
            fc.property(validCronFields, (fields) => assert.strictEqual(scheduleProblem(cron(fields)), undefined, cron(fields))),
            {
                numRuns: 500,
            },
        );
    });

    it("refuses a cron with '?' in both day fields or in neither", () => {
        fc.assert(
            fc.property(validCronFields, fc.boolean(), (fields, both) => {
                const offset = fields.length - 6;
                const changed = fields.map((f, i) => (i === offset + 2 || i === offset + 4 ? (both ? "?" : "*") : f));
                assert.notStrictEqual(scheduleProblem(cron(changed)), undefined, cron(changed));
            }),
        );
    });

    it("refuses a field outside its range", () => {
        fc.assert(
            fc.property(outOfRange, (fields) => assert.notStrictEqual(scheduleProblem(cron(fields)), undefined, cron(fields))),
            {
                numRuns: 300,
            },
        );
    });

    it("refuses 5 or 8 fields", () => {
        fc.assert(
            fc.property(validCronFields, fc.boolean(), (fields, drop) => {
                const expression = cron(drop ? fields.slice(-5) : [...fields, "*", "*"].slice(0, 8));
                assert.notStrictEqual(scheduleProblem(expression), undefined, expression);
            }),
        );
    });

    it("refuses a cron that fires more often than every 5 minutes (every minute, or two seconds of one minute)", () => {
        fc.assert(
            fc.property(validCronFields, fc.constantFrom("*", "0/1", "0,4", "10-12"), (fields, minutes) => {
                const changed = fields.map((f, i) => (i === fields.length - 6 ? minutes : f));
                assert.notStrictEqual(scheduleProblem(cron(changed)), undefined, cron(changed));
            }),
        );
        assert.notStrictEqual(scheduleProblem("cron(* 0 4 ? * * *)"), undefined, "every second of a minute");
    });
});
