/**
 * How long an environment's maintenance window can go between two runs. The dead-man's switch
 * (components/lifecycle/alarms.ts) alarms when no verified run arrives within this gap plus a margin,
 * so the gap must be the LONGEST one the schedule allows (Friday to Monday for MON-FRI), never the
 * usual one.
 *
 * Times are read in the schedule's own time zone and daylight saving is ignored: it moves a run by
 * one hour at most, which the alarm's margin absorbs. The cron year field is ignored too (a window
 * that stops in some year has no next run to wait for).
 */
import { expandField, scheduleKind } from "./schedule";

const MINUTES_PER_DAY = 24 * 60;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** The cron day specials (L, W, #) fire at most once a week: a week is a safe lower bound for their gap. */
export const WEEK_HOURS = 7 * 24;
/** Four years from a leap year's first day: every month length and weekday combination, with a week to wrap. */
const SPAN_DAYS = 4 * 365 + 1 + 7;
const SPAN_START = Date.UTC(2028, 0, 1);

/**
 * The longest time between two consecutive runs of a valid SSM schedule, in hours (fractions for
 * minutes). A one-time at(...) schedule has no next run: Infinity. Cron day specials (L, LW, 15W,
 * 6L, 2#1) are not expanded; they fire at most weekly, so WEEK_HOURS is returned as a lower bound.
 */
export function longestGapHours(expression: string): number {
    const text = expression.trim();
    const kind = scheduleKind(text);
    const body = text.slice(text.indexOf("(") + 1, -1).trim();
    if (kind === "at") {
        return Infinity;
    }
    if (kind === "rate") {
        const [count, unit] = body.split(/\s+/);
        const perUnit = unit.startsWith("minute") ? 1 / 60 : unit.startsWith("hour") ? 1 : 24;
        return Number(count) * perUnit;
    }
    return cronGapHours(body);
}

function cronGapHours(body: string): number {
    const parts = body.split(/\s+/);
    // Seven fields lead with seconds; a valid schedule fires on at most one second a minute.
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = parts.length === 7 ? parts.slice(1) : parts;
    // No day name contains L or #; WED contains W, but W is special only in day-of-month.
    if (/[LW]/i.test(dayOfMonth) || /[L#]/i.test(dayOfWeek)) {
        return WEEK_HOURS;
    }
    const times = expandField(hours, 0, 23).flatMap((h) => expandField(minutes, 0, 59).map((m) => h * 60 + m));
    const months = new Set(expandField(named(month, MONTHS, 1), 1, 12));
    const monthDays = dayOfMonth === "?" ? undefined : new Set(expandField(dayOfMonth, 1, 31));
    const weekDays = dayOfWeek === "?" ? undefined : new Set(expandField(named(dayOfWeek, DAYS, 1), 1, 7));
    const runDays: number[] = [];
    for (let day = 0; day < SPAN_DAYS; day++) {
        const date = new Date(SPAN_START + day * MINUTES_PER_DAY * 60_000);
        const matches =
            months.has(date.getUTCMonth() + 1) &&
            (monthDays?.has(date.getUTCDate()) ?? true) &&
            (weekDays?.has(date.getUTCDay() + 1) ?? true);
        if (matches) {
            runDays.push(day);
        }
    }
    let longest = 0;
    for (let i = 1; i < times.length; i++) {
        longest = Math.max(longest, times[i] - times[i - 1]);
    }
    const first = times[0];
    const last = times[times.length - 1];
    for (let i = 1; i < runDays.length; i++) {
        longest = Math.max(longest, (runDays[i] - runDays[i - 1]) * MINUTES_PER_DAY - last + first);
    }
    // At most one run day in four years (a single date): as good as never again.
    return runDays.length <= 1 ? Infinity : longest / 60;
}

/**
 * The furthest back a CloudWatch alarm looks: Period × EvaluationPeriods may not exceed 7 days
 * (604,800 s) for periods of an hour or more, and 1 day below that (PutMetricAlarm, Period).
 */
export const ALARM_LOOKBACK_MAX_HOURS = 7 * 24;

/**
 * Hours without a verified run before the dead-man's switch alarms: the schedule's longest gap, plus
 * the window's duration (the verify task runs after the snapshot task, up to the window's end), plus
 * one hour for the function and the alarm's hourly periods, plus one for a daylight-saving shift.
 * Undefined when that is longer than an alarm can look back (a weekly or rarer schedule, or at(...)).
 */
export function deadManHours(window: { readonly schedule: string; readonly durationHours: number }): number | undefined {
    const hours = Math.ceil(longestGapHours(window.schedule) + window.durationHours + 2);
    return hours <= ALARM_LOOKBACK_MAX_HOURS ? hours : undefined;
}

/** Replaces JAN-DEC or SUN-SAT with their numbers, so expandField can read the field. */
function named(field: string, names: readonly string[], first: number): string {
    return field.replace(/[A-Za-z]{3}/g, (name) => String(names.indexOf(name.toUpperCase()) + first));
}
