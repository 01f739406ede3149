/**
 * Every environment a manifest names is accounted for: valid, or refused with a problem that names
 * it. Cross-field rules on values inherited from `defaults` used to drop the environment silently.
 */
import * as assert from "assert";
import { UserInputError } from "../../automation/errors";
import { accountFor, InternalError } from "../../automation/manifest/accounting";
import { parseManifest } from "../../automation/manifest/load";

function problemsOf(text: string): string[] {
    try {
        parseManifest("fleet.yaml", text);
    } catch (error) {
        assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${String(error)}`);
        return [...error.problems];
    }
    return assert.fail("the manifest was accepted");
}

const DEV = `  dev:\n    region: eu-west-1\n    accountId: "222222222222"\n    durationHours: 4\n`;

describe("cross-field rules on values from defaults", () => {
    it("a default cutoff against the environment's duration: the environment and both positions", () => {
        const text = `version: 1\ndefaults:\n  cutoffHours: 2\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    durationHours: 2\n${DEV}`;
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:8:5: environments.prod.durationHours: cutoffHours (2) must be less than durationHours (2) " +
                "(environment 'prod': cutoffHours from defaults at fleet.yaml:3:3, durationHours at fleet.yaml:8:5)",
        ]);
    });

    it("a default scheduleOffset against the environment's rate() schedule", () => {
        const text = `version: 1\ndefaults:\n  scheduleOffset: 2\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n    schedule: rate(1 day)\n${DEV}`;
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:8:5: environments.prod.schedule: scheduleOffset works only with a cron(...) schedule " +
                "(environment 'prod': scheduleOffset from defaults at fleet.yaml:3:3, schedule at fleet.yaml:8:5)",
        ]);
    });

    it("a default deploy role in another account: every environment it does not fit, at its accountId", () => {
        const text = `version: 1\ndefaults:\n  deployRoleArn: arn:aws:iam::222222222222:role/deploy\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n${DEV}`;
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:7:5: environments.prod.accountId: the deploy role must be in the environment's account 111111111111 " +
                "(environment 'prod': deployRoleArn from defaults at fleet.yaml:3:3, accountId at fleet.yaml:7:5)",
        ]);
    });

    it("both values from defaults: at the environment's name, with both defaults' positions", () => {
        const text = `version: 1\ndefaults:\n  cutoffHours: 3\n  durationHours: 3\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n`;
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:6:3: environments.prod: cutoffHours (3) must be less than durationHours (3) " +
                "(environment 'prod': cutoffHours from defaults at fleet.yaml:3:3, durationHours from defaults at fleet.yaml:4:3)",
        ]);
    });

    it("a default cutoff against the built-in duration of 1 hour", () => {
        const text = `version: 1\ndefaults:\n  cutoffHours: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n`;
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:5:3: environments.prod: cutoffHours (1) must be less than durationHours (1) " +
                "(environment 'prod': cutoffHours from defaults at fleet.yaml:3:3, durationHours not set (its default))",
        ]);
    });
});

describe("overlapping target tags in one account and region", () => {
    const env = (name: string, region: string, tags: string) =>
        `  ${name}:\n    region: ${region}\n    accountId: "111111111111"\n    targetTags: ${tags}\n`;

    it("refuses a tag set that contains another's, naming both positions", () => {
        const text =
            "version: 1\nenvironments:\n" +
            env("a", "us-east-1", "{ Backup: daily }") +
            env("b", "us-east-1", "{ Backup: daily, Tier: db }") +
            env("c", "eu-west-1", "{ Backup: daily, Tier: db }") +
            env("d", "us-east-1", "{ Backup: weekly, Tier: db }");
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:10:5: environments.b.targetTags: an instance tagged Backup=daily, Tier=db is selected by this environment and by 'a' (fleet.yaml:6:5) " +
                "in the same account and region (a's target tags Backup=daily are all among b's), so it would be snapshotted twice; " +
                "make the tag sets disjoint, for example with a different Backup value",
        ]);
    });

    it("the broader set second: reported at the second, naming the first", () => {
        const text =
            "version: 1\nenvironments:\n" + env("a", "us-east-1", "{ Backup: daily, Tier: db }") + env("b", "us-east-1", "{ Tier: db }");
        assert.deepStrictEqual(problemsOf(text), [
            "fleet.yaml:10:5: environments.b.targetTags: an instance tagged Backup=daily, Tier=db is selected by this environment and by 'a' (fleet.yaml:6:5) " +
                "in the same account and region (b's target tags Tier=db are all among a's), so it would be snapshotted twice; " +
                "make the tag sets disjoint, for example with a different Tier value",
        ]);
    });

    it("any-versus-all: sets that share one tag of two but contain neither are fine", () => {
        const text =
            "version: 1\nenvironments:\n" +
            env("a", "us-east-1", "{ Backup: daily, Tier: web }") +
            env("b", "us-east-1", "{ Backup: daily, Tier: db }");
        assert.deepStrictEqual(
            parseManifest("fleet.yaml", text).environments.map((e) => e.spec.name),
            ["a", "b"],
        );
    });
});

describe("accountFor: the guard between parsing and a result", () => {
    it("passes when every environment is reported once", () => {
        accountFor("plan", ["prod", "dev"], ["dev", "prod"]);
    });

    for (const [what, reported, detail] of [
        ["one missing", ["prod"], "2 environment(s) in, 1 out (missing dev)"],
        ["one extra", ["prod", "dev", "qa"], "2 environment(s) in, 3 out (not asked for qa)"],
        ["one twice, one missing", ["prod", "prod"], "2 environment(s) in, 2 out (missing dev; reported twice prod)"],
    ] as const) {
        it(`is an internal error, never a skip: ${what}`, () => {
            assert.throws(
                () => accountFor("plan", ["prod", "dev"], reported),
                (error: Error) =>
                    error instanceof InternalError && error.message === `internal error (a bug, please report it): plan: ${detail}`,
            );
        });
    }
});
