/** `vss-fleet preview-stacks` reads the stack files of the working directory, or of --stacks-dir. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli as run } from "../../helpers";

describe("vss-fleet preview-stacks", function () {
    this.timeout(60_000);

    it("defaults to stacks/ of the working directory: this repository's two stacks", async () => {
        const { code, out } = await run("preview-stacks");
        assert.strictEqual(code, 0);
        assert.match(out, /^vss-fleet offline preview of 2 stack\(s\) in stacks\/ /);
        assert.match(out, /^dev {2}eu-west-1 \/ 222222222222: /m);
        assert.match(out, /^prod {2}us-east-1 \/ 111111111111: /m);
    });

    it("--stacks-dir: a folder with one stack file, and one file that is no stack file", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-fleet-stacks-"));
        try {
            fs.copyFileSync(path.join("stacks", "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
            fs.writeFileSync(path.join(dir, "notes.yaml"), "config: {}\n");
            const { code, out } = await run("preview-stacks", "--stacks-dir", dir);
            assert.strictEqual(code, 0);
            assert.match(out, new RegExp(`^vss-fleet offline preview of 1 stack\\(s\\) in ${dir}/ `));
            assert.doesNotMatch(out, /^dev /m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a folder that is not there: exit 2, one line naming it, no stack trace", async () => {
        const { code, out, err } = await run("preview-stacks", "--stacks-dir", "no-such-stacks");
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.strictEqual(err, "no-such-stacks: no such folder; run in the fleet repository (beside Pulumi.yaml) or pass --stacks-dir\n");
    });
});
