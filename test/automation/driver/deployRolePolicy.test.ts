/** The deploy role's policy, proven by IAM simulation like the stack's own roles. */
import * as assert from "assert";
import { deployPolicy } from "../../../automation/driver/deployRolePolicy";
import { specOf } from "../../helpers";
import { decide as simulate } from "../../iamSimulation";

const ACCOUNT = "111111111111";
const ENROLLED = "i-0123456789abcdef0";
// The lifecycle is on by default; this policy is the one for an environment that switched it off.
const policy = deployPolicy(specOf({ targetTags: { Backup: "prod", Tier: "db" }, lifecycle: false }), [ENROLLED]);
const role = (name: string, env = "prod") => `arn:aws:iam::${ACCOUNT}:role/vss-fleet/${env}/${name}`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/vss-fleet-boundary/vss-fleet-prod-boundary`;
const bounded = { "iam:PermissionsBoundary": BOUNDARY };
const window = `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0123456789abcdef0`;

const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, policy, action, resource, context);

describe("deploy role policy (IAM simulation)", () => {
    it("CAN create and delete roles in the environment's path that carry its boundary, CANNOT touch any other role", async () => {
        assert.strictEqual(await decide("iam:CreateRole", role("prod-instance-role-1a2b3c4"), bounded), "Allowed");
        assert.strictEqual(await decide("iam:DeleteRole", role("prod-task-role-1a2b3c4"), bounded), "Allowed");
        assert.strictEqual(await decide("iam:CreateRole", role("prod-instance-role-1a2b3c4")), "ExplicitlyDenied", "no boundary");
        const otherBoundary = { "iam:PermissionsBoundary": BOUNDARY.replace("prod", "dev") };
        assert.strictEqual(await decide("iam:CreateRole", role("prod-instance-role-1a2b3c4"), otherBoundary), "ExplicitlyDenied");
        assert.strictEqual(await decide("iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/Admin`, bounded), "ImplicitlyDenied");
        assert.strictEqual(
            await decide("iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/prod-instance-role-1a2b3c4`, bounded),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide("iam:PutRolePolicy", role("dev-task-role-1a2b3c4", "dev"), bounded), "ImplicitlyDenied");
        assert.strictEqual(
            await decide("iam:PutRolePolicy", role("x", "prod-eu"), bounded),
            "ImplicitlyDenied",
            "prod is a prefix of prod-eu",
        );
    });

    it("CAN list the agents SSM knows (discover --live, the driver's preflight), and nothing more of SSM's instances", async () => {
        // DescribeInstanceInformation takes no resource type: "*" is the only resource IAM evaluates.
        assert.strictEqual(await decide("ssm:DescribeInstanceInformation", "*"), "Allowed");
        // discover --live judges each server's role from the account's IAM details: read, never write.
        assert.strictEqual(await decide("iam:GetAccountAuthorizationDetails", "*"), "Allowed");
        assert.strictEqual(await decide("iam:GetRolePolicy", `arn:aws:iam::${ACCOUNT}:role/prod-database-admin`), "ImplicitlyDenied");
        const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${ENROLLED}`;
        assert.strictEqual(await decide("ssm:SendCommand", instance), "ImplicitlyDenied");
        assert.strictEqual(await decide("ssm:StartSession", instance), "ImplicitlyDenied");
        assert.strictEqual(await decide("ssm:UpdateInstanceInformation", instance), "ImplicitlyDenied");
    });

    it("CANNOT rewrite a trust policy, drop a boundary or change the boundary policy", async () => {
        assert.strictEqual(await decide("iam:UpdateAssumeRolePolicy", role("prod-instance-role-1a2b3c4"), bounded), "ExplicitlyDenied");
        assert.strictEqual(
            await decide("iam:DeleteRolePermissionsBoundary", role("prod-instance-role-1a2b3c4"), bounded),
            "ExplicitlyDenied",
        );
        for (const action of ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion", "iam:CreatePolicy"]) {
            assert.strictEqual(await decide(action, BOUNDARY), "ExplicitlyDenied", action);
        }
    });

    it("CAN attach only SSM core or the environment's own policy, CANNOT attach AdministratorAccess", async () => {
        const attach = (policyArn: string) =>
            decide("iam:AttachRolePolicy", role("prod-instance-role-1a2b3c4"), { ...bounded, "iam:PolicyARN": policyArn });
        assert.strictEqual(await attach("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), "Allowed");
        assert.strictEqual(await attach(`arn:aws:iam::${ACCOUNT}:policy/vss-fleet/prod/prod-instance-snapshot-1a2b3c4`), "Allowed");
        assert.strictEqual(await attach("arn:aws:iam::aws:policy/AdministratorAccess"), "ImplicitlyDenied");
        assert.strictEqual(await attach(`arn:aws:iam::${ACCOUNT}:policy/prod-instance-snapshot-1a2b3c4`), "ImplicitlyDenied");
        assert.strictEqual(
            await attach(`arn:aws:iam::${ACCOUNT}:policy/vss-fleet/prod-eu/prod-eu-instance-snapshot-1a2b3c4`),
            "ImplicitlyDenied",
        );
    });

    it("CAN pass the task and notification roles to SSM only", async () => {
        const pass = (name: string, service: string) => decide("iam:PassRole", role(name), { "iam:PassedToService": service });
        assert.strictEqual(await pass("prod-task-role-1a2b3c4", "ssm.amazonaws.com"), "Allowed");
        assert.strictEqual(await pass("prod-task-notify-1a2b3c4", "ssm.amazonaws.com"), "Allowed");
        assert.strictEqual(await pass("prod-task-role-1a2b3c4", "lambda.amazonaws.com"), "ImplicitlyDenied");
        assert.strictEqual(await pass("Admin", "ssm.amazonaws.com"), "ImplicitlyDenied");
        assert.strictEqual(await pass("dev-task-role-1a2b3c4", "ssm.amazonaws.com"), "ImplicitlyDenied");
        assert.strictEqual(
            await decide("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/prod-task-role-1a2b3c4`, {
                "iam:PassedToService": "ssm.amazonaws.com",
            }),
            "ImplicitlyDenied",
            "the same name outside the path",
        );
    });

    it("CAN pass the environment's instance role into its profile or to EC2, and to no other service", async () => {
        assert.strictEqual(await decide("iam:PassRole", role("prod-instance-role-1a2b3c4")), "Allowed");
        const to = (service: string) => ({ "iam:PassedToService": service });
        assert.strictEqual(await decide("iam:PassRole", role("prod-instance-role-1a2b3c4"), to("ec2.amazonaws.com")), "Allowed");
        assert.strictEqual(
            await decide("iam:PassRole", role("prod-instance-role-1a2b3c4"), to("lambda.amazonaws.com")),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide("iam:PassRole", role("ops-admin")), "ImplicitlyDenied");
    });

    it("CAN create a window only tagged for the environment, and manage only such windows", async () => {
        const tagged = (value: string) => ({ "aws:RequestTag/vss-fleet:environment": value, "aws:TagKeys": ["vss-fleet:environment"] });
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*", tagged("prod")), "Allowed");
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*", tagged("dev")), "ImplicitlyDenied");
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*"), "ImplicitlyDenied", "an untagged window");
        const own = { "aws:ResourceTag/vss-fleet:environment": "prod" };
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, { ...own, ...tagged("prod") }), "Allowed");
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, { ...own, ...tagged("dev") }), "ImplicitlyDenied");
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, tagged("prod")), "ImplicitlyDenied", "someone else's window");
        const other = { "aws:TagKeys": ["Owner"], "aws:RequestTag/Owner": "ops" };
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, { ...own, ...other }), "Allowed");
        assert.strictEqual(await decide("ssm:RemoveTagsFromResource", window, { ...own, "aws:TagKeys": ["Owner"] }), "Allowed");
        assert.strictEqual(
            await decide("ssm:RemoveTagsFromResource", window, { ...own, "aws:TagKeys": ["vss-fleet:environment"] }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide("ssm:RemoveTagsFromResource", window, own), "ImplicitlyDenied", "no keys: every tag");
        assert.strictEqual(await decide("ssm:RegisterTaskWithMaintenanceWindow", window, own), "Allowed");
        assert.strictEqual(
            await decide("ssm:DeleteMaintenanceWindow", window, { "aws:ResourceTag/vss-fleet:environment": "dev" }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide("ssm:DeleteMaintenanceWindow", window), "ImplicitlyDenied");
    });

    it("CAN write only the target tags with their own values on instances, and remove them only by key", async () => {
        const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
        const write = (tags: Record<string, string>) =>
            decide("ec2:CreateTags", instance, {
                "aws:TagKeys": Object.keys(tags),
                ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
            });
        assert.strictEqual(await write({ Backup: "prod", Tier: "db" }), "Allowed");
        assert.strictEqual(await write({ Tier: "db" }), "Allowed", "one aws.ec2.Tag per key");
        assert.strictEqual(await write({ Backup: "prod", Tier: "web" }), "ImplicitlyDenied", "half the set with a wrong value");
        assert.strictEqual(await write({ Backup: "dev" }), "ImplicitlyDenied");
        assert.strictEqual(await write({ Backup: "prod", Owner: "x" }), "ImplicitlyDenied");
        assert.strictEqual(await decide("ec2:CreateTags", instance), "ImplicitlyDenied", "no keys");
        assert.strictEqual(await decide("ec2:DeleteTags", instance, { "aws:TagKeys": ["Backup"] }), "Allowed");
        assert.strictEqual(await decide("ec2:DeleteTags", instance, { "aws:TagKeys": ["Backup", "Name"] }), "ImplicitlyDenied");
        assert.strictEqual(await decide("ec2:DeleteTags", instance), "ImplicitlyDenied", "DeleteTags without keys removes every tag");
        const unlisted = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0ffffffffffffffff`;
        assert.strictEqual(
            await decide("ec2:CreateTags", unlisted, { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" }),
            "ImplicitlyDenied",
            "an instance the manifest does not list",
        );
    });

    it("grants no tag writes at all when the manifest enrolls no existing instance", async () => {
        const none = deployPolicy(specOf({ targetTags: { Backup: "prod" } }), []);
        const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${ENROLLED}`;
        const context = { "aws:TagKeys": ["Backup"], "aws:RequestTag/Backup": "prod" };
        assert.strictEqual(
            await simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, none, "ec2:CreateTags", instance, context),
            "ImplicitlyDenied",
        );
    });

    it("CANNOT do what a deployment never needs", async () => {
        assert.strictEqual(
            await decide("ec2:DeleteSnapshot", "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0"),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide("ec2:TerminateInstances", `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide("ssm:SendCommand", `arn:aws:ssm:us-east-1:${ACCOUNT}:document/prod-snapshot-document-1a2b3c4`),
            "ImplicitlyDenied",
        );
        for (const statement of policy.Statement) {
            assert.ok(
                ([] as string[]).concat(statement.Action).every((a) => !a.includes("*")),
                statement.Sid,
            );
        }
        assert.strictEqual(
            await decide("ssm:CreateDocument", `arn:aws:ssm:us-east-1:${ACCOUNT}:document/prod-eu-snapshot-document-1a2b3c4`),
            "ImplicitlyDenied",
        );
    });

    describe("with the snapshot lifecycle", () => {
        const lifecycle = deployPolicy(specOf({ targetTags: { Backup: "prod" }, retention: { days: 35 } }), []);
        const decideLifecycle = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
            simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, lifecycle, action, resource, context);
        const regional = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;

        it("CAN manage the environment's function, rules, alert topic and log group, and no one else's", async () => {
            const fn = regional("lambda", "function:prod-lifecycle-fn-1a2b3c4");
            assert.strictEqual(await decideLifecycle("lambda:CreateFunction", fn), "Allowed");
            assert.strictEqual(
                await decideLifecycle("lambda:AddPermission", fn, { "lambda:Principal": "events.amazonaws.com" }),
                "Allowed",
            );
            assert.strictEqual(
                await decideLifecycle("lambda:UpdateFunctionCode", regional("lambda", "function:payments-api")),
                "ImplicitlyDenied",
            );
            assert.strictEqual(await decideLifecycle("events:PutRule", regional("events", "rule/prod-lc-window-1a2b3c4")), "Allowed");
            assert.strictEqual(
                await decideLifecycle("events:PutTargets", regional("events", "rule/dev-lc-window-1a2b3c4")),
                "ImplicitlyDenied",
            );
            assert.strictEqual(
                await decideLifecycle("sns:SetTopicAttributes", regional("sns", "prod-lifecycle-alerts-1a2b3c4")),
                "Allowed",
            );
            assert.strictEqual(await decideLifecycle("sns:DeleteTopic", regional("sns", "security-alerts")), "ImplicitlyDenied");
            assert.strictEqual(
                await decideLifecycle("logs:CreateLogGroup", regional("logs", "log-group:/vss-fleet/prod/lifecycle")),
                "Allowed",
            );
            assert.strictEqual(
                await decideLifecycle("logs:DeleteLogGroup", regional("logs", "log-group:/aws/lambda/other")),
                "ImplicitlyDenied",
            );
        });

        it("CAN manage the environment's alarms and alert subscriptions, and no one else's", async () => {
            const alarm = regional("cloudwatch", "alarm:prod-lifecycle-alarm-no-verified-run-1a2b3c4");
            // Without actions (round3Attacks.test.ts: an alarm action can terminate any instance).
            for (const action of ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"]) {
                assert.strictEqual(await decideLifecycle(action, alarm), "Allowed", action);
            }
            assert.strictEqual(
                await decideLifecycle(
                    "cloudwatch:DeleteAlarms",
                    regional("cloudwatch", "alarm:prod-eu-lifecycle-alarm-no-verified-run-1a2b3c4"),
                ),
                "ImplicitlyDenied",
            );
            assert.strictEqual(
                await decideLifecycle("cloudwatch:PutMetricAlarm", regional("cloudwatch", "alarm:billing")),
                "ImplicitlyDenied",
            );
            // No subscriptions in this manifest: nothing to subscribe (the next test subscribes the listed ones).
            const topic = regional("sns", "prod-lifecycle-alerts-1a2b3c4");
            assert.strictEqual(await decideLifecycle("sns:Subscribe", topic), "ImplicitlyDenied");
            assert.strictEqual(await decideLifecycle("sns:Subscribe", regional("sns", "security-alerts")), "ImplicitlyDenied");
        });

        it("CAN subscribe endpoints to the existing alert topic the manifest names, but never change or delete it", async () => {
            const team = regional("sns", "team-alerts");
            const withTopic = deployPolicy(
                specOf({
                    targetTags: { Backup: "prod" },
                    notifications: { subscriptions: [{ topicArn: team }, { email: "a@example.com" }] },
                }),
                [],
            );
            const decideWith = (action: string, resource: string, context: Record<string, string> = {}) =>
                simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, withTopic, action, resource, context);
            const listed = { "sns:Protocol": "email", "sns:Endpoint": "a@example.com" };
            assert.strictEqual(await decideWith("sns:Subscribe", team, listed), "Allowed");
            assert.strictEqual(
                await decideWith("sns:Subscribe", team, { "sns:Protocol": "email", "sns:Endpoint": "attacker@example.net" }),
                "ImplicitlyDenied",
                "only the endpoints the manifest lists",
            );
            assert.strictEqual(await decideWith("sns:DeleteTopic", team), "ImplicitlyDenied");
            assert.strictEqual(await decideWith("sns:SetTopicAttributes", team), "ImplicitlyDenied");
            assert.strictEqual(await decideLifecycle("sns:Subscribe", team), "ImplicitlyDenied", "only when the manifest names it");
        });

        it("CAN set the function's reserved concurrency and on-failure destination, and give its log group a retention", async () => {
            const fn = regional("lambda", "function:prod-lifecycle-fn-1a2b3c4");
            assert.strictEqual(await decideLifecycle("lambda:PutFunctionConcurrency", fn), "Allowed");
            assert.strictEqual(await decideLifecycle("lambda:PutFunctionEventInvokeConfig", fn), "Allowed");
            assert.strictEqual(
                await decideLifecycle("lambda:PutFunctionConcurrency", regional("lambda", "function:prod-eu-lifecycle-fn-1a2b3c4")),
                "ImplicitlyDenied",
            );
            assert.strictEqual(
                await decideLifecycle("logs:PutRetentionPolicy", regional("logs", "log-group:/vss-fleet/prod/lifecycle")),
                "Allowed",
            );
        });

        it("CAN pass only the lifecycle role, and only to Lambda", async () => {
            const pass = (name: string, service: string) => decideLifecycle("iam:PassRole", role(name), { "iam:PassedToService": service });
            assert.strictEqual(await pass("prod-lifecycle-role-1a2b3c4", "lambda.amazonaws.com"), "Allowed");
            assert.strictEqual(await pass("prod-lifecycle-role-1a2b3c4", "ec2.amazonaws.com"), "ImplicitlyDenied");
            assert.strictEqual(await pass("prod-task-role-1a2b3c4", "lambda.amazonaws.com"), "ImplicitlyDenied");
        });

        it("CAN create a Recycle Bin rule only tagged for the environment, and change or delete only such rules", async () => {
            const rule = regional("rbin", "rule/a1b2c3d4e5f");
            const tagged = (env: string) => ({
                "aws:RequestTag/vss-fleet:environment": env,
                "aws:TagKeys": ["vss-fleet:environment"],
                "rbin:Request/ResourceType": "EBS_SNAPSHOT",
            });
            assert.strictEqual(await decideLifecycle("rbin:CreateRule", rule, tagged("prod")), "Allowed");
            assert.strictEqual(await decideLifecycle("rbin:CreateRule", rule, tagged("prod-eu")), "ImplicitlyDenied");
            assert.strictEqual(
                await decideLifecycle("rbin:CreateRule", rule, { ...tagged("prod"), "rbin:Request/ResourceType": "EC2_IMAGE" }),
                "ImplicitlyDenied",
            );
            const own = (env: string) => ({ "aws:ResourceTag/vss-fleet:environment": env, "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" });
            for (const action of ["rbin:UpdateRule", "rbin:DeleteRule", "rbin:UnlockRule"]) {
                // Never its own rule either: with new function code, every snapshot would be gone for good.
                assert.strictEqual(await decideLifecycle(action, rule, own("prod")), "ImplicitlyDenied", action);
            }
            for (const action of ["rbin:GetRule", "rbin:ListTagsForResource"]) {
                assert.strictEqual(await decideLifecycle(action, rule, own("prod")), "Allowed", action);
                assert.strictEqual(await decideLifecycle(action, rule, own("prod-eu")), "ImplicitlyDenied", action);
                assert.strictEqual(await decideLifecycle(action, rule), "ImplicitlyDenied", action);
            }
            const stamp = { "aws:RequestTag/vss-fleet:environment": "prod", "aws:TagKeys": ["vss-fleet:environment"] };
            assert.strictEqual(await decideLifecycle("rbin:TagResource", rule, stamp), "ImplicitlyDenied", "stamping a foreign rule");
            assert.strictEqual(await decideLifecycle("rbin:TagResource", rule, { ...own("prod"), ...stamp }), "Allowed");
            assert.strictEqual(
                await decideLifecycle("rbin:UntagResource", rule, { ...own("prod"), "aws:TagKeys": ["vss-fleet:environment"] }),
                "ImplicitlyDenied",
            );
            assert.strictEqual(await decideLifecycle("rbin:UntagResource", rule, { ...own("prod"), "aws:TagKeys": ["Owner"] }), "Allowed");
        });

        it("grants none of it to an environment without the lifecycle", async () => {
            assert.strictEqual(
                await decide("lambda:CreateFunction", regional("lambda", "function:prod-lifecycle-fn-1a2b3c4")),
                "ImplicitlyDenied",
            );
            assert.strictEqual(await decide("sns:CreateTopic", regional("sns", "prod-lifecycle-alerts-1a2b3c4")), "ImplicitlyDenied");
        });
    });
});
