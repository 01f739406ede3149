/** snapshot-task-logging (policies/snapshotTaskLogging.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { goodTask, TASK } from "./fixtures";
import { messages, resource } from "./harness";

describe("snapshot-task-logging", () => {
    it("judges unknown run-command parameters at update, not in preview", async () => {
        const later = { ...goodTask, taskInvocationParameters: { runCommandParameters: UNKNOWN_VALUES.string } };
        assert.deepStrictEqual(await messages("snapshot-task-logging", [resource(TASK, "t", later)]), []);
    });
    it("advises when output goes nowhere", async () => {
        const quiet = { ...goodTask, taskInvocationParameters: { runCommandParameters: {} } };
        assert.deepStrictEqual(await messages("snapshot-task-logging", [resource(TASK, "t", goodTask)]), []);
        assert.match(
            (await messages("snapshot-task-logging", [resource(TASK, "t", quiet)]))[0],
            /^advisory: t keeps command output only in Run Command/,
        );
    });
});
