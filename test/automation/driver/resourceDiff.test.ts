import * as assert from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { resourceSteps } from "../../../automation/driver/resourceDiff";
import type { EnvironmentRun } from "../../../automation/driver/run";
import { driverJson, driverMarkdown, driverText } from "../../../automation/output/driverFormats";

const STACK = "urn:pulumi:prod::vss-fleet";
const PROVIDER = `${STACK}::pulumi:providers:aws::default_6_83_0::04da6b54-80e4-46f7-96ec-b56ff0331ba9`;
const WINDOW = `${STACK}::vss-fleet:index:BackupEnvironment$aws:ssm/maintenanceWindow:MaintenanceWindow::prod-window`;
const TASK = `${STACK}::vss-fleet:index:BackupEnvironment$aws:ssm/maintenanceWindowTask:MaintenanceWindowTask::prod-snapshot-task`;
const TOPIC = `${STACK}::vss-fleet:index:BackupEnvironment$aws:sns/topic:Topic::prod-alerts`;
const ROLE = `${STACK}::vss-fleet:index:BackupEnvironment$aws:iam/role:Role::prod-dlm-role`;
const ALARM = `${STACK}::vss-fleet:index:BackupEnvironment$aws:cloudwatch/metricAlarm:MetricAlarm::prod-dead-mans-switch`;

let sequence = 0;
/** An event as the Automation API parses it from the engine's event log (JSON). */
function event(body: Record<string, unknown>): EngineEvent {
    return { sequence: ++sequence, timestamp: 1_764_316_800, ...body } as unknown as EngineEvent;
}

const prelude = () => event({ preludeEvent: { config: { "aws:region": "us-east-1" } } });
/** The URN's type: its third segment, after the parents' types. */
const type = (urn: string) => urn.split("::")[2].split("$").pop() ?? "";

function pre(op: string, urn: string, diff: { diffs?: string[]; detailedDiff?: Record<string, string>; keys?: string[] } = {}) {
    return event({
        resourcePreEvent: {
            metadata: {
                op,
                urn,
                type: type(urn),
                provider: PROVIDER,
                ...(diff.keys ? { keys: diff.keys } : {}),
                ...(diff.diffs ? { diffs: diff.diffs } : {}),
                ...(diff.detailedDiff
                    ? {
                          detailedDiff: Object.fromEntries(
                              Object.entries(diff.detailedDiff).map(([p, kind]) => [p, { diffKind: kind, inputDiff: true }]),
                          ),
                      }
                    : {}),
            },
            planning: true,
        },
    });
}

/** A preview of prod: the window's duration and tags change, the task is replaced, a topic goes, an alarm is new. */
function previewEvents(): EngineEvent[] {
    return [
        prelude(),
        pre("same", `${STACK}::pulumi:pulumi:Stack::vss-fleet-prod`),
        pre("same", ROLE),
        pre("update", WINDOW, {
            diffs: ["duration", "tags"],
            detailedDiff: { duration: "update", "tags.Owner": "add", "tags.CostCenter": "delete" },
        }),
        pre("create-replacement", TASK, { keys: ["taskType"], diffs: ["taskType"] }),
        pre("replace", TASK, { keys: ["taskType"], diffs: ["taskType"], detailedDiff: { taskType: "update-replace" } }),
        pre("delete-replaced", TASK),
        pre("create", ALARM),
        pre("delete", TOPIC),
        event({
            summaryEvent: {
                maybeCorrupt: false,
                durationSeconds: 3,
                resourceChanges: { same: 2, update: 1, replace: 1, create: 1, delete: 1 },
            },
        }),
    ];
}

function envRun(name: string, events: readonly EngineEvent[]): EnvironmentRun {
    return { name, status: "succeeded", changes: {}, violations: [], steps: resourceSteps(events), durationMs: 3200, attempts: 1 };
}

describe("the engine's resource diff: events to steps to the pull-request comment", () => {
    it("keeps the steps that change something, one per resource, deletes first, with each property's kind", () => {
        assert.deepStrictEqual(resourceSteps(previewEvents()), [
            {
                op: "delete",
                urn: TOPIC,
                type: "aws:sns/topic:Topic",
                name: "prod-alerts",
                properties: [],
            },
            {
                op: "replace",
                urn: TASK,
                type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
                name: "prod-snapshot-task",
                properties: [{ path: "taskType", kind: "update-replace" }],
            },
            {
                op: "update",
                urn: WINDOW,
                type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
                name: "prod-window",
                properties: [
                    { path: "duration", kind: "update" },
                    { path: "tags.CostCenter", kind: "delete" },
                    { path: "tags.Owner", kind: "add" },
                ],
            },
            {
                op: "create",
                urn: ALARM,
                type: "aws:cloudwatch/metricAlarm:MetricAlarm",
                name: "prod-dead-mans-switch",
                properties: [],
            },
        ]);
    });

    it("without a detailed diff, the changed keys are listed as updates", () => {
        const [step] = resourceSteps([prelude(), pre("update", WINDOW, { diffs: ["schedule", "duration"] })]);
        assert.deepStrictEqual(step.properties, [
            { path: "duration", kind: "update" },
            { path: "schedule", kind: "update" },
        ]);
    });

    it("an apply's preview and then its update, or a drift's refresh and then preview: the last command's steps only", () => {
        const apply = [...previewEvents(), prelude(), pre("update", WINDOW, { diffs: ["duration"] })];
        assert.deepStrictEqual(
            resourceSteps(apply).map((s) => [s.op, s.name]),
            [["update", "prod-window"]],
        );
        const drift = [prelude(), pre("refresh", WINDOW), pre("refresh", TASK), prelude(), pre("same", TASK)];
        assert.deepStrictEqual(resourceSteps(drift), []);
    });

    it("renders one <details> block per environment that changes, after the table", () => {
        const md = driverMarkdown({
            operation: "preview",
            environmentsInManifest: 2,
            environments: [envRun("prod", previewEvents()), envRun("dev", [prelude(), pre("same", ROLE)])],
        });
        assert.strictEqual(
            md.slice(md.indexOf("\n\n<details>")),
            [
                "",
                "",
                "<details><summary>prod: resource diff (1 to delete, 1 to replace, 1 to update, 1 to create)</summary>",
                "",
                "- delete `aws:sns/topic:Topic` **prod-alerts**",
                "- replace `aws:ssm/maintenanceWindowTask:MaintenanceWindowTask` **prod-snapshot-task**: `taskType` (update-replace)",
                "- update `aws:ssm/maintenanceWindow:MaintenanceWindow` **prod-window**: `duration` (update), `tags.CostCenter` (delete), `tags.Owner` (add)",
                "- create `aws:cloudwatch/metricAlarm:MetricAlarm` **prod-dead-mans-switch**",
                "",
                "</details>",
            ].join("\n"),
        );
        assert.ok(!md.includes("dev: resource diff"), "an environment without changes has no block");
    });

    it("text for a terminal: every change but the creates on its own line, the creates counted", () => {
        const text = driverText({ operation: "preview", environmentsInManifest: 1, environments: [envRun("prod", previewEvents())] });
        assert.deepStrictEqual(text.split("\n").slice(2), [
            "    delete aws:sns/topic:Topic prod-alerts",
            "    replace aws:ssm/maintenanceWindowTask:MaintenanceWindowTask prod-snapshot-task: taskType (update-replace)",
            "    update aws:ssm/maintenanceWindow:MaintenanceWindow prod-window: duration (update), tags.CostCenter (delete), tags.Owner (add)",
            "    create 1 resource(s) (--json lists them)",
        ]);
    });

    it("user text in names is escaped; a backtick cannot end a code span early", () => {
        const odd = `${STACK}::aws:s3/bucket:Bucket::logs_<b>`;
        const [step] = resourceSteps([prelude(), pre("update", odd, { detailedDiff: { "tags.a`b": "update" } })]);
        const md = driverMarkdown({ operation: "preview", environmentsInManifest: 1, environments: [envRun("prod", [prelude()])] });
        assert.ok(!md.includes("<details>"));
        const withOdd = driverMarkdown({
            operation: "preview",
            environmentsInManifest: 1,
            environments: [{ ...envRun("prod", []), steps: [step] }],
        });
        assert.ok(withOdd.includes("- update `aws:s3/bucket:Bucket` **logs\\_&lt;b&gt;**: `tags.a'b` (update)\n"), withOdd);
    });

    it("a comment exactly at the limit is whole; below it, the diff is cut with a note that points at --json", () => {
        const wide = Array.from({ length: 300 }, (_, i) =>
            pre("create", `${STACK}::vss-fleet:index:BackupEnvironment$aws:ec2/tag:Tag::prod-tag-${String(i).padStart(3, "0")}`),
        );
        const run = { operation: "preview" as const, environmentsInManifest: 1, environments: [envRun("prod", [prelude(), ...wide])] };
        const whole = driverMarkdown(run, Infinity);
        assert.strictEqual(driverMarkdown(run, whole.length), whole);
        const cut = driverMarkdown(run, whole.length - 1);
        assert.ok(cut.length <= whole.length - 1);
        assert.ok(cut.startsWith("### vss-fleet preview\n"), "the table is never cut");
        assert.match(cut, /\n- \.\.\. and \d+ more\n\n<\/details>\n\n/);
        assert.ok(
            cut.endsWith("_The resource diff was cut to fit a GitHub comment; `vss-fleet preview --json` has every step (`steps`)._"),
            cut.slice(-200),
        );
        const small = driverMarkdown(run, 4000);
        assert.ok(small.length <= 4000, `${small.length}`);
        assert.strictEqual(small.split("<details>").length, small.split("</details>").length, "every block is closed");
    });

    it("--json carries every step", () => {
        const json = JSON.parse(
            driverJson({ operation: "preview", environmentsInManifest: 1, environments: [envRun("prod", previewEvents())] }, 0),
        ) as { environments: { steps: { op: string; name: string }[] }[] };
        assert.deepStrictEqual(
            json.environments[0].steps.map((s) => `${s.op} ${s.name}`),
            ["delete prod-alerts", "replace prod-snapshot-task", "update prod-window", "create prod-dead-mans-switch"],
        );
    });
});
