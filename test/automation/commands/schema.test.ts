/** `vss-fleet schema` (automation/commands/schema.ts). */
import * as assert from "assert";
import * as fs from "fs";
import { manifestJsonSchema } from "../../../automation/manifest/manifestSchema";
import { runCli as run } from "../../helpers";

describe("vss-fleet schema", () => {
    it("schema: the committed schemas/fleet.schema.json is generated from the manifest definition (npm run schema)", async () => {
        const { code, out } = await run("schema");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(JSON.parse(out), manifestJsonSchema());
        assert.deepStrictEqual(JSON.parse(fs.readFileSync("schemas/fleet.schema.json", "utf8")), manifestJsonSchema());
        const entry = (
            manifestJsonSchema() as { properties: { environments: { additionalProperties: { additionalProperties: unknown } } } }
        ).properties.environments.additionalProperties;
        assert.strictEqual(entry.additionalProperties, false, "unknown keys are errors in editors too");
    });
});
