/**
 * The stack path of the rate control: `pulumi up` has no inventory, so a stack deploys the manifest's
 * values, else what the driver sized from its live inventory (vss-fleet:rateControl), else the
 * component's fallback (components/backupWindow.ts FALLBACK_RATE_CONTROL).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planStack } from "../../automation/offline/planStacks";

const ENVIRONMENT = `  vss-fleet:environment:\n    region: us-east-1\n    accountId: "111111111111"\n`;

async function taskOf(config: string): Promise<Record<string, unknown>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-rate-"));
    try {
        fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), `config:\n${config}`);
        const plan = await planStack("s", dir);
        const task = plan.resources.find((r) => r.name === "s-backup-task");
        return task?.inputs as Record<string, unknown>;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("rate control on the stack path", () => {
    it("a stack nothing sized falls back to 10 at once and stops at a tenth failing", async () => {
        const task = await taskOf(ENVIRONMENT);
        assert.deepStrictEqual([task.maxConcurrency, task.maxErrors], ["10", "10%"]);
    });

    it("takes what the driver sized from its live inventory", async () => {
        const task = await taskOf(`${ENVIRONMENT}  vss-fleet:rateControl:\n    maxConcurrency: "40"\n    maxErrors: "40"\n`);
        assert.deepStrictEqual([task.maxConcurrency, task.maxErrors], ["40", "40"]);
    });

    it("the manifest's own value wins over the driver's, field by field", async () => {
        const task = await taskOf(
            `${ENVIRONMENT}    maxConcurrency: 25%\n  vss-fleet:rateControl:\n    maxConcurrency: "40"\n    maxErrors: "40"\n`,
        );
        assert.deepStrictEqual([task.maxConcurrency, task.maxErrors], ["25%", "40"]);
    });

    it("refuses a rate control SSM would refuse, with the key and the fix", async () => {
        await assert.rejects(taskOf(`${ENVIRONMENT}  vss-fleet:rateControl:\n    maxConcurrency: "0"\n`), (error: Error) => {
            assert.ok(pulumi.RunError.isInstance(error));
            assert.match(
                error.message,
                /^vss-fleet:rateControl must be \{ maxConcurrency, maxErrors \} as SSM writes them.*not \{"maxConcurrency":"0"\}\. Delete the key/,
            );
            return true;
        });
    });
});
