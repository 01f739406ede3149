import * as assert from "assert";
import fc from "fast-check";
import { chooseRateControls, defaultRateControl, type ChosenRateControl } from "../../automation/offline/rateControl";
import { MAX_CONCURRENCY, MAX_ERRORS } from "../../core/environment/aws";
import { specOf } from "../helpers";

const pick = (input: Parameters<typeof defaultRateControl>[0]) => {
    const { maxConcurrency, maxErrors } = defaultRateControl(input);
    return [maxConcurrency, maxErrors];
};

describe("defaultRateControl", () => {
    it("spreads 400 instances over half of a 4 h window with a 1 h cutoff (12 waves of 15 min, 6 used)", () => {
        const chosen = defaultRateControl({ enrolled: 400, durationHours: 4, cutoffHours: 1 });
        assert.deepStrictEqual([chosen.maxConcurrency, chosen.maxErrors], ["67", "40"]);
        assert.strictEqual(
            chosen.why,
            "default maxConcurrency 67 for 400 enrolled: runs of up to 15 min spread over 6 of the window's 12 waves; " +
                "EC2 CreateSnapshots allows 100 at once per account and region, refilling 5/s; default maxErrors 40, a tenth of the enrolled",
        );
    });

    it("caps at the CreateSnapshots burst when the window would need more at once, and says so", () => {
        const chosen = defaultRateControl({ enrolled: 400, durationHours: 1, cutoffHours: 0 });
        assert.deepStrictEqual([chosen.maxConcurrency, chosen.maxErrors], ["100", "40"]);
        assert.match(chosen.why, /over 2 of the window's 4 waves, capped at the throttle: EC2 CreateSnapshots allows 100 at once/);
    });

    it("at the burst exactly: 100 wanted at once is not capped; 101 wanted is", () => {
        // 1 h window, no cutoff: 4 waves, 2 planned. 200 -> 100 at once; 202 -> 101 wanted, capped to 100.
        const exact = defaultRateControl({ enrolled: 200, durationHours: 1, cutoffHours: 0 });
        assert.strictEqual(exact.maxConcurrency, "100");
        assert.doesNotMatch(exact.why, /capped/);
        const over = defaultRateControl({ enrolled: 202, durationHours: 1, cutoffHours: 0 });
        assert.strictEqual(over.maxConcurrency, "100");
        assert.match(over.why, /capped at the throttle/);
    });

    it("shares the burst with environments whose windows overlap, never below one", () => {
        const shared = defaultRateControl({ enrolled: 400, durationHours: 1, cutoffHours: 0, sharedConcurrent: 60 });
        assert.strictEqual(shared.maxConcurrency, "40");
        assert.match(shared.concurrencyWhy, /\(60 taken by environments whose windows overlap, 40 left\)$/);
        assert.deepStrictEqual(pick({ enrolled: 400, durationHours: 1, cutoffHours: 0, sharedConcurrent: 99 }), ["1", "40"]);
        assert.deepStrictEqual(pick({ enrolled: 400, durationHours: 1, cutoffHours: 0, sharedConcurrent: 250 }), ["1", "40"]);
    });

    it("small fleets: one instance runs alone; ten and eleven straddle the maxErrors step", () => {
        assert.deepStrictEqual(pick({ enrolled: 1, durationHours: 1, cutoffHours: 0 }), ["1", "1"]);
        assert.deepStrictEqual(pick({ enrolled: 10, durationHours: 1, cutoffHours: 0 }), ["5", "1"]);
        assert.deepStrictEqual(pick({ enrolled: 11, durationHours: 1, cutoffHours: 0 }), ["6", "2"]);
    });

    it("a window shorter than one run still gets one wave (and the capacity check warns)", () => {
        assert.deepStrictEqual(pick({ enrolled: 30, durationHours: 1, cutoffHours: 1 }), ["30", "3"]);
        // 0 min usable: still 1 wave. 60 min usable: 4 waves, 2 planned.
        assert.deepStrictEqual(pick({ enrolled: 30, durationHours: 2, cutoffHours: 1 }), ["15", "3"]);
    });

    it("no enrolled instance yet: a small count that cannot burst, and a note to plan again", () => {
        const chosen = defaultRateControl({ enrolled: 0, durationHours: 4, cutoffHours: 1 });
        assert.deepStrictEqual([chosen.maxConcurrency, chosen.maxErrors], ["10", "1"]);
        assert.match(chosen.why, /sees no enrolled instance yet/);
        assert.deepStrictEqual(pick({ enrolled: 0, durationHours: 4, cutoffHours: 1, sharedConcurrent: 95 }), ["5", "1"]);
    });

    it("for every fleet size and window: SSM accepts the values, the burst holds, and uncapped runs fit half the window", () => {
        for (let enrolled = 0; enrolled <= 1200; enrolled += enrolled < 220 ? 1 : 37) {
            for (let durationHours = 1; durationHours <= 24; durationHours += 1) {
                for (const cutoffHours of [0, 1, Math.max(0, durationHours - 1)]) {
                    const input = { enrolled, durationHours, cutoffHours };
                    const { maxConcurrency, maxErrors, why } = defaultRateControl(input);
                    const c = Number(maxConcurrency);
                    const label = JSON.stringify(input);
                    assert.match(maxConcurrency, MAX_CONCURRENCY, label);
                    assert.match(maxErrors, MAX_ERRORS, label);
                    assert.ok(c >= 1 && c <= 100, label);
                    assert.ok(enrolled === 0 || c <= enrolled, label);
                    if (enrolled > 0 && !/capped/.test(why)) {
                        const waves = Math.max(1, Math.floor(((durationHours - cutoffHours) * 60) / 15));
                        assert.ok(Math.ceil(enrolled / c) <= Math.max(1, Math.floor(waves / 2)), label);
                    }
                }
            }
        }
    });
});

describe("chooseRateControls: environments whose windows open together share the burst", () => {
    // 1 h window, no cutoff: 4 waves, 2 planned, so 400 enrolled alone would want 200, capped at 100.
    const env = (name: string, overrides: Record<string, unknown> = {}) => specOf({ targetTags: { B: name }, ...overrides }, name);
    const concurrency = (chosen: readonly ChosenRateControl[]) => chosen.map((c) => c.maxConcurrency);

    it("three big environments at the same moment split the 100 as 33, 33 and 34", () => {
        const chosen = chooseRateControls(["a", "b", "c"].map((n) => ({ spec: env(n), enrolled: 400 })));
        assert.deepStrictEqual(concurrency(chosen), ["33", "33", "34"]);
        assert.match(
            chosen[0].why,
            /^default maxConcurrency 33 for 400 enrolled: .*\(67 taken by environments whose windows overlap, 33 left\); default maxErrors 40/,
        );
    });

    it("what the manifest sets is taken first; the rest gets what is left, at the burst exactly", () => {
        const chosen = chooseRateControls([
            { spec: env("fixed", { maxConcurrency: "60" }), enrolled: 100 },
            { spec: env("open"), enrolled: 400 },
        ]);
        assert.deepStrictEqual(concurrency(chosen), ["60", "40"]);
        assert.deepStrictEqual(chosen[0].defaulted, ["maxErrors"]);
        assert.strictEqual(chosen[0].why, "maxConcurrency 60 from the manifest; default maxErrors 10, a tenth of the enrolled");
        assert.match(chosen[1].why, /\(60 taken by environments whose windows overlap, 40 left\)/);
    });

    it("a percentage in the manifest counts as the runs it starts: 25% of 100 enrolled leaves 75", () => {
        const chosen = chooseRateControls([
            { spec: env("fixed", { maxConcurrency: "25%", maxErrors: "3" }), enrolled: 100 },
            { spec: env("open"), enrolled: 400 },
        ]);
        assert.deepStrictEqual(concurrency(chosen), ["25%", "75"]);
        assert.deepStrictEqual(chosen[0].defaulted, []);
    });

    it("a small environment beside a big one gets all it wants; the big one the rest (2 + 98 = 100)", () => {
        const chosen = chooseRateControls([
            { spec: env("big"), enrolled: 400 },
            { spec: env("small"), enrolled: 4 },
        ]);
        assert.deepStrictEqual(concurrency(chosen), ["98", "2"]);
    });

    it("another schedule, region or account does not share", () => {
        const chosen = chooseRateControls([
            { spec: env("a"), enrolled: 400 },
            { spec: env("b", { schedule: "cron(0 5 ? * * *)" }), enrolled: 400 },
            { spec: env("c", { region: "eu-west-1" }), enrolled: 400 },
            { spec: env("d", { accountId: "222222222222" }), enrolled: 400 },
        ]);
        assert.deepStrictEqual(concurrency(chosen), ["100", "100", "100", "100"]);
    });

    it("an environment with no enrolled instance yet gets 10 and maxErrors 1; the manifest's maxErrors is kept", () => {
        const [chosen] = chooseRateControls([{ spec: env("new", { maxErrors: "0" }), enrolled: 0 }]);
        assert.deepStrictEqual([chosen.maxConcurrency, chosen.maxErrors, chosen.defaulted], ["10", "0", ["maxConcurrency"]]);
        assert.strictEqual(
            chosen.why,
            "default maxConcurrency 10: the plan sees no enrolled instance yet; plan again once the fleet is tagged; maxErrors 0 from the manifest",
        );
    });

    it("property: a group whose fixed runs leave room for one run each never starts more than 100 at once", () => {
        fc.assert(
            fc.property(
                fc.array(fc.nat({ max: 1500 }), { minLength: 1, maxLength: 6 }),
                fc.nat({ max: 60 }),
                fc.integer({ min: 1, max: 6 }),
                (sizes, fixed, hours) => {
                    const open = sizes.map((n, i) => ({ spec: env(`e${i}`, { durationHours: hours }), enrolled: n }));
                    const all = [
                        { spec: env("fixed", { durationHours: hours, maxConcurrency: String(fixed + 1) }), enrolled: 1000 },
                        ...open,
                    ];
                    const chosen = chooseRateControls(all);
                    const runs = chosen.reduce((n, c, i) => n + Math.min(Math.max(all[i].enrolled, 1), Number(c.maxConcurrency)), 0);
                    assert.ok(runs <= 100, `${runs} runs for ${JSON.stringify({ sizes, fixed, hours })}`);
                },
            ),
        );
    });
});
