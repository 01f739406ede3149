/**
 * Copies, locks and the archive tier (prod in test/security/fleet.yaml copies to us-west-2 and to a
 * vault account 333333333333, locks the newest sets for 30 days in governance mode, archives monthly):
 * the lifecycle role, under its boundary, can do exactly that to the fleet's own snapshots and no more.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import type { PolicyDocument } from "../../components/iam";
import { DEFAULT_FLEET } from "../../core/environment";
import type { Decision } from "../iamSimulation";
import { ACCOUNT, lifecycleRole, session, SNAPSHOT } from "./actors";
import { resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate } from "./simulate";

const VAULT = "333333333333";
const own = { "ec2:ResourceTag/vss-fleet:environment": "prod", "ec2:ResourceTag/vss-fleet:fleet": DEFAULT_FLEET };
const copyTags = {
    "aws:RequestTag/vss-fleet:environment": "prod",
    "aws:RequestTag/vss-fleet:fleet": DEFAULT_FLEET,
    "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet"],
};
const WEST = "arn:aws:ec2:us-west-2::snapshot/snap-0123456789abcdef1";

type Case = readonly [name: string, expected: Decision, action: string, resource: string, context: Record<string, string | string[]>];

const CASES: readonly Case[] = [
    [
        "locks its own snapshot for the configured 30 days",
        "Allowed",
        "ec2:LockSnapshot",
        SNAPSHOT,
        { ...own, "ec2:SnapshotLockDuration": "30" },
    ],
    ["locks its own snapshot for 31 days", "ImplicitlyDenied", "ec2:LockSnapshot", SNAPSHOT, { ...own, "ec2:SnapshotLockDuration": "31" }],
    ["locks a database team's snapshot", "ImplicitlyDenied", "ec2:LockSnapshot", SNAPSHOT, { "ec2:SnapshotLockDuration": "1" }],
    ["unlocks a snapshot", "ImplicitlyDenied", "ec2:UnlockSnapshot", SNAPSHOT, own],
    ["archives its own snapshot", "Allowed", "ec2:ModifySnapshotTier", SNAPSHOT, own],
    [
        "archives prod-eu's snapshot",
        "ImplicitlyDenied",
        "ec2:ModifySnapshotTier",
        SNAPSHOT,
        { ...own, "ec2:ResourceTag/vss-fleet:environment": "prod-eu" },
    ],
    ["copies into us-west-2 tagged for the environment", "Allowed", "ec2:CopySnapshot", WEST, copyTags],
    ["copies into us-west-2 untagged", "ImplicitlyDenied", "ec2:CopySnapshot", WEST, {}],
    [
        "copies into eu-west-3, a region it does not copy to",
        "ImplicitlyDenied",
        "ec2:CopySnapshot",
        "arn:aws:ec2:eu-west-3::snapshot/snap-0123456789abcdef1",
        copyTags,
    ],
    ["deletes its own copy in us-west-2", "Allowed", "ec2:DeleteSnapshot", WEST, own],
    ["deletes a database team's snapshot in us-west-2", "ImplicitlyDenied", "ec2:DeleteSnapshot", WEST, {}],
    [
        "shares its own snapshot with the vault account",
        "Allowed",
        "ec2:ModifySnapshotAttribute",
        SNAPSHOT,
        { ...own, "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": VAULT },
    ],
    [
        "shares its own snapshot with an account it does not copy to",
        "ImplicitlyDenied",
        "ec2:ModifySnapshotAttribute",
        SNAPSHOT,
        { ...own, "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": "444444444444" },
    ],
    [
        "makes its own snapshot public (group all)",
        "ImplicitlyDenied",
        "ec2:ModifySnapshotAttribute",
        SNAPSHOT,
        { ...own, "ec2:Attribute": "createVolumePermission", "ec2:Add/group": "all" },
    ],
    [
        "shares a database team's snapshot with the vault",
        "ImplicitlyDenied",
        "ec2:ModifySnapshotAttribute",
        SNAPSHOT,
        { "ec2:Attribute": "createVolumePermission", "ec2:Add/userId": VAULT },
    ],
    [
        "assumes its copy-target role in the vault",
        "Allowed",
        "sts:AssumeRole",
        `arn:aws:iam::${VAULT}:role/vss-fleet/prod/prod-copy-target`,
        {},
    ],
    [
        "assumes prod-eu's copy-target role in the vault",
        "ImplicitlyDenied",
        "sts:AssumeRole",
        `arn:aws:iam::${VAULT}:role/vss-fleet/prod-eu/prod-eu-copy-target`,
        {},
    ],
    [
        "uses the us-west-2 copy key through EC2",
        "Allowed",
        "kms:CreateGrant",
        "arn:aws:kms:us-west-2:111111111111:key/22222222-2222-2222-2222-222222222222",
        { "kms:ViaService": "ec2.us-west-2.amazonaws.com" },
    ],
    [
        "reads its CMK-encrypted source snapshot for a copy, through EC2",
        "Allowed",
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111",
        { "kms:ViaService": "ec2.us-west-2.amazonaws.com" },
    ],
    [
        "uses the source volumes' key directly",
        "ImplicitlyDenied",
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111",
        {},
    ],
    [
        "uses the us-west-2 copy key directly",
        "ImplicitlyDenied",
        "kms:Decrypt",
        "arn:aws:kms:us-west-2:111111111111:key/22222222-2222-2222-2222-222222222222",
        {},
    ],
];

describe("copies, locks and archive: the prod lifecycle role under its boundary (IAM simulation over the resolved plan)", function () {
    this.timeout(60_000);
    let fleet: Map<string, ResolvedEnvironment>;
    const boundaries = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        for (const env of fleet.values()) {
            const { boundary } = bootstrap(env.spec, DEFAULT_FLEET, env.instances);
            boundaries.set(boundary.arn, boundary.policy);
        }
    });

    for (const [name, expected, action, resource, context] of CASES) {
        it(`the prod lifecycle role ${name}: ${expected}`, async () => {
            const role = lifecycleRole(fleet.get("prod") as ResolvedEnvironment);
            const resourceAccount = resource.includes(`:${VAULT}:`) ? VAULT : ACCOUNT;
            const request = { ...session(role, "fn", boundaries), action, resource, resourceAccount, context };
            if (action.startsWith("kms:")) {
                // KMS needs the key policy too; this is the default one, which defers to IAM.
                const keyPolicy: PolicyDocument = {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "Default",
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                    ],
                };
                assert.strictEqual(await simulate({ ...request, resourcePolicy: keyPolicy }), expected);
                return;
            }
            if (action === "sts:AssumeRole" && resourceAccount === VAULT) {
                // Cross-account: the vault's copy-target role must trust the lifecycle role too.
                const trust: PolicyDocument = {
                    Version: "2012-10-17",
                    Statement: [{ Sid: "Source", Effect: "Allow", Principal: { AWS: role.arn }, Action: "sts:AssumeRole" }],
                };
                assert.strictEqual(await simulate({ ...request, resourcePolicy: trust }), expected);
                return;
            }
            assert.strictEqual(await simulate(request), expected);
        });
    }

    it("prod-eu, with no copies, locks or archive, gets none of these grants", async () => {
        const role = lifecycleRole(fleet.get("prod-eu") as ResolvedEnvironment);
        const lock = { ...own, "ec2:ResourceTag/vss-fleet:environment": "prod-eu", "ec2:SnapshotLockDuration": "1" };
        const snapshot = "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0";
        assert.strictEqual(
            await simulate({ ...session(role, "fn", boundaries), action: "ec2:LockSnapshot", resource: snapshot, context: lock }),
            "ImplicitlyDenied",
        );
    });
});
