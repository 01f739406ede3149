/**
 * The engine's resource diff, from the Automation API's event stream: which resources a preview (or
 * an update) creates, updates, replaces or deletes, and which of their properties change. The driver
 * collects the events (run.ts); these pure functions turn them into data for --json and into the
 * `<details>` block per environment of the pull-request comment.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { escapeMarkdown, type DetailsBlock } from "../output/markdownDetails";

/** One resource the engine changes. */
export interface ResourceStep {
    /** create, update, replace, delete or import. */
    readonly op: string;
    readonly urn: string;
    readonly type: string;
    /** The resource's name: the URN's last segment. */
    readonly name: string;
    /** The properties that change, with the engine's kind (update, add, delete, update-replace, ...). */
    readonly properties: readonly { readonly path: string; readonly kind: string }[];
}

/**
 * Steps that change a resource, most disruptive first. The engine's other steps are left out: `same`
 * and `read` change nothing, `refresh` reads the cloud, and create-replacement, delete-replaced and
 * the like are the parts of a `replace` that is listed itself.
 */
const OPS = ["delete", "replace", "update", "create", "import"] as const;

/**
 * The changes of the last engine command in `events`. An apply runs a preview and then the update,
 * a drift check a refresh and then a preview: each command begins with a prelude event, so what the
 * last one did is what follows the last prelude. Order: by operation (deletes first), then by URN.
 */
export function resourceSteps(events: readonly EngineEvent[]): ResourceStep[] {
    const steps = new Map<string, ResourceStep>();
    for (const event of events) {
        if (event.preludeEvent) {
            steps.clear();
        }
        const step = event.resourcePreEvent?.metadata;
        if (!step || !(OPS as readonly string[]).includes(step.op)) {
            continue;
        }
        const detailed = Object.entries(step.detailedDiff ?? {}).map(([p, d]) => ({ path: p, kind: String(d.diffKind) }));
        const properties = detailed.length > 0 ? detailed : (step.diffs ?? []).map((p) => ({ path: p, kind: "update" }));
        // One entry per resource: a URN with several steps in one command keeps its last.
        steps.set(step.urn, {
            op: step.op,
            urn: step.urn,
            type: step.type,
            name: step.urn.slice(step.urn.lastIndexOf("::") + 2),
            properties: properties.sort((a, b) => a.path.localeCompare(b.path)),
        });
    }
    const rank = (op: string) => (OPS as readonly string[]).indexOf(op);
    return [...steps.values()].sort((a, b) => rank(a.op) - rank(b.op) || a.urn.localeCompare(b.urn));
}

/** "1 to delete, 2 to update, 13 to create", in the steps' order. */
export function stepCounts(steps: readonly ResourceStep[]): string {
    return OPS.map((op) => [op, steps.filter((s) => s.op === op).length] as const)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${n} to ${op}`)
        .join(", ");
}

/**
 * One list item: **update** `aws:ssm/maintenanceWindow:MaintenanceWindow` **prod-window**: `duration` (update).
 * No +/- signs: after the item's own "- " a "+ " or "- " would open a nested list.
 */
export function stepLine(step: ResourceStep): string {
    // Inside a code span nothing is markdown, and a backslash would show: only a backtick must go.
    const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
    const changed = step.properties.map((p) => `${code(p.path)} (${p.kind})`).join(", ");
    return `${step.op} ${code(step.type)} **${escapeMarkdown(step.name)}**${changed ? `: ${changed}` : ""}`;
}

/**
 * For a terminal: every delete, replace, update and import with its properties, one line each; the
 * creates as a count (a first apply creates everything, and `--json` lists it).
 */
export function stepTextLines(steps: readonly ResourceStep[], indent: string): string[] {
    const creates = steps.filter((s) => s.op === "create").length;
    return [
        ...steps
            .filter((s) => s.op !== "create")
            .map((s) => {
                const changed = s.properties.map((p) => `${p.path} (${p.kind})`).join(", ");
                return `${indent}${s.op} ${s.type} ${s.name}${changed ? `: ${changed}` : ""}`;
            }),
        ...(creates > 0 ? [`${indent}create ${creates} resource(s) (--json lists them)`] : []),
    ];
}

/** The environment's `<details>` block of the comment; undefined when nothing changes. */
export function diffBlock(environment: string, steps: readonly ResourceStep[]): DetailsBlock | undefined {
    return steps.length === 0
        ? undefined
        : { title: `${escapeMarkdown(environment)}: resource diff (${stepCounts(steps)})`, items: steps.map(stepLine) };
}
