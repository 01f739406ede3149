/** The deploy role's policy, proven by IAM simulation like the stack's own roles. */
import * as assert from "assert";
import { deployPolicy } from "../../automation/driver/deployRolePolicy";
import { specOf } from "../helpers";
import { decide as simulate } from "../iamSimulation";

const ACCOUNT = "111111111111";
const policy = deployPolicy(specOf({ targetTags: { Backup: "prod", Tier: "db" } }));
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const window = `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0123456789abcdef0`;

const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, policy, action, resource, context);

describe("deploy role policy (IAM simulation)", () => {
    it("CAN create and delete the environment's roles, CANNOT touch any other role", async () => {
        assert.strictEqual(await decide("iam:CreateRole", role("prod-instance-role-1a2b3c4")), "Allowed");
        assert.strictEqual(await decide("iam:DeleteRole", role("prod-task-role-1a2b3c4")), "Allowed");
        assert.strictEqual(await decide("iam:CreateRole", role("Admin")), "ImplicitlyDenied");
        assert.strictEqual(await decide("iam:PutRolePolicy", role("dev-task-role-1a2b3c4")), "ImplicitlyDenied");
    });

    it("CAN attach only SSM core or the environment's own policy, CANNOT attach AdministratorAccess", async () => {
        const attach = (policyArn: string) =>
            decide("iam:AttachRolePolicy", role("prod-instance-role-1a2b3c4"), { "iam:PolicyARN": policyArn });
        assert.strictEqual(await attach("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), "Allowed");
        assert.strictEqual(await attach(`arn:aws:iam::${ACCOUNT}:policy/prod-instance-snapshot-1a2b3c4`), "Allowed");
        assert.strictEqual(await attach("arn:aws:iam::aws:policy/AdministratorAccess"), "ImplicitlyDenied");
        assert.strictEqual(await attach(`arn:aws:iam::${ACCOUNT}:policy/dev-instance-snapshot-1a2b3c4`), "ImplicitlyDenied");
    });

    it("CAN pass the task and notification roles to SSM only", async () => {
        const pass = (name: string, service: string) => decide("iam:PassRole", role(name), { "iam:PassedToService": service });
        assert.strictEqual(await pass("prod-task-role-1a2b3c4", "ssm.amazonaws.com"), "Allowed");
        assert.strictEqual(await pass("prod-task-notify-1a2b3c4", "ssm.amazonaws.com"), "Allowed");
        assert.strictEqual(await pass("prod-task-role-1a2b3c4", "lambda.amazonaws.com"), "ImplicitlyDenied");
        assert.strictEqual(await pass("Admin", "ssm.amazonaws.com"), "ImplicitlyDenied");
        assert.strictEqual(await pass("dev-task-role-1a2b3c4", "ssm.amazonaws.com"), "ImplicitlyDenied");
    });

    it("CAN pass the environment's instance role into its profile, and no other role", async () => {
        assert.strictEqual(await decide("iam:PassRole", role("prod-instance-role-1a2b3c4")), "Allowed");
        assert.strictEqual(await decide("iam:PassRole", role("ops-admin")), "ImplicitlyDenied");
    });

    it("CAN create a window only tagged for the environment, and manage only such windows", async () => {
        const tagged = (value: string) => ({ "aws:RequestTag/vss-fleet:environment": value, "aws:TagKeys": ["vss-fleet:environment"] });
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*", tagged("prod")), "Allowed");
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*", tagged("dev")), "ImplicitlyDenied");
        assert.strictEqual(await decide("ssm:CreateMaintenanceWindow", "*"), "ImplicitlyDenied", "an untagged window");
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, tagged("prod")), "Allowed");
        assert.strictEqual(await decide("ssm:AddTagsToResource", window, tagged("dev")), "ImplicitlyDenied");
        assert.strictEqual(
            await decide("ssm:RegisterTaskWithMaintenanceWindow", window, { "ssm:resourceTag/vss-fleet:environment": "prod" }),
            "Allowed",
        );
        assert.strictEqual(
            await decide("ssm:DeleteMaintenanceWindow", window, { "ssm:resourceTag/vss-fleet:environment": "dev" }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide("ssm:DeleteMaintenanceWindow", window), "ImplicitlyDenied");
    });

    it("CAN write only the target tag keys on instances", async () => {
        const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
        assert.strictEqual(await decide("ec2:CreateTags", instance, { "aws:TagKeys": ["Backup", "Tier"] }), "Allowed");
        assert.strictEqual(await decide("ec2:DeleteTags", instance, { "aws:TagKeys": ["Backup"] }), "Allowed");
        assert.strictEqual(await decide("ec2:CreateTags", instance, { "aws:TagKeys": ["Backup", "Owner"] }), "ImplicitlyDenied");
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
    });

    describe("with the snapshot lifecycle", () => {
        const lifecycle = deployPolicy(specOf({ targetTags: { Backup: "prod" }, retention: { days: 35 } }));
        const decideLifecycle = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
            simulate(`arn:aws:sts::${ACCOUNT}:assumed-role/vss-deploy/ci`, lifecycle, action, resource, context);
        const regional = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;

        it("CAN manage the environment's function, rules, alert topic and log group, and no one else's", async () => {
            const fn = regional("lambda", "function:prod-lifecycle-fn-1a2b3c4");
            assert.strictEqual(await decideLifecycle("lambda:CreateFunction", fn), "Allowed");
            assert.strictEqual(await decideLifecycle("lambda:AddPermission", fn), "Allowed");
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

        it("CAN pass only the lifecycle role, and only to Lambda", async () => {
            const pass = (name: string, service: string) => decideLifecycle("iam:PassRole", role(name), { "iam:PassedToService": service });
            assert.strictEqual(await pass("prod-lifecycle-role-1a2b3c4", "lambda.amazonaws.com"), "Allowed");
            assert.strictEqual(await pass("prod-lifecycle-role-1a2b3c4", "ec2.amazonaws.com"), "ImplicitlyDenied");
            assert.strictEqual(await pass("prod-task-role-1a2b3c4", "lambda.amazonaws.com"), "ImplicitlyDenied");
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
