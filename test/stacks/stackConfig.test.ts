import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { loadStackEnvironment, STACK_CONFIG_DIR } from "../../stacks/stackConfig";

const FIXTURES = path.join(__dirname, "..", "fixtures", "stacks");

/** Pulumi hands structured config to the program as JSON under the full key. */
function configFromStackFile(file: string): pulumi.Config {
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    pulumi.runtime.setAllConfig(
        Object.fromEntries(
            Object.entries(doc.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
        ),
    );
    return new pulumi.Config("vss-fleet");
}

function errorOf(fn: () => unknown): Error {
    try {
        fn();
    } catch (error) {
        return error as Error;
    }
    return assert.fail("expected an error");
}

describe("stack config", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    for (const stack of ["dev", "prod"]) {
        it(`the shipped stacks/Pulumi.${stack}.yaml is a valid environment named after its stack`, () => {
            const config = configFromStackFile(path.join(STACK_CONFIG_DIR, `Pulumi.${stack}.yaml`));
            const spec = loadStackEnvironment(stack, config);
            assert.strictEqual(spec.name, stack);
        });
    }

    it("reports every bad key with file:line:col, as a RunError (no stack trace)", () => {
        const config = configFromStackFile(path.join(FIXTURES, "Pulumi.broken.yaml"));
        const error = errorOf(() => loadStackEnvironment("broken", config, FIXTURES));
        assert.ok(pulumi.RunError.isInstance(error), "a RunError, which Pulumi prints without a stack trace");
        const file = path.relative(process.cwd(), path.join(FIXTURES, "Pulumi.broken.yaml"));
        const lines = error.message.split("\n");
        assert.strictEqual(lines[0], "stack 'broken' has 4 invalid settings:");
        assert.deepStrictEqual(
            lines.slice(1).sort(),
            [
                `${file}:11:7: vss-fleet:environment.vss.copyonly: unknown key 'copyonly'; did you mean 'copyOnly'?`,
                `${file}:4:5: vss-fleet:environment.accountId: must be a 12-digit AWS account id, quoted in YAML`,
                `${file}:5:5: vss-fleet:environment.schedule: cron needs '?' in exactly one of day-of-month and day-of-week (SSM cannot combine both)`,
                `${file}:7:5: vss-fleet:environment.cutoffHours: cutoffHours (2) must be less than durationHours (2)`,
            ].sort(),
        );
    });

    it("explains how to set the environment when the stack has none", () => {
        pulumi.runtime.setAllConfig({});
        const error = errorOf(() => loadStackEnvironment("staging", new pulumi.Config("vss-fleet"), FIXTURES));
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(error.message, /vss-fleet:environment is not set for stack 'staging'/);
        assert.match(error.message, /pulumi config set --path vss-fleet:environment.region/);
    });

    it("names the key even without a stack file to point into", () => {
        pulumi.runtime.setAllConfig({
            "vss-fleet:environment": JSON.stringify({ region: "us-east-1", accountId: "111111111111", engine: "vss" }),
        });
        const error = errorOf(() => loadStackEnvironment("nofile", new pulumi.Config("vss-fleet"), FIXTURES));
        assert.match(error.message, /^vss-fleet:environment.engine: /m);
    });
});
