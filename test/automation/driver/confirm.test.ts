import * as assert from "assert";
import { PassThrough } from "stream";
import { describeChanges, terminalConfirm } from "../../../automation/driver/confirm";

describe("apply's confirmation on a terminal", () => {
    it("describes the previewed changes without the unchanged resources", () => {
        assert.strictEqual(describeChanges({ create: 2, update: 1, same: 35 }), "2 to create, 1 to update");
        assert.strictEqual(describeChanges({ same: 38, delete: 0 }), "no changes");
    });

    it("has no question when stdin is not a terminal (apply and destroy refuse there without --yes)", () => {
        assert.strictEqual(terminalConfirm(new PassThrough(), new PassThrough()), undefined);
    });

    it("asks one environment at a time; only y or yes confirms", async () => {
        const input = Object.assign(new PassThrough(), { isTTY: true });
        const output = new PassThrough();
        let shown = "";
        output.on("data", (chunk: Buffer) => (shown += chunk.toString()));
        const confirm = terminalConfirm(input, output);
        assert.ok(confirm);
        const prod = confirm("prod", { create: 29, same: 9 });
        const dev = confirm("dev", { update: 1 });
        input.write("yes\n");
        assert.strictEqual(await prod, true);
        input.write("n\n");
        assert.strictEqual(await dev, false);
        assert.strictEqual(shown, "apply 29 to create to prod? [y/N] apply 1 to update to dev? [y/N] ");
    });
});
