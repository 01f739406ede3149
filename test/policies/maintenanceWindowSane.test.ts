/** maintenance-window-sane (policies/maintenanceWindowSane.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { goodWindow, WINDOW } from "./fixtures";
import { messages, resource, run } from "./harness";

describe("maintenance-window-sane", () => {
    it("passes a good window and blocks cutoff >= duration, a bad schedule, and a disabled window", async () => {
        const P = "maintenance-window-sane";
        assert.deepStrictEqual(await messages(P, [resource(WINDOW, "w", goodWindow)]), []);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, cutoff: 2 })]))[0], /cutoff of 2 h and a duration of 2 h/);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, schedule: "cron(0 4 * * *)" })]))[0], /which SSM rejects/);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, enabled: false })]))[0], /is disabled/);
    });
    it("becomes advisory when the schedule is unknown in preview", async () => {
        const { violations } = await run("maintenance-window-sane", [
            resource(WINDOW, "w", { ...goodWindow, schedule: UNKNOWN_VALUES.string }),
        ]);
        assert.deepStrictEqual(
            violations.map((v) => v.enforcementLevel),
            ["advisory"],
        );
    });
});
