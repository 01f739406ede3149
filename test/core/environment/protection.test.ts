import * as assert from "assert";
import { formatPath, lifecycleEnabled, lifecycleSummary, parseEnvironment } from "../../../core/environment";
import { MINIMAL, specOf } from "../../helpers";

const CMK = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DEST_CMK = "arn:aws:kms:eu-west-1:333333333333:key/abcd1234-12ab-34cd-56ef-1234567890ab";

function issues(overrides: Record<string, unknown>): string[] {
    const result = parseEnvironment("prod", { ...MINIMAL, ...overrides });
    return result.ok ? [] : result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

describe("copies, lock and archive in the EnvironmentSpec", () => {
    it("accepts a cross-region and a cross-account copy, a compliance lock and monthly archiving, with defaults", () => {
        const spec = specOf({
            volumeKmsKeyId: CMK,
            copies: [
                { region: "us-west-2", retention: { days: 35 } },
                { region: "eu-west-1", accountId: "333333333333", kmsKeyId: DEST_CMK, retention: { days: 90, minSets: 3 } },
            ],
            lock: { mode: "compliance", durationDays: 14, newestSets: 3 },
            archive: { keepMonths: 24 },
        });
        assert.deepStrictEqual(spec.copies?.[0].retention, { days: 35, minSets: 7 });
        assert.deepStrictEqual(spec.archive, { every: "month", afterDays: 30, keepMonths: 24 });
        assert.strictEqual(lifecycleEnabled(spec), true);
    });

    it("switches the lifecycle on for each of copies, lock and archive, and refuses lifecycle: false with one", () => {
        assert.strictEqual(lifecycleEnabled(specOf({ copies: [{ region: "us-west-2", retention: { days: 1 } }] })), true);
        assert.strictEqual(lifecycleEnabled(specOf({ lock: { mode: "governance", durationDays: 1, withinDays: 1 } })), true);
        assert.strictEqual(lifecycleEnabled(specOf({ archive: { keepMonths: 3 } })), true);
        assert.deepStrictEqual(issues({ lifecycle: false, archive: { keepMonths: 3 } }), [
            "lifecycle: archive runs in the lifecycle function; remove 'lifecycle: false' or archive",
        ]);
    });

    it("refuses a copy to the environment's own account and region, and two copies to one place", () => {
        assert.deepStrictEqual(issues({ copies: [{ region: "us-east-1", retention: { days: 1 } }] }), [
            "copies[0]: a copy to the environment's own account and region (111111111111/us-east-1) survives nothing the original does not; name another region or account",
        ]);
        assert.deepStrictEqual(
            issues({
                copies: [
                    { region: "us-west-2", retention: { days: 1 } },
                    { region: "us-west-2", accountId: "111111111111", retention: { days: 2 } },
                ],
            }),
            ["copies[1]: copies[0] already copies to 111111111111/us-west-2"],
        );
    });

    it("refuses a cross-account copy of volumes under the AWS managed key, or without a destination key, saying why", () => {
        const copy = { region: "eu-west-1", accountId: "333333333333", kmsKeyId: DEST_CMK, retention: { days: 90 } };
        assert.deepStrictEqual(issues({ volumeKmsKeyId: CMK, copies: [copy] }), []);
        const managed = issues({ volumeKmsKeyId: "alias/aws/ebs", copies: [copy] });
        assert.strictEqual(managed.length, 1);
        assert.match(
            managed[0],
            /^copies\[0\]: a copy to another account needs the volumes encrypted with a customer-managed KMS key: snapshots encrypted with the AWS managed key \(aws\/ebs\) cannot be shared/,
        );
        assert.deepStrictEqual(issues({ volumeKmsKeyId: "arn:aws:kms:us-east-1:111111111111:alias/aws/ebs", copies: [copy] }).length, 1);
        const { kmsKeyId: _k, ...withoutKey } = copy;
        assert.deepStrictEqual(issues({ volumeKmsKeyId: CMK, copies: [withoutKey] }), [
            "copies[0]: a copy to another account needs kmsKeyId: a customer-managed key in the destination account to encrypt the copies with",
        ]);
    });

    it("wants the source key as an ARN for another account, and a copy's deploy role in the copy's own account", () => {
        const copy = { region: "eu-west-1", accountId: "333333333333", kmsKeyId: DEST_CMK, retention: { days: 90 } };
        assert.deepStrictEqual(issues({ volumeKmsKeyId: "alias/fleet-volumes", copies: [copy] }), [
            "copies[0]: a copy to another account needs volumeKmsKeyId as a key ARN (arn:aws:kms:<region>:<account>:key/<id>): the destination account's copy role is granted that key by ARN, and an alias or key id cannot name a key in another account",
        ]);
        const vaultRole = "arn:aws:iam::333333333333:role/vss-fleet-deploy";
        assert.deepStrictEqual(issues({ volumeKmsKeyId: CMK, copies: [{ ...copy, deployRoleArn: vaultRole }] }), []);
        assert.deepStrictEqual(
            issues({ volumeKmsKeyId: CMK, copies: [{ ...copy, deployRoleArn: "arn:aws:iam::111111111111:role/vss-fleet-deploy" }] }),
            ["copies[0]: the deploy role must be in the destination account 333333333333: it creates the copy-target role there"],
        );
        const other = {
            ...copy,
            region: "eu-central-1",
            kmsKeyId: DEST_CMK.replace("eu-west-1", "eu-central-1"),
            deployRoleArn: "arn:aws:iam::333333333333:role/other",
        };
        assert.deepStrictEqual(issues({ volumeKmsKeyId: CMK, copies: [{ ...copy, deployRoleArn: vaultRole }, other] }), [
            "copies[1]: copies[0] names arn:aws:iam::333333333333:role/vss-fleet-deploy for the same account: one copy-target role per account is deployed through one role",
        ]);
        assert.deepStrictEqual(issues({ volumeKmsKeyId: CMK, copies: [copy, other] }), []);
        assert.deepStrictEqual(issues({ copies: [{ region: "us-west-2", deployRoleArn: vaultRole, retention: { days: 1 } }] }), [
            "copies[0]: deployRoleArn is for a copy to another account; a copy in the environment's own account needs no role there",
        ]);
    });

    it("wants exactly one of newestSets and withinDays, and a cooling-off period only in compliance mode", () => {
        assert.deepStrictEqual(issues({ lock: { mode: "governance", durationDays: 7 } }), [
            "lock.newestSets: name exactly one of newestSets and withinDays",
        ]);
        assert.deepStrictEqual(issues({ lock: { mode: "governance", durationDays: 7, newestSets: 1, withinDays: 1 } }), [
            "lock.newestSets: name exactly one of newestSets and withinDays",
        ]);
        assert.deepStrictEqual(issues({ lock: { mode: "governance", durationDays: 7, newestSets: 1, coolOffHours: 72 } }), [
            "lock.coolOffHours: coolOffHours applies to compliance mode only",
        ]);
        assert.deepStrictEqual(issues({ lock: { mode: "compliance", durationDays: 7, newestSets: 1, coolOffHours: 72 } }), []);
        assert.strictEqual(issues({ lock: { mode: "compliance", durationDays: 7, newestSets: 1, coolOffHours: 73 } }).length, 1);
    });

    it("keeps archived sets at least 3 months: the tier bills 90 days", () => {
        assert.deepStrictEqual(issues({ archive: { keepMonths: 3 } }), []);
        assert.strictEqual(issues({ archive: { keepMonths: 2 } }).length, 1);
    });

    it("says in the plan what is copied, locked and archived, and warns that compliance mode cannot be undone", () => {
        const summary = lifecycleSummary(
            specOf({
                volumeKmsKeyId: CMK,
                copies: [{ region: "eu-west-1", accountId: "333333333333", kmsKeyId: DEST_CMK, retention: { days: 90, minSets: 3 } }],
                lock: { mode: "compliance", durationDays: 14, newestSets: 3, coolOffHours: 24 },
                archive: { every: "week", afterDays: 7, keepMonths: 12 },
            }),
        );
        assert.strictEqual(
            summary,
            "verifies each run (RPO 26 h); alarms after 27 h without a verified run; no retention: snapshots are kept forever; no drills; " +
                `copies good sets to 333333333333/eu-west-1 (encrypted with ${DEST_CMK}), kept 90 days, at least 3 sets; ` +
                "in 333333333333: role vss-fleet/prod/prod-copy-target created by that account's administrator, its boundary applied by that account's administrator, " +
                `and the key policy of ${CMK} must allow 333333333333 (vss-fleet deploy-policy --bootstrap prints each); ` +
                "locks the newest 3 good sets in compliance mode for 14 days; " +
                "WARNING: compliance-mode locks cannot be removed or shortened by anyone once their cooling-off period (24 h) is over; those snapshots are billed for 14 days; " +
                "archives one good set per week after 7 days, kept 12 months (restoring one takes up to 72 h)",
        );
    });
});
