import * as assert from "assert";
import { buildDocument, renderDocument, taskParameters, type DocumentContext } from "../../components/document";

const context: DocumentContext = {
    environment: "prod",
    fleet: "acme",
    engine: "aws-vss",
    vss: { excludeBootVolume: true, noWriters: false, copyOnly: true, saveVssMetadata: false },
    snapshotTags: { CostCenter: "42" },
};

/** SSM evaluates allowedPattern as a Java regex; \p{L} and friends need JavaScript's `u` flag. */
const matches = (pattern: string, value: string) => new RegExp(pattern, "u").test(value);

describe("the aws-vss snapshot document", () => {
    const document = buildDocument(context);

    it("is a schema 2.2 Command document whose steps run only on Windows", () => {
        assert.strictEqual(document.schemaVersion, "2.2");
        assert.ok(document.mainSteps.length > 0);
        for (const step of document.mainSteps) {
            assert.deepStrictEqual(step.precondition, { StringEquals: ["platformType", "Windows"] }, step.name);
        }
    });

    it("installs or updates AwsVssComponents, then runs AWSEC2-CreateVssSnapshot", () => {
        assert.deepStrictEqual(
            document.mainSteps.map((s) => [s.action, s.inputs.documentPath]),
            [
                ["aws:runDocument", "AWS-ConfigureAWSPackage"],
                ["aws:runDocument", "AWSEC2-CreateVssSnapshot"],
            ],
        );
        assert.deepStrictEqual(document.mainSteps[0].inputs.documentParameters, { action: "Install", name: "AwsVssComponents" });
        assert.strictEqual(document.mainSteps[0].onFailure, "exit", "no snapshot attempt without the provider");
    });

    it("passes every parameter through to AWSEC2-CreateVssSnapshot, never creating an AMI", () => {
        const passed = document.mainSteps[1].inputs.documentParameters as Record<string, string>;
        assert.strictEqual(passed.CreateAmi, "False");
        for (const name of Object.keys(document.parameters)) {
            assert.strictEqual(passed[name], `{{${name}}}`, name);
        }
    });

    it("turns the vss options into True/False parameter defaults", () => {
        assert.strictEqual(document.parameters.ExcludeBootVolume.default, "True");
        assert.strictEqual(document.parameters.NoWriters.default, "False");
        assert.strictEqual(document.parameters.CopyOnly.default, "True");
        assert.strictEqual(document.parameters.SaveVssMetadata.default, "False");
        assert.deepStrictEqual(document.parameters.CopyOnly.allowedValues, ["True", "False"]);
    });

    it("tags snapshots with environment, fleet and engine first, then the user's tags", () => {
        assert.strictEqual(
            document.parameters.tags.default,
            "Key=vss-fleet:environment,Value=prod;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss;Key=CostCenter,Value=42",
        );
    });

    it("has defaults that satisfy their own allowedPattern", () => {
        for (const [name, parameter] of Object.entries(document.parameters)) {
            if (parameter.allowedPattern) {
                assert.ok(matches(parameter.allowedPattern, parameter.default ?? ""), `${name}: ${parameter.default}`);
            }
        }
    });

    it("refuses a tags override that drops or changes the vss-fleet tags", () => {
        const pattern = document.parameters.tags.allowedPattern!;
        assert.ok(
            matches(
                pattern,
                "Key=vss-fleet:environment,Value=prod;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss;Key=Owner,Value=me",
            ),
        );
        assert.ok(!matches(pattern, "Key=Owner,Value=me"));
        assert.ok(
            !matches(pattern, "Key=vss-fleet:environment,Value=dev;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss"),
        );
        assert.ok(
            !matches(
                pattern,
                "Key=vss-fleet:environment,Value=prod;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss;rm -rf",
            ),
        );
    });

    it("has the window's task add the run's execution id to the same tags, within the pattern before and after SSM fills it in", () => {
        const tags = taskParameters(context).tags;
        assert.deepStrictEqual(tags, [
            "Key=vss-fleet:environment,Value=prod;Key=vss-fleet:fleet,Value=acme;Key=vss-fleet:engine,Value=aws-vss;Key=CostCenter,Value=42;" +
                "Key=vss-fleet:window-execution,Value={{WINDOW_EXECUTION_ID}}",
        ]);
        const pattern = document.parameters.tags.allowedPattern!;
        assert.ok(matches(pattern, tags[0]));
        assert.ok(matches(pattern, tags[0].replace("{{WINDOW_EXECUTION_ID}}", "1a2b3c4d-1234-1234-1234-123456789012")));
        assert.ok(!matches(pattern, tags[0].replace("{{WINDOW_EXECUTION_ID}}", "{{INSTANCE_ID}}")), "no other pseudo-parameter");
    });

    it("passes the diskshadow document nothing per run: its script tags its snapshots itself", () => {
        assert.deepStrictEqual(taskParameters({ ...context, engine: "diskshadow" }), {});
    });

    it("bounds the execution timeout", () => {
        const pattern = document.parameters.executionTimeout.allowedPattern!;
        assert.ok(matches(pattern, "800") && matches(pattern, "3600"));
        assert.ok(!matches(pattern, "0") && !matches(pattern, "1e9") && !matches(pattern, "800; whoami"));
    });

    it("renders to JSON well under SSM's 64 KB", () => {
        const content = renderDocument(context);
        assert.deepStrictEqual(JSON.parse(content), document);
        assert.ok(Buffer.byteLength(content) < 8 * 1024, `${Buffer.byteLength(content)} bytes`);
    });

    it("says clearly when an engine has no builder", () => {
        assert.throws(() => buildDocument({ ...context, engine: "robocopy" as never }), /engine 'robocopy' has no document builder yet/);
    });
});
