/**
 * When maintenance windows actually run, in UTC, and which of them run at the same time. Windows of
 * one account and region that run at overlapping times draw on one CreateSnapshots bucket
 * (capacity.ts), whatever their schedule text says: `cron(0 4 * * ? *)` and `cron(0 4 ? * * *)` are
 * the same instant, 04:00 in Berlin is 03:00 in London, and a window 15 minutes after another one
 * still runs beside it for most of its duration.
 *
 * Each window's runs are expanded over a whole reference year (2027, in its own time zone, daylight
 * saving included, so zones whose DST changes on different dates are compared in every week) and
 * each run lasts the window's durationHours. Two windows share when any run of one overlaps any run of
 * the other; sharing is transitive (a group is a connected set), which can only make sizes smaller.
 * What cannot be placed in time is assumed to overlap everything: a rate(...) window (its phase
 * depends on when it was created) and the cron day specials L, W and # (taken as any day).
 */
import type { EnvironmentSpec } from "../../core/environment";
import { expandField, scheduleKind } from "../../core/environment/schedule";
import { atInstant } from "./pastSchedule";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** The reference span, as local calendar days: 2027 with a day either side, so runs near the ends are seen in every zone. */
const SPAN_FROM = Date.UTC(2026, 11, 31) / DAY;
const SPAN_TO = Date.UTC(2028, 0, 2) / DAY;

export type WindowSpec = Pick<EnvironmentSpec, "schedule" | "scheduleTimezone" | "scheduleOffset" | "durationHours">;

export interface Interval {
    readonly start: number;
    readonly end: number;
}

/** A window's runs: intervals in UTC milliseconds, sorted by start; or `anyTime` when they cannot be placed. */
export type Runs = { readonly anyTime: false; readonly intervals: readonly Interval[] } | { readonly anyTime: true; readonly why: string };

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Milliseconds `timeZone` is ahead of UTC at `instant` (memoised per quarter hour, where every zone's offset changes). */
function offsetAt(timeZone: string, instant: number): number {
    const quarter = Math.floor(instant / (15 * MINUTE));
    const key = `${timeZone}|${quarter}`;
    const known = offsets.get(key);
    if (known !== undefined) {
        return known;
    }
    let format = formatters.get(timeZone);
    if (!format) {
        format = new Intl.DateTimeFormat("en-US", {
            timeZone,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
        });
        formatters.set(timeZone, format);
    }
    const at = quarter * 15 * MINUTE;
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, Number(p.value)]));
    const offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - at;
    offsets.set(key, offset);
    return offset;
}

/** The UTC instant of a wall-clock time in `timeZone` (the offset at the first estimate settles DST changes). */
export function wallToUtc(timeZone: string, wall: number): number {
    return wall - offsetAt(timeZone, wall - offsetAt(timeZone, wall));
}

function named(field: string, names: readonly string[]): string {
    return field.replace(/[A-Za-z]{3}/g, (name) => String(names.indexOf(name.toUpperCase()) + 1));
}

/** The runs of a cron window whose local calendar day lies in [fromDay, toDay). */
function cronRuns(body: string, window: WindowSpec, fromDay: number, toDay: number): Interval[] {
    const parts = body.trim().split(/\s+/);
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = parts.length === 7 ? parts.slice(1) : parts;
    const times = expandField(hours, 0, 23).flatMap((h) => expandField(minutes, 0, 59).map((m) => (h * 60 + m) * MINUTE));
    const months = new Set(expandField(named(month, MONTHS), 1, 12));
    // L, W and # pick one day a month or week that this expansion does not compute: any day is the safe superset.
    const monthDays = dayOfMonth === "?" || /[LW]/i.test(dayOfMonth) ? undefined : new Set(expandField(dayOfMonth, 1, 31));
    const weekDays = dayOfWeek === "?" || /[L#]/i.test(dayOfWeek) ? undefined : new Set(expandField(named(dayOfWeek, DAYS), 1, 7));
    const shift = (window.scheduleOffset ?? 0) * DAY;
    const duration = window.durationHours * 3_600_000;
    const out: Interval[] = [];
    for (let day = fromDay; day < toDay; day++) {
        const date = new Date(day * DAY);
        if (
            months.has(date.getUTCMonth() + 1) &&
            (monthDays?.has(date.getUTCDate()) ?? true) &&
            (weekDays?.has(date.getUTCDay() + 1) ?? true)
        ) {
            for (const t of times) {
                const start = wallToUtc(window.scheduleTimezone, day * DAY + t + shift);
                out.push({ start, end: start + duration });
            }
        }
    }
    return out.sort((a, b) => a.start - b.start);
}

const referenceCache = new Map<string, Runs>();

/** A window's runs over the reference year (cached: a fleet's environments share a few schedules). */
export function referenceRuns(window: WindowSpec): Runs {
    const key = windowKey(window);
    let runs = referenceCache.get(key);
    if (!runs) {
        runs = runsBetween(window, SPAN_FROM, SPAN_TO);
        referenceCache.set(key, runs);
    }
    return runs;
}

function runsBetween(window: WindowSpec, fromDay: number, toDay: number): Runs {
    const text = window.schedule.trim();
    switch (scheduleKind(text)) {
        case "rate":
            return { anyTime: true, why: `${text} runs at times that depend on when the window was created` };
        case "at": {
            const at = atInstant(text, window.scheduleTimezone)?.getTime();
            return at === undefined
                ? { anyTime: true, why: `${text} could not be placed in time` }
                : { anyTime: false, intervals: [{ start: at, end: at + window.durationHours * 3_600_000 }] };
        }
        default:
            return { anyTime: false, intervals: cronRuns(text.slice(text.indexOf("(") + 1, -1), window, fromDay, toDay) };
    }
}

/** Whether two sorted interval lists overlap anywhere (touching ends do not). */
export function intervalsOverlap(a: readonly Interval[], b: readonly Interval[]): boolean {
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
        if (a[i].end <= b[j].start) {
            i++;
        } else if (b[j].end <= a[i].start) {
            j++;
        } else {
            return true;
        }
    }
    return false;
}

/** What identifies a window's runs: two specs with the same key run at the same instants. */
export function windowKey(window: WindowSpec): string {
    return [window.schedule.trim(), window.scheduleTimezone, window.scheduleOffset ?? 0, window.durationHours].join("|");
}

/** Whether two windows ever run at the same time. */
export function windowsOverlap(a: WindowSpec, b: WindowSpec): boolean {
    if (windowKey(a) === windowKey(b)) {
        return true;
    }
    const ra = referenceRuns(a);
    const rb = referenceRuns(b);
    if (ra.anyTime || rb.anyTime) {
        return true;
    }
    const aOnce = scheduleKind(a.schedule) === "at";
    const bOnce = scheduleKind(b.schedule) === "at";
    if (aOnce !== bOnce) {
        // A one-time window runs on its own date, not in the reference year: expand the other around it
        // (from a week and the other's duration before, for a scheduleOffset of up to 6 days).
        const [once, other] = aOnce ? [ra.intervals, b] : [rb.intervals, a];
        const from = Math.floor(once[0].start / DAY) - 8 - Math.ceil(other.durationHours / 24);
        const near = runsBetween(other, from, Math.ceil(once[0].end / DAY) + 2);
        return near.anyTime || intervalsOverlap(once, near.intervals);
    }
    return intervalsOverlap(ra.intervals, rb.intervals);
}

/**
 * Groups of environments (indices) that share one CreateSnapshots bucket: the same account and
 * region, and windows that run at overlapping times, directly or through another member.
 */
export function burstGroups(specs: readonly Pick<EnvironmentSpec, "accountId" | "region" | keyof WindowSpec>[]): number[][] {
    const parent = specs.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    const union = (i: number, j: number) => {
        parent[find(i)] = find(j);
    };
    // Compare distinct windows only: a fleet has many environments and few schedules.
    const byPlace = new Map<string, Map<string, number[]>>();
    specs.forEach((spec, i) => {
        const place = `${spec.accountId}|${spec.region}`;
        const windows = byPlace.get(place) ?? new Map<string, number[]>();
        const key = windowKey(spec);
        windows.set(key, [...(windows.get(key) ?? []), i]);
        byPlace.set(place, windows);
    });
    for (const windows of byPlace.values()) {
        const distinct = [...windows.values()];
        for (const members of distinct) {
            members.forEach((i) => union(i, members[0]));
        }
        for (let x = 0; x < distinct.length; x++) {
            for (let y = x + 1; y < distinct.length; y++) {
                if (find(distinct[x][0]) !== find(distinct[y][0]) && windowsOverlap(specs[distinct[x][0]], specs[distinct[y][0]])) {
                    union(distinct[x][0], distinct[y][0]);
                }
            }
        }
    }
    const groups = new Map<number, number[]>();
    specs.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
    return [...groups.values()];
}
