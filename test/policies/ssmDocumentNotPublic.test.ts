/** ssm-document-not-public (policies/ssmDocumentNotPublic.ts). */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { messages, resource, run } from "./harness";

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
