/**
 * Schedules that SSM accepts but that never run: `cron(0 4 30 2 ? *)` (30 February), 31 April, a year
 * field wholly in the past. SSM creates the window, which then never opens, and the fleet has no
 * backups while everything looks deployed; refuse them with the reason instead.
 *
 * Read at day granularity from the start of today (UTC): a schedule whose first run is later today
 * or on any later day within RUN_HORIZON_YEARS counts as running. Day specials (L, W, #) occur in
 * every month (a fifth weekday in many), so a month that is selected counts as running for them: this
 * never refuses a schedule that runs.
 */
import { expandField, scheduleKind } from "./schedule";

/**
 * How far ahead a schedule must run at least once. Ten years hold a 29 February in every case (the
 * longest gap between leap days is 8 years, 2096 to 2104), so a leap-day schedule is not refused.
 */
export const RUN_HORIZON_YEARS = 10;

/**
 * SSM's limit on a maintenance window's Schedule: 1-256 characters (AWS Systems Manager API
 * Reference, CreateMaintenanceWindow, Schedule: shape MaintenanceWindowSchedule, min 1, max 256 in
 * botocore's ssm model).
 */
export const SCHEDULE_MAX_LENGTH = 256;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const DAY_MS = 86_400_000;

/** Why a schedule is longer than SSM takes, or undefined. */
export function scheduleLengthProblem(expression: string): string | undefined {
    return expression.length > SCHEDULE_MAX_LENGTH
        ? `SSM takes a schedule of at most ${SCHEDULE_MAX_LENGTH} characters; this one has ${expression.length}: use ranges (1-5) or increments (0/15) instead of long lists`
        : undefined;
}

/**
 * Why a valid cron schedule never runs from `from` on, or undefined. Other kinds always run
 * (rate) or name their one run explicitly (at: a past one is an advisory of the plan).
 */
export function neverRunsProblem(expression: string, from: Date): string | undefined {
    const text = expression.trim();
    if (scheduleKind(text) !== "cron") {
        return undefined;
    }
    const parts = text
        .slice(text.indexOf("(") + 1, -1)
        .trim()
        .split(/\s+/);
    const [dayOfMonth, month, dayOfWeek, year] = (parts.length === 7 ? parts.slice(1) : parts).slice(2);
    const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    const lastYear = from.getUTCFullYear() + RUN_HORIZON_YEARS;
    if (firstRunDay(dayOfMonth, month, dayOfWeek, year, start, lastYear) !== undefined) {
        return undefined;
    }
    return `${text} never runs: no date in the next ${RUN_HORIZON_YEARS} years matches its day-of-month, month, day-of-week and year fields (30 February and 31 April do not exist; a year in the past never comes); correct the day or month`;
}

/** The first matching day at or after `start`, up to the end of `lastYear`; undefined when none. */
function firstRunDay(dayOfMonth: string, month: string, dayOfWeek: string, year: string, start: number, lastYear: number) {
    const months = new Set(expandField(named(month, MONTHS), 1, 12));
    const years = new Set(year === undefined ? [] : expandField(year, 1970, 2199));
    const anyYear = year === undefined || year === "*";
    const special = /[LW#]/i.test(dayOfMonth) || /[L#]/i.test(dayOfWeek);
    const monthDays = dayOfMonth === "?" || special ? undefined : new Set(expandField(dayOfMonth, 1, 31));
    const weekDays = dayOfWeek === "?" || special ? undefined : new Set(expandField(named(dayOfWeek, DAYS), 1, 7));
    for (let day = start; new Date(day).getUTCFullYear() <= lastYear; day += DAY_MS) {
        const date = new Date(day);
        if (
            (anyYear || years.has(date.getUTCFullYear())) &&
            months.has(date.getUTCMonth() + 1) &&
            (monthDays?.has(date.getUTCDate()) ?? true) &&
            (weekDays?.has(date.getUTCDay() + 1) ?? true)
        ) {
            return date;
        }
    }
    return undefined;
}

/** Replaces JAN-DEC or SUN-SAT with their numbers, so expandField can read the field. */
function named(field: string, names: readonly string[]): string {
    return field.replace(/[A-Za-z]{3}/g, (name) => String(names.indexOf(name.toUpperCase()) + 1));
}
