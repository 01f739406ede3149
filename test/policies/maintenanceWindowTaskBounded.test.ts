/** maintenance-window-task-bounded (policies/maintenanceWindowTaskBounded.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { goodTask, TASK } from "./fixtures";
import { messages, resource } from "./harness";

describe("maintenance-window-task-bounded", () => {
    it("passes a bounded task with a custom role, even while the role ARN is unknown", async () => {
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", goodTask)]), []);
    });
    it("blocks a missing maxErrors", async () => {
        const { maxErrors: _drop, ...task } = goodTask;
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", task)]), [
            "mandatory: t does not set maxErrors; without it one bad run can reach every target.",
        ]);
    });
    it("needs no bounds on a targetless Lambda task, but still a custom role", async () => {
        const lambdaTask = { taskType: "LAMBDA", serviceRoleArn: UNKNOWN_VALUES.string, taskArn: UNKNOWN_VALUES.string };
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", lambdaTask)]), []);
        const { serviceRoleArn: _none, ...noRole } = lambdaTask;
        assert.match((await messages("maintenance-window-task-bounded", [resource(TASK, "t", noRole)]))[0], /has no serviceRoleArn/);
        const { maxConcurrency: _drop, ...unbounded } = goodTask;
        assert.deepStrictEqual(
            await messages("maintenance-window-task-bounded", [resource(TASK, "t", { ...unbounded, taskType: "LAMBDA" })]),
            ["mandatory: t does not set maxConcurrency; without it one bad run can reach every target."],
        );
    });
    it("blocks the service-linked role and a missing role", async () => {
        const slr = {
            ...goodTask,
            serviceRoleArn: "arn:aws:iam::111111111111:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM",
        };
        assert.match(
            (await messages("maintenance-window-task-bounded", [resource(TASK, "t", slr)]))[0],
            /service-linked role AWSServiceRoleForAmazonSSM/,
        );
        const { serviceRoleArn: _none, ...noRole } = goodTask;
        assert.match((await messages("maintenance-window-task-bounded", [resource(TASK, "t", noRole)]))[0], /has no serviceRoleArn/);
    });
});
