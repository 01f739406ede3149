import * as assert from "assert";
import { defaultRateControl } from "../../automation/offline/rateControl";
import { MAX_CONCURRENCY, MAX_ERRORS } from "../../core/environment/aws";

const pick = (input: Parameters<typeof defaultRateControl>[0]) => {
    const { maxConcurrency, maxErrors } = defaultRateControl(input);
    return [maxConcurrency, maxErrors];
};

describe("defaultRateControl", () => {
    it("spreads 400 instances over half of a 4 h window with a 1 h cutoff (12 waves of 15 min, 6 used)", () => {
        const chosen = defaultRateControl({ enrolled: 400, durationHours: 4, cutoffHours: 1 });
        assert.deepStrictEqual(chosen, {
            maxConcurrency: "67",
            maxErrors: "40",
            why:
                "default maxConcurrency 67, maxErrors 40 for 400 enrolled: runs of up to 15 min spread over 6 of the window's 12 waves; " +
                "EC2 CreateSnapshots allows 100 at once per account and region, refilling 5/s",
        });
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

    it("shares the burst with environments starting together, never below one", () => {
        const shared = defaultRateControl({ enrolled: 400, durationHours: 1, cutoffHours: 0, sharedConcurrent: 60 });
        assert.strictEqual(shared.maxConcurrency, "40");
        assert.match(shared.why, /\(60 taken by environments starting together, 40 left\)$/);
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
