import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { instanceSnapshotPolicy, taskRolePolicy } from "../../components/iam";
import { resource, run } from "./harness";

const scope = { partition: "aws", region: "us-east-1", accountId: "111111111111" };
const POLICY_DOC = "aws:iam/policy:Policy";
const json = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

async function messages(policy: string, resources: Parameters<typeof run>[1]): Promise<string[]> {
    return (await run(policy, resources)).violations.map((v) => `${v.enforcementLevel}: ${v.message.split("\n").slice(1).join(" ")}`);
}

describe("iam-no-unscoped-snapshot-permissions", () => {
    const P = "iam-no-unscoped-snapshot-permissions";
    it("passes vss-fleet's own instance policy", async () => {
        const doc = JSON.stringify(instanceSnapshotPolicy({ ...scope, environment: "prod", engine: "aws-vss" }));
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "snap", { policy: doc })]), []);
    });
    it("blocks the classic recipe's ec2:CreateSnapshot on *", async () => {
        const doc = json([{ Sid: "Classic", Effect: "Allow", Action: ["ec2:CreateSnapshot", "ec2:DescribeInstances"], Resource: "*" }]);
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "classic", { policy: doc })]), [
            "mandatory: Statement Classic allows ec2:CreateSnapshot on every resource without a condition. Scope snapshot creation to the calling instance (ec2:SourceInstanceARN) and tag writes to ec2:CreateAction or required tags, as AWSEC2VssSnapshotPolicy does.",
        ]);
    });
    it("blocks ec2:* in a role's inline policy", async () => {
        const role = resource("aws:iam/role:Role", "r", {
            inlinePolicies: [{ name: "x", policy: json([{ Effect: "Allow", Action: "ec2:*", Resource: "*" }]) }],
        });
        assert.strictEqual((await messages(P, [role])).length, 1);
    });
    it("judges unknown policy JSON at update, not in preview", async () => {
        assert.deepStrictEqual(await messages(P, [resource(POLICY_DOC, "later", { policy: UNKNOWN_VALUES.string })]), []);
    });
});

describe("iam-no-passrole-wildcard", () => {
    const P = "iam-no-passrole-wildcard";
    const RP = "aws:iam/rolePolicy:RolePolicy";
    it("passes vss-fleet's task role policy", async () => {
        const doc = JSON.stringify(
            taskRolePolicy({
                ...scope,
                documentName: "d",
                targetTags: { B: "p" },
                notificationRoleArn: "arn:aws:iam::111111111111:role/n",
            }),
        );
        assert.deepStrictEqual(await messages(P, [resource(RP, "task", { policy: doc })]), []);
    });
    it("blocks PassRole on *", async () => {
        const doc = json([
            {
                Sid: "Any",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "*",
                Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
            },
        ]);
        assert.match((await messages(P, [resource(RP, "t", { policy: doc })]))[0], /Statement Any allows iam:PassRole on any role/);
    });
    it("judges a role's unknown inline policy at update, not in preview", async () => {
        const role = resource("aws:iam/role:Role", "r", { inlinePolicies: [{ name: "p", policy: UNKNOWN_VALUES.string }] });
        assert.deepStrictEqual(await messages(P, [role]), []);
    });
    it("blocks PassRole without iam:PassedToService", async () => {
        const doc = json([{ Sid: "NoService", Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/n" }]);
        assert.match((await messages(P, [resource(RP, "t", { policy: doc })]))[0], /without an iam:PassedToService condition/);
    });
});

describe("iam-no-broad-managed-policies", () => {
    const P = "iam-no-broad-managed-policies";
    const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    it("passes AmazonSSMManagedInstanceCore", async () => {
        assert.deepStrictEqual(
            await messages(P, [resource(ATTACH, "core", { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" })]),
            [],
        );
    });
    for (const name of ["AdministratorAccess", "AmazonSSMFullAccess", "service-role/AmazonEC2RoleforSSM"]) {
        it(`blocks ${name}`, async () => {
            const found = await messages(P, [resource(ATTACH, "broad", { role: "r", policyArn: `arn:aws:iam::aws:policy/${name}` })]);
            assert.strictEqual(found.length, 1);
            assert.match(found[0], new RegExp(`broad attaches the AWS managed policy ${name.split("/").pop()}`));
        });
    }
    it("reads a role's managedPolicyArns, skipping unknown entries in preview", async () => {
        const role = resource("aws:iam/role:Role", "r", {
            managedPolicyArns: [UNKNOWN_VALUES.string, "arn:aws:iam::aws:policy/AmazonSSMFullAccess"],
        });
        assert.strictEqual((await messages(P, [role])).length, 1);
    });
});

describe("ssm-document-not-public", () => {
    const P = "ssm-document-not-public";
    const DOC = "aws:ssm/document:Document";
    it("passes a private document and one shared with named accounts", async () => {
        assert.deepStrictEqual(
            await messages(P, [
                resource(DOC, "a", { content: "{}" }),
                resource(DOC, "b", { permissions: { type: "Share", accountIds: "222222222222" } }),
            ]),
            [],
        );
    });
    it("blocks a document shared with All", async () => {
        assert.deepStrictEqual(await messages(P, [resource(DOC, "pub", { permissions: { type: "Share", accountIds: "All" } })]), [
            "mandatory: pub is shared with All accounts. Share it with named account ids, or not at all.",
        ]);
    });
    it("judges unknown sharing at update, not in preview", async () => {
        assert.deepStrictEqual(
            await messages(P, [resource(DOC, "later", { permissions: { type: "Share", accountIds: UNKNOWN_VALUES.string } })]),
            [],
        );
    });
    it("is not applicable to other resource types", async () => {
        const { notApplicable } = await run(P, [resource("aws:iam/role:Role", "r", {})]);
        assert.deepStrictEqual(notApplicable, [
            { policy: P, reason: "Policy only applies to resources of type 'aws:ssm/document:Document'" },
        ]);
    });
});

describe("maintenance-window policies", () => {
    const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
    const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
    const goodTask = {
        taskType: "RUN_COMMAND",
        targets: [{ key: "WindowTargetIds", values: [UNKNOWN_VALUES.string] }],
        maxConcurrency: "10%",
        maxErrors: "1",
        serviceRoleArn: UNKNOWN_VALUES.string, // a role created in the same stack: unknown in preview
        taskInvocationParameters: { runCommandParameters: { outputS3Bucket: "out" } },
    };
    const goodWindow = { schedule: "cron(0 4 ? * * *)", duration: 2, cutoff: 1, enabled: true };

    it("maintenance-window-task-bounded passes a bounded task with a custom role, even while the role ARN is unknown", async () => {
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", goodTask)]), []);
    });
    it("maintenance-window-task-bounded blocks a missing maxErrors", async () => {
        const { maxErrors: _drop, ...task } = goodTask;
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", task)]), [
            "mandatory: t does not set maxErrors; without it one bad run can reach every target.",
        ]);
    });
    it("maintenance-window-task-bounded needs no bounds on a targetless Lambda task, but still a custom role", async () => {
        const lambdaTask = { taskType: "LAMBDA", serviceRoleArn: UNKNOWN_VALUES.string, taskArn: UNKNOWN_VALUES.string };
        assert.deepStrictEqual(await messages("maintenance-window-task-bounded", [resource(TASK, "t", lambdaTask)]), []);
        const { serviceRoleArn: _none, ...noRole } = lambdaTask;
        assert.match((await messages("maintenance-window-task-bounded", [resource(TASK, "t", noRole)]))[0], /has no serviceRoleArn/);
        const { maxConcurrency: _drop, ...unbounded } = goodTask;
        assert.deepStrictEqual(
            await messages("maintenance-window-task-bounded", [resource(TASK, "t", { ...unbounded, taskType: "LAMBDA" })]),
            ["mandatory: t does not set maxConcurrency; without it one bad run can reach every target."],
        );
    });
    it("maintenance-window-task-bounded blocks the service-linked role and a missing role", async () => {
        const slr = {
            ...goodTask,
            serviceRoleArn: "arn:aws:iam::111111111111:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM",
        };
        assert.match(
            (await messages("maintenance-window-task-bounded", [resource(TASK, "t", slr)]))[0],
            /service-linked role AWSServiceRoleForAmazonSSM/,
        );
        const { serviceRoleArn: _none, ...noRole } = goodTask;
        assert.match((await messages("maintenance-window-task-bounded", [resource(TASK, "t", noRole)]))[0], /has no serviceRoleArn/);
    });
    it("maintenance-window-sane passes a good window and blocks cutoff >= duration, a bad schedule, and a disabled window", async () => {
        const P = "maintenance-window-sane";
        assert.deepStrictEqual(await messages(P, [resource(WINDOW, "w", goodWindow)]), []);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, cutoff: 2 })]))[0], /cutoff of 2 h and a duration of 2 h/);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, schedule: "cron(0 4 * * *)" })]))[0], /which SSM rejects/);
        assert.match((await messages(P, [resource(WINDOW, "w", { ...goodWindow, enabled: false })]))[0], /is disabled/);
    });
    it("maintenance-window-sane becomes advisory when the schedule is unknown in preview", async () => {
        const { violations } = await run("maintenance-window-sane", [
            resource(WINDOW, "w", { ...goodWindow, schedule: UNKNOWN_VALUES.string }),
        ]);
        assert.deepStrictEqual(
            violations.map((v) => v.enforcementLevel),
            ["advisory"],
        );
    });
    it("snapshot-task-logging judges unknown run-command parameters at update, not in preview", async () => {
        const later = { ...goodTask, taskInvocationParameters: { runCommandParameters: UNKNOWN_VALUES.string } };
        assert.deepStrictEqual(await messages("snapshot-task-logging", [resource(TASK, "t", later)]), []);
    });
    it("snapshot-task-logging advises when output goes nowhere", async () => {
        const quiet = { ...goodTask, taskInvocationParameters: { runCommandParameters: {} } };
        assert.deepStrictEqual(await messages("snapshot-task-logging", [resource(TASK, "t", goodTask)]), []);
        assert.match(
            (await messages("snapshot-task-logging", [resource(TASK, "t", quiet)]))[0],
            /^advisory: t keeps command output only in Run Command/,
        );
    });
});
