/** iam-no-passrole-wildcard (policies/iamNoPassroleWildcard.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { taskRolePolicy } from "../../components/iam";
import { iamDocument as json, SCOPE as scope } from "./fixtures";
import { messages, resource } from "./harness";

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
