/**
 * Boundaries, each exactly at its limit and one step past it: an exemption's last day (UTC), the RPO,
 * and the inputs that are only almost valid (upper-case AWS: tag keys, a whitespace-only reason).
 */
import * as assert from "assert";
import { judgeRpo, roundHours } from "../../core/lifecycle/rpo";
import type { SnapshotSet } from "../../core/lifecycle/sets";
import { tagKeyProblem } from "../../core/environment";
import { UserInputError } from "../../automation/errors";
import { parseManifest } from "../../automation/manifest/load";
import { exemptionProblem, findExemption } from "../../policies/lib/exemptions";

const EXEMPTION = { instanceId: "i-0123456789abcdef0", reason: "decommissioned", expires: "2026-11-30" };

describe("boundaries", () => {
    describe("an exemption holds through the whole of its last day (UTC), and not a moment longer", () => {
        for (const [at, valid] of [
            ["2026-11-30T00:00:00.000Z", true],
            ["2026-11-30T23:59:59.000Z", true],
            ["2026-11-30T23:59:59.999Z", true],
            ["2026-12-01T00:00:00.000Z", false],
            ["2026-12-01T12:00:00.000Z", false],
        ] as const) {
            it(`${at}: ${valid ? "valid" : "expired"}`, () => {
                const today = new Date(at);
                assert.strictEqual(exemptionProblem(EXEMPTION, today) === undefined, valid, exemptionProblem(EXEMPTION, today));
                assert.strictEqual(findExemption([EXEMPTION], { instanceId: EXEMPTION.instanceId }, today) !== undefined, valid);
            });
        }
    });

    it("a whitespace-only exemption reason is no reason, in the policy and in the manifest", () => {
        assert.match(exemptionProblem({ ...EXEMPTION, reason: " \t " }, new Date("2026-11-28")) ?? "", /has no reason/);
        const text =
            'version: 1\nenvironments:\n  prod:\n    region: us-east-1\n    accountId: "111111111111"\n' +
            '    exemptions:\n      - { instanceId: i-0123456789abcdef0, reason: "   ", expires: "2027-01-01" }\n';
        assert.throws(
            () => parseManifest("fleet.yaml", text),
            (e: unknown) =>
                e instanceof UserInputError &&
                e.problems.join() === "fleet.yaml:7:44: environments.prod.exemptions[0].reason: say why the instance needs no backup",
        );
    });

    it("tag keys starting with aws: are reserved in any case", () => {
        for (const key of ["aws:x", "AWS:Name", "Aws:cloudformation:stack-name"]) {
            assert.strictEqual(tagKeyProblem(key), "tag keys starting with 'aws:' are reserved by AWS", key);
        }
        assert.strictEqual(tagKeyProblem("awsx:Name"), undefined);
    });

    describe("the RPO: a newest good set exactly RPO hours old is within it", () => {
        const NOW = new Date("2026-11-28T08:00:00Z");
        const set = (ageMs: number, good = true): SnapshotSet => ({
            key: `k${ageMs}`,
            instanceId: "i-1",
            startTime: new Date(NOW.getTime() - ageMs),
            snapshots: [],
            missingVolumes: [],
            problems: [],
            good,
            completing: false,
        });
        it("ages are rounded half up only for display, to the places asked for", () => {
            assert.deepStrictEqual(
                [roundHours(26.04, 1), roundHours(24.45, 1), roundHours(24.456, 2), roundHours(0.5, 0), roundHours(7, 3)],
                [26, 24.5, 24.46, 1, 7],
            );
        });

        for (const [what, sets, breached] of [
            ["exactly 26 h", [set(26 * 3_600_000)], false],
            ["26 h and 1 ms", [set(26 * 3_600_000 + 1)], true],
            ["a newer bad set does not count", [set(1, false), set(26 * 3_600_000 + 1)], true],
            ["no good set at all", [set(1, false)], true],
        ] as const) {
            it(`${what}: ${breached ? "breach" : "ok"}`, () => {
                assert.strictEqual(judgeRpo(sets, 26, NOW).breached, breached);
            });
        }
    });
});
