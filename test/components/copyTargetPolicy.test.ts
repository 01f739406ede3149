import * as assert from "assert";
import fc from "fast-check";
import { copyTargetDeployPolicy } from "../../automation/driver/copyTargetBootstrap";
import { copyTargetPolicy, copyTargetsOf, copyTargetTrustPolicy, sourceKeyPolicyStatement } from "../../components/iam";

const SOURCE_KEY = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111";
const VAULT_KEY = "arn:aws:kms:eu-central-1:333333333333:key/33333333-3333-3333-3333-333333333333";
const SPEC = {
    name: "prod",
    accountId: "111111111111",
    region: "us-east-1",
    volumeKmsKeyId: SOURCE_KEY,
    copies: [
        { region: "us-west-2" },
        { region: "eu-central-1", accountId: "333333333333", kmsKeyId: VAULT_KEY, deployRoleArn: "arn:aws:iam::333333333333:role/deploy" },
        { region: "eu-west-1", accountId: "333333333333", kmsKeyId: "alias/vault" },
        { region: "ap-southeast-2", accountId: "444444444444", kmsKeyId: "alias/dr" },
        { region: "eu-west-2", accountId: "111111111111" },
    ],
};

describe("the copy-target role's builders", () => {
    const [vault, dr] = copyTargetsOf(SPEC, "vss-fleet", "aws");

    it("groups the copies by destination account, skipping the environment's own, with the first deploy role named", () => {
        assert.strictEqual(copyTargetsOf(SPEC, "vss-fleet", "aws").length, 2);
        assert.deepStrictEqual(vault, {
            partition: "aws",
            environment: "prod",
            fleet: "vss-fleet",
            sourceAccountId: "111111111111",
            sourceRegion: "us-east-1",
            sourceKmsKeyId: SOURCE_KEY,
            destinationAccountId: "333333333333",
            destinations: [
                { region: "eu-central-1", kmsKeyId: VAULT_KEY },
                { region: "eu-west-1", kmsKeyId: "alias/vault" },
            ],
            deployRoleArn: "arn:aws:iam::333333333333:role/deploy",
        });
        assert.strictEqual(dr.deployRoleArn, undefined);
        assert.deepStrictEqual(copyTargetsOf({ ...SPEC, copies: [{ region: "us-west-2" }] }, "vss-fleet", "aws"), []);
    });

    it("is trusted by the source account only as prod's lifecycle role, by path and name", () => {
        assert.deepStrictEqual(copyTargetTrustPolicy(vault), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "OnlyTheSourceEnvironmentsLifecycleFunction",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:root" },
                    Action: "sts:AssumeRole",
                    Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/vss-fleet/prod/prod-lifecycle-role-*" } },
                },
            ],
        });
    });

    it("allows copy, tag-on-copy, describe and delete of the environment's copies, KMS through EC2, and nothing else", () => {
        const policy = copyTargetPolicy(vault);
        assert.deepStrictEqual(
            policy.Statement.map((s) => [s.Sid, s.Effect, s.Action, s.Resource]),
            [
                ["ReadSnapshots", "Allow", "ec2:DescribeSnapshots", "*"],
                [
                    "CopyOnlyIntoEnvironmentTaggedSnapshots",
                    "Allow",
                    "ec2:CopySnapshot",
                    ["arn:aws:ec2:us-east-1::snapshot/*", "arn:aws:ec2:eu-central-1::snapshot/*", "arn:aws:ec2:eu-west-1::snapshot/*"],
                ],
                [
                    "TagCopiesOnlyWhileCreatingThem",
                    "Allow",
                    "ec2:CreateTags",
                    ["arn:aws:ec2:eu-central-1::snapshot/*", "arn:aws:ec2:eu-west-1::snapshot/*"],
                ],
                [
                    "DeleteOnlyTheEnvironmentsCopies",
                    "Allow",
                    "ec2:DeleteSnapshot",
                    ["arn:aws:ec2:eu-central-1::snapshot/*", "arn:aws:ec2:eu-west-1::snapshot/*"],
                ],
                [
                    "EncryptCopiesThroughEc2Only",
                    "Allow",
                    [
                        "kms:CreateGrant",
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:GenerateDataKeyWithoutPlaintext",
                        "kms:ReEncryptFrom",
                        "kms:ReEncryptTo",
                    ],
                    // An alias cannot name a key in an IAM policy: that region's keys of the vault, through EC2 only.
                    [VAULT_KEY, "arn:aws:kms:eu-west-1:333333333333:key/*"],
                ],
                [
                    "ReadTheSourceSnapshotsThroughEc2Only",
                    "Allow",
                    ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"],
                    SOURCE_KEY,
                ],
                ["NeverUntagTheFleetsKeys", "Deny", "ec2:DeleteTags", "*"],
            ],
        );
        assert.deepStrictEqual(policy.Statement[3].Condition, {
            StringEquals: { "ec2:ResourceTag/vss-fleet:environment": "prod", "ec2:ResourceTag/vss-fleet:fleet": "vss-fleet" },
        });
        // Without a customer-managed source key nor destination keys: no KMS at all.
        const plain = copyTargetPolicy({ ...dr, sourceKmsKeyId: undefined, destinations: [{ region: "ap-southeast-2" }] });
        assert.deepStrictEqual(
            plain.Statement.filter((s) => String(s.Action).includes("kms:")),
            [],
        );
    });

    it("prints a source key policy statement for the destination account, only as the copy-target role, only through EC2", () => {
        assert.deepStrictEqual(
            sourceKeyPolicyStatement({ partition: "aws", environment: "prod-eu", destinationAccountId: "333333333333" }),
            {
                Sid: "VssFleetProdEuCopiesTo333333333333",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::333333333333:root" },
                Action: ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"],
                Resource: "*",
                Condition: {
                    StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" },
                    ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::333333333333:role/vss-fleet/prod-eu/prod-eu-copy-target" },
                },
            },
        );
    });

    it("gives the destination's deploy role the one copy-target role, with its boundary, and the Recycle Bin rules of its regions", () => {
        const policy = copyTargetDeployPolicy(vault);
        assert.deepStrictEqual(
            policy.Statement.map((s) => [s.Sid, s.Effect, s.Resource]),
            [
                ["TheCopyTargetRoleOnlyWithItsBoundary", "Allow", "arn:aws:iam::333333333333:role/vss-fleet/prod/prod-copy-target"],
                ["ReadAndTagTheCopyTargetRole", "Allow", "arn:aws:iam::333333333333:role/vss-fleet/prod/prod-copy-target"],
                ...[
                    "CreateRecycleBinRulesTaggedForTheEnvironment",
                    "ReadTheEnvironmentsRecycleBinRule",
                    "RetagTheEnvironmentsRecycleBinRule",
                    "UntagTheEnvironmentsRecycleBinRuleButNeverItsEnvironmentTag",
                ].map((sid) => [
                    sid,
                    "Allow",
                    ["arn:aws:rbin:eu-central-1:333333333333:rule/*", "arn:aws:rbin:eu-west-1:333333333333:rule/*"],
                ]),
                ["ListEbsSnapshotRecycleBinRules", "Allow", "*"],
                ["NeverRewriteTrustOrDropTheBoundary", "Deny", "arn:aws:iam::333333333333:role/vss-fleet/prod/prod-copy-target"],
                ["NeverTouchTheBoundaries", "Deny", "arn:aws:iam::333333333333:policy/vss-fleet-boundary/*"],
            ],
        );
        assert.deepStrictEqual(policy.Statement[0].Condition, {
            StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::333333333333:policy/vss-fleet-boundary/vss-fleet-prod-boundary" },
        });
    });

    it("for any copies: only EC2 snapshot actions and KMS through EC2; deletes need both tags; tags only inside a copy; never STS or IAM", () => {
        const region = fc.constantFrom("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2");
        const account = fc.constantFrom("111111111111", "333333333333", "444444444444");
        const key = fc.option(fc.constantFrom(VAULT_KEY, "alias/vault", "1234abcd-12ab-34cd-56ef-1234567890ab"), { nil: undefined });
        const copy = fc.record({ region, accountId: fc.option(account, { nil: undefined }), kmsKeyId: key });
        fc.assert(
            fc.property(
                fc.array(copy, { minLength: 1, maxLength: 5 }),
                fc.option(fc.constant(SOURCE_KEY), { nil: undefined }),
                (copies, source) => {
                    for (const target of copyTargetsOf({ ...SPEC, volumeKmsKeyId: source, copies }, "vss-fleet", "aws")) {
                        assert.notStrictEqual(target.destinationAccountId, "111111111111");
                        for (const s of copyTargetPolicy(target).Statement) {
                            const actions = ([] as string[]).concat(s.Action);
                            if (s.Effect === "Deny") {
                                assert.deepStrictEqual(actions, ["ec2:DeleteTags"]);
                                continue;
                            }
                            for (const action of actions) {
                                assert.match(action, /^(ec2:(CopySnapshot|CreateTags|DeleteSnapshot|DescribeSnapshots)|kms:[A-Za-z]+)$/);
                            }
                            if (actions.some((a) => a.startsWith("kms:"))) {
                                assert.deepStrictEqual(s.Condition, { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } });
                            }
                            if (actions.includes("ec2:DeleteSnapshot")) {
                                assert.deepStrictEqual(Object.keys(s.Condition?.StringEquals ?? {}).sort(), [
                                    "ec2:ResourceTag/vss-fleet:environment",
                                    "ec2:ResourceTag/vss-fleet:fleet",
                                ]);
                            }
                            if (actions.includes("ec2:CreateTags")) {
                                assert.deepStrictEqual(s.Condition, { StringEquals: { "ec2:CreateAction": "CopySnapshot" } });
                            }
                            // Writes only in the regions this account receives copies in (and the source for CopySnapshot).
                            if (actions.includes("ec2:DeleteSnapshot") || actions.includes("ec2:CreateTags")) {
                                const regions = target.destinations.map((d) => `arn:aws:ec2:${d.region}::snapshot/*`);
                                for (const resource of ([] as string[]).concat(s.Resource ?? [])) {
                                    assert.ok(regions.includes(resource), resource);
                                }
                            }
                        }
                    }
                },
            ),
        );
    });
});
