import * as assert from "assert";
import { bootstrap } from "../../../automation/driver/bootstrap";
import { specOf } from "../../helpers";

const CMK = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111";
const VAULT_KEY = "arn:aws:kms:eu-west-1:333333333333:key/33333333-3333-3333-3333-333333333333";

describe("deploy-policy --bootstrap for a copy to another account", () => {
    it("prints nothing for destinations when every copy stays in the environment's account", () => {
        const spec = specOf({ copies: [{ region: "us-west-2", retention: { days: 7 } }] });
        assert.strictEqual(bootstrap(spec, "acme", []).copyTargets, undefined);
    });

    it("without a deployRoleArn: the boundary, the role and the Recycle Bin rules as the administrator's AWS CLI calls", () => {
        const spec = specOf({
            volumeKmsKeyId: CMK,
            recycleBinDays: 14,
            copies: [
                { region: "eu-west-1", accountId: "333333333333", kmsKeyId: VAULT_KEY, retention: { days: 90 } },
                { region: "eu-central-1", accountId: "333333333333", kmsKeyId: "alias/vault", retention: { days: 90 } },
            ],
        });
        const [vault, ...rest] = bootstrap(spec, "acme", []).copyTargets ?? [];
        assert.deepStrictEqual(rest, []);
        assert.strictEqual(vault.roleArn, "arn:aws:iam::333333333333:role/vss-fleet/prod/prod-copy-target");
        assert.strictEqual(vault.deployRole, undefined);
        assert.ok(vault.role, "the role is printed for the administrator");
        assert.deepStrictEqual(vault.apply, [
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-boundary --policy-document file://333333333333-vss-fleet-prod-boundary.json",
            "aws iam create-role --path /vss-fleet/prod/ --role-name prod-copy-target --permissions-boundary arn:aws:iam::333333333333:policy/vss-fleet-boundary/vss-fleet-prod-boundary --assume-role-policy-document file://333333333333-prod-copy-target-trust.json",
            "aws iam put-role-policy --role-name prod-copy-target --policy-name prod-copy-target --policy-document file://333333333333-prod-copy-target-policy.json",
            "aws rbin create-rule --region eu-west-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=14,RetentionPeriodUnit=DAYS --resource-tags ResourceTagKey=vss-fleet:environment,ResourceTagValue=prod --tags Key=vss-fleet:environment,Value=prod",
            "aws rbin create-rule --region eu-central-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=14,RetentionPeriodUnit=DAYS --resource-tags ResourceTagKey=vss-fleet:environment,ResourceTagValue=prod --tags Key=vss-fleet:environment,Value=prod",
            // The lock, on a Region-level rule (AWS locks no tag-level rule): the vault's administrator's.
            "aws rbin create-rule --region eu-west-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=14,RetentionPeriodUnit=DAYS --lock-configuration 'UnlockDelay={UnlockDelayValue=7,UnlockDelayUnit=DAYS}' --description 'vss-fleet: deleted EBS snapshots of this region stay recoverable for 14 days (locked)'",
            "aws rbin create-rule --region eu-central-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=14,RetentionPeriodUnit=DAYS --lock-configuration 'UnlockDelay={UnlockDelayValue=7,UnlockDelayUnit=DAYS}' --description 'vss-fleet: deleted EBS snapshots of this region stay recoverable for 14 days (locked)'",
        ]);
        assert.deepStrictEqual(vault.sourceKeyPolicyStatement?.Principal, { AWS: "arn:aws:iam::333333333333:root" });
    });

    it("with a deployRoleArn: only the boundary to apply by hand; the stack creates the rest through that role", () => {
        const spec = specOf({
            volumeKmsKeyId: CMK,
            copies: [
                {
                    region: "eu-west-1",
                    accountId: "333333333333",
                    kmsKeyId: VAULT_KEY,
                    deployRoleArn: "arn:aws:iam::333333333333:role/vss-fleet-deploy",
                    retention: { days: 90 },
                },
            ],
        });
        const [vault] = bootstrap(spec, "acme", []).copyTargets ?? [];
        assert.strictEqual(vault.role, undefined);
        assert.strictEqual(vault.deployRole?.arn, "arn:aws:iam::333333333333:role/vss-fleet-deploy");
        assert.deepStrictEqual(vault.apply, [
            "aws iam create-policy --path /vss-fleet-boundary/ --policy-name vss-fleet-prod-boundary --policy-document file://333333333333-vss-fleet-prod-boundary.json",
            "aws rbin create-rule --region eu-west-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=7,RetentionPeriodUnit=DAYS --lock-configuration 'UnlockDelay={UnlockDelayValue=7,UnlockDelayUnit=DAYS}' --description 'vss-fleet: deleted EBS snapshots of this region stay recoverable for 7 days (locked)'",
        ]);
    });
});
