/**
 * verify's three outputs. Every instance checked is counted, per environment and in total (ok plus
 * breach is the number of instances, so nothing can drop out unseen); ages stand beside the ISO UTC
 * time of the set they measure. Text and markdown may hide the ok rows (--only-failures) but never
 * their counts; JSON always carries every instance.
 */
import { hasTiers, tiersText } from "../../core/lifecycle/tiers";
import { recycleBinLine } from "../../core/lifecycle/recycleBin";
import { escapeMarkdown, fitDetails, GITHUB_COMMENT_LIMIT, type DetailsBlock } from "../output/markdownDetails";
import type { EnvironmentVerdict, InstanceVerdict } from "./verdicts";

export interface Counts {
    readonly instances: number;
    readonly ok: number;
    readonly breach: number;
    /** Instance rows at the copy destinations (one per instance and destination). */
    readonly copies: { readonly ok: number; readonly breach: number };
}

export interface RenderOptions {
    /** The moment ages are measured from (--at, or now). */
    readonly at: Date;
    readonly environmentsInManifest: number;
    /** Hide ok rows in text and markdown; the counts stay. */
    readonly onlyFailures?: boolean;
    /** The fleet's name the sets were judged for (named when sets of another fleet were found). */
    readonly fleet?: string;
}

export function countsOf(env: EnvironmentVerdict): Counts {
    const breach = env.instances.filter((i) => i.rpoBreached).length;
    const copyRows = (env.copies ?? []).flatMap((c) => c.instances);
    const copyBreach = copyRows.filter((i) => i.rpoBreached).length;
    return {
        instances: env.instances.length,
        ok: env.instances.length - breach,
        breach,
        copies: { ok: copyRows.length - copyBreach, breach: copyBreach },
    };
}

export function totalCounts(verdicts: readonly EnvironmentVerdict[]): Counts {
    return verdicts.map(countsOf).reduce(
        (a, b) => ({
            instances: a.instances + b.instances,
            ok: a.ok + b.ok,
            breach: a.breach + b.breach,
            copies: { ok: a.copies.ok + b.copies.ok, breach: a.copies.breach + b.copies.breach },
        }),
        { instances: 0, ok: 0, breach: 0, copies: { ok: 0, breach: 0 } },
    );
}

/** ISO 8601 UTC to the second: what a person compares with a console or a log. */
export const isoSecond = (iso: string | Date) => (typeof iso === "string" ? iso : iso.toISOString()).replace(/\.\d{3}Z$/, "Z");

const okBreach = (c: { readonly ok: number; readonly breach: number }) => `${c.ok} ok, ${c.breach} breach`;
const hasCopies = (c: Counts) => c.copies.ok + c.copies.breach > 0;

/** "3 instance(s) in 2 environment(s): 2 ok, 1 breach (prod: 2 ok, 0 breach; dev: 0 ok, 1 breach); copied sets: 1 ok, 3 breach" */
export function summaryLine(verdicts: readonly EnvironmentVerdict[]): string {
    const total = totalCounts(verdicts);
    const each = verdicts.map((e) => `${e.name}: ${e.failed ? "failed" : e.notChecked ? "not checked" : okBreach(countsOf(e))}`).join("; ");
    const copies = hasCopies(total) ? `; copied sets: ${okBreach(total.copies)}` : "";
    return `${total.instances} instance(s) in ${verdicts.length} environment(s): ${okBreach(total)} (${each})${copies}`;
}

const label = (i: { readonly instanceId: string; readonly name?: string }) => (i.name ? `${i.instanceId} (${i.name})` : i.instanceId);

function newestText(i: InstanceVerdict): string {
    const set = i.newestGoodSet;
    const newest = set ? `newest good set ${set.ageHours} h old (${isoSecond(set.startTime)})` : "no good set";
    return `${newest}${i.inconsistentSets ? `; ${i.inconsistentSets} bad set(s)` : ""}`;
}

type CopyRow = NonNullable<EnvironmentVerdict["copies"]>[number]["instances"][number];

function copyText(i: CopyRow): string {
    const set = i.newestCompleteSet;
    const newest = set ? `newest complete copied set ${set.ageHours} h old (${isoSecond(set.startTime)})` : "no complete copied set";
    return `${newest}${i.incompleteSets ? `; ${i.incompleteSets} incomplete copied set(s)` : ""}`;
}

const untrustedText = (u: InstanceVerdict["untrustedSets"][number]) =>
    `${u.verdict} set from ${isoSecond(u.startTime)} (never deleted): ${u.reasons.join("; ")}`;

const retentionHead = (r: NonNullable<EnvironmentVerdict["retention"]>) =>
    `retention (${r.days} days, at least ${r.minSets} good sets${hasTiers(r) ? `, tiers ${tiersText(r)}` : ""}): would delete ${r.wouldDelete.length} set(s), ` +
    `${r.wouldDelete.reduce((n, d) => n + d.snapshotIds.length, 0)} snapshot(s)`;

/** "found 3 sets tagged for fleet 'acme', not 'vss-fleet': ..." for each other fleet seen. */
export const otherFleetNotes = (env: EnvironmentVerdict, fleet = "this fleet"): string[] =>
    (env.otherFleets ?? []).map(
        (o) =>
            `found ${o.sets} set(s) tagged for fleet '${o.fleet}', not '${fleet}': they are not judged as this fleet's; ` +
            "the fleet's name is the Pulumi project's (Pulumi.yaml name): check --project-dir",
    );

/** The environments verify read no instance of: "not checked", never counted as OK. */
const unchecked = (verdicts: readonly EnvironmentVerdict[]) =>
    verdicts.filter((e) => e.notChecked !== undefined && e.failed === undefined).map((e) => e.name);
/** The environments an AWS call failed in: never "OK", never "no good set". */
const failedIn = (verdicts: readonly EnvironmentVerdict[]) => verdicts.filter((e) => e.failed !== undefined).map((e) => e.name);

function verdictLines(verdicts: readonly EnvironmentVerdict[]): string[] {
    const total = totalCounts(verdicts);
    const notChecked = unchecked(verdicts);
    return [
        ...(failedIn(verdicts).length > 0
            ? [`FAILED: ${failedIn(verdicts).join(", ")}: an AWS call failed, nothing there was verified.`]
            : []),
        total.breach > 0
            ? `BREACH: ${total.breach} instance(s) without a good set within the RPO.`
            : notChecked.length === 0 && failedIn(verdicts).length > 0
              ? failedIn(verdicts).length < verdicts.length
                  ? "No breach in the environments that were read."
                  : ""
              : notChecked.length === 0
                ? "OK: every enrolled instance has a good set within its RPO."
                : `NOT CHECKED: ${notChecked.join(", ")}: no instance was read there, so nothing was verified${notChecked.length < verdicts.length ? "; the others have a good set within the RPO" : ""}.`,
        ...(total.breach > 0 && notChecked.length > 0 ? [`NOT CHECKED: ${notChecked.join(", ")}: no instance was read there.`] : []),
        ...(total.copies.breach > 0
            ? [`BREACH: ${total.copies.breach} copied instance set(s) missing or older than the destination's RPO.`]
            : []),
    ];
}

const counted = (verdicts: readonly EnvironmentVerdict[], options: RenderOptions) =>
    `${verdicts.length} of ${options.environmentsInManifest} environment(s) of the manifest verified at ${isoSecond(options.at)}`;

export function verifyText(verdicts: readonly EnvironmentVerdict[], options: RenderOptions): string {
    const lines = [`${counted(verdicts, options)}:`];
    const hidden = (n: number, indent: string) => (options.onlyFailures && n > 0 ? [`${indent}(${n} ok not listed: --only-failures)`] : []);
    for (const env of verdicts) {
        const counts = countsOf(env);
        lines.push(`${env.name} (RPO ${env.rpoHours} h): ${env.failed ? `FAILED: ${env.failed}` : (env.notChecked ?? okBreach(counts))}`);
        for (const i of env.instances.filter((v) => v.rpoBreached || !options.onlyFailures)) {
            lines.push(`  ${i.rpoBreached ? "BREACH" : "ok    "} ${label(i)}: ${newestText(i)}`);
            lines.push(...i.newestSetProblems.map((p) => `         newest set: ${p}`));
            lines.push(...i.untrustedSets.map((u) => `         ${untrustedText(u)}`));
        }
        lines.push(...hidden(counts.ok, "  "));
        for (const copy of env.copies ?? []) {
            const breach = copy.instances.filter((i) => i.rpoBreached).length;
            lines.push(`  copies at ${copy.destination} (RPO ${copy.rpoHours} h): ${copy.instances.length - breach} ok, ${breach} breach`);
            for (const i of copy.instances.filter((v) => v.rpoBreached || !options.onlyFailures)) {
                lines.push(`    ${i.rpoBreached ? "BREACH" : "ok    "} ${i.instanceId}: ${copyText(i)}`);
            }
            lines.push(...hidden(copy.instances.length - breach, "    "));
        }
        if (env.copiesNotChecked) {
            lines.push(`  ${env.copiesNotChecked}`);
        }
        lines.push(...otherFleetNotes(env, options.fleet).map((n) => `  ${n}`));
        if (env.untiedSnapshots) {
            lines.push(
                `  ${env.untiedSnapshots.length} snapshot(s) carry this environment's tags and a set id but nothing ties them to an instance ` +
                    `(copies, or snapshots of volumes since deleted); never deleted: ${env.untiedSnapshots.join(", ")}`,
            );
        }
        if (env.retention) {
            const { wouldDelete, withheld } = env.retention;
            lines.push(`  ${retentionHead(env.retention)}`);
            // One push per line: a spread of every deletion overflows the stack past ~100,000 of them.
            for (const d of wouldDelete) {
                lines.push(`    - ${d.instanceId} set of ${d.startTime} (${d.reason}): ${d.snapshotIds.join(", ")}`);
            }
            if (wouldDelete.length > 0) {
                lines.push("    (the function deletes these only if the window's execution history also dates them)");
            }
            for (const w of withheld) {
                lines.push(`    kept, ${w.verdict}: ${w.instanceId} set of ${w.startTime}: ${w.reasons.join("; ")}`);
            }
        }
        if (env.recycleBin) {
            lines.push(recycleBinLine(env.name, env.recycleBin));
        }
    }
    lines.push(`Summary: ${summaryLine(verdicts)}`, ...verdictLines(verdicts).filter((line) => line !== ""));
    return lines.join("\n");
}

/** JSON: every instance, and the counts as data beside them. */
export function verifyJson(verdicts: readonly EnvironmentVerdict[], options: RenderOptions, exitCode: number): string {
    return JSON.stringify({
        ok: exitCode === 0,
        at: options.at.toISOString(),
        ...(options.fleet !== undefined ? { fleet: options.fleet } : {}),
        environmentsInManifest: options.environmentsInManifest,
        counts: totalCounts(verdicts),
        environments: verdicts.map((v) => ({ ...v, counts: countsOf(v) })),
    });
}

/**
 * Markdown for a pull-request or issue comment: the count table always, then `<details>` blocks,
 * every environment's failures before any ok list, so what is cut to fit the comment is the ok rows.
 */
export function verifyMarkdown(verdicts: readonly EnvironmentVerdict[], options: RenderOptions, limit = GITHUB_COMMENT_LIMIT): string {
    const total = totalCounts(verdicts);
    const copies = hasCopies(total);
    const row = (name: string, rpo: string, c: Counts) =>
        `| ${name} | ${rpo} | ${c.instances} | ${c.ok} | ${c.breach} |${copies ? ` ${c.copies.ok} | ${c.copies.breach} |` : ""}`;
    const notes = verdicts.flatMap((env) => [
        ...(env.failed ? [`${env.name}: FAILED: ${env.failed}`] : env.notChecked ? [`${env.name}: ${env.notChecked}`] : []),
        ...otherFleetNotes(env, options.fleet).map((n) => `${env.name}: ${n}`),
        ...(env.copiesNotChecked ? [`${env.name}: ${env.copiesNotChecked}`] : []),
        ...(env.retention ? [`${env.name}: ${retentionHead(env.retention)}`] : []),
        ...(env.recycleBin ? [`${env.name}: ${recycleBinLine(env.name, env.recycleBin).trim()}`] : []),
    ]);
    const head = [
        `### vss-fleet verify: ${failedIn(verdicts).length > 0 ? "FAILED" : total.breach + total.copies.breach > 0 ? "BREACH" : unchecked(verdicts).length > 0 ? "NOT CHECKED" : "OK"}`,
        "",
        `${counted(verdicts, options)}: ${okBreach(total)}${copies ? `; copied sets: ${okBreach(total.copies)}` : ""}.`,
        "",
        `| environment | RPO | instances | ok | breach |${copies ? " copies ok | copies breach |" : ""}`,
        `|---|---:|---:|---:|---:|${copies ? "---:|---:|" : ""}`,
        ...verdicts.map((e) => row(escapeMarkdown(e.name), `${e.rpoHours} h`, countsOf(e))),
        ...(verdicts.length > 1 ? [row("**total**", "", total)] : []),
        ...(notes.length > 0 ? ["", ...notes.map((n) => `- ${escapeMarkdown(n)}`)] : []),
        ...(options.onlyFailures && total.ok + total.copies.ok > 0
            ? ["", "_ok rows not listed (--only-failures); the counts include them._"]
            : []),
    ];
    const instanceItem = (i: InstanceVerdict) =>
        escapeMarkdown(
            [
                `${label(i)}: ${newestText(i)}`,
                ...i.newestSetProblems.map((p) => `newest set: ${p}`),
                ...i.untrustedSets.map(untrustedText),
            ].join("; "),
        );
    const failures: DetailsBlock[] = [];
    const retention: DetailsBlock[] = [];
    const ok: DetailsBlock[] = [];
    for (const env of verdicts) {
        const name = escapeMarkdown(env.name);
        const breached = env.instances.filter((i) => i.rpoBreached);
        const fine = env.instances.filter((i) => !i.rpoBreached);
        if (breached.length > 0) {
            failures.push({ title: `${name}: ${breached.length} breach (RPO ${env.rpoHours} h)`, items: breached.map(instanceItem) });
        }
        if (fine.length > 0 && !options.onlyFailures) {
            ok.push({ title: `${name}: ${fine.length} ok`, items: fine.map(instanceItem) });
        }
        for (const copy of env.copies ?? []) {
            const where = `${name}: copies at ${escapeMarkdown(copy.destination)}`;
            const item = (i: CopyRow) => escapeMarkdown(`${i.instanceId}: ${copyText(i)}`);
            const [bad, good] = [copy.instances.filter((i) => i.rpoBreached), copy.instances.filter((i) => !i.rpoBreached)];
            if (bad.length > 0) {
                failures.push({ title: `${where}: ${bad.length} breach (RPO ${copy.rpoHours} h)`, items: bad.map(item) });
            }
            if (good.length > 0 && !options.onlyFailures) {
                ok.push({ title: `${where}: ${good.length} ok`, items: good.map(item) });
            }
        }
        if (env.retention && env.retention.wouldDelete.length + env.retention.withheld.length > 0) {
            retention.push({
                title: `${name}: ${retentionHead(env.retention)}`,
                items: [
                    ...env.retention.wouldDelete.map(
                        (d) => `${d.instanceId} set of ${d.startTime} (${d.reason}): ${d.snapshotIds.join(", ")}`,
                    ),
                    ...env.retention.withheld.map(
                        (w) => `kept, ${w.verdict}: ${w.instanceId} set of ${w.startTime}: ${w.reasons.join("; ")}`,
                    ),
                ].map(escapeMarkdown),
            });
        }
    }
    return fitDetails(
        head.join("\n"),
        [...failures, ...retention, ...ok],
        "_Lists were cut to fit a GitHub comment; `vss-fleet verify --json` has every instance._",
        limit,
    );
}
