/**
 * SSM maintenance-window schedule grammar: `cron(...)`, `rate(...)` and `at(...)`.
 *
 * Source: "Reference: Cron and rate expressions for Systems Manager" (SSM user guide). Maintenance
 * windows take 6 cron fields (Minutes Hours Day-of-month Month Day-of-week Year) or 7 with a leading
 * Seconds field; one of the two day fields must be `?`; nothing may fire more often than every
 * 5 minutes; `rate(1 hour)` is singular and `rate(5 hours)` plural.
 */

/** One cron field: its name, numeric range, names allowed in place of numbers and extra tokens. */
interface CronField {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
    readonly question?: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const SECONDS: CronField = { name: "seconds", min: 0, max: 59 };
const FIELDS: readonly CronField[] = [
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31, question: true },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day-of-week", min: 1, max: 7, names: DAYS, question: true },
    { name: "year", min: 1970, max: 2199 },
];

/** The shortest interval SSM accepts between two runs of a window. */
export const MIN_INTERVAL_MINUTES = 5;

export type ScheduleKind = "cron" | "rate" | "at";

/** Classifies a schedule expression by its wrapper, without validating it. */
export function scheduleKind(expression: string): ScheduleKind | undefined {
    const match = /^(cron|rate|at)\(/.exec(expression.trim());
    return match ? (match[1] as ScheduleKind) : undefined;
}

/** Returns why `expression` is not a valid maintenance-window schedule, or undefined if it is. */
export function scheduleProblem(expression: string): string | undefined {
    const text = expression.trim();
    const wrapped = /^(cron|rate|at)\((.*)\)$/.exec(text);
    if (!wrapped) {
        return "must be cron(...), rate(...) or at(...), for example cron(0 4 ? * * *)";
    }
    const [, kind, body] = wrapped;
    if (kind === "rate") {
        return rateProblem(body);
    }
    if (kind === "at") {
        return atProblem(body);
    }
    return cronProblem(body);
}

function rateProblem(body: string): string | undefined {
    const match = /^([1-9][0-9]*) (minute|minutes|hour|hours|day|days)$/.exec(body.trim());
    if (!match) {
        return "rate(...) takes a positive whole number and a unit (minutes, hours or days), for example rate(1 day)";
    }
    const value = Number(match[1]);
    const unit = match[2];
    const plural = unit.endsWith("s");
    if (value === 1 && plural) {
        return `rate(1 ${unit}) must use the singular unit: rate(1 ${unit.slice(0, -1)})`;
    }
    if (value > 1 && !plural) {
        return `rate(${value} ${unit}) must use the plural unit: rate(${value} ${unit}s)`;
    }
    if (unit.startsWith("minute") && value < MIN_INTERVAL_MINUTES) {
        return `SSM does not run maintenance windows more often than every ${MIN_INTERVAL_MINUTES} minutes`;
    }
    return undefined;
}

function atProblem(body: string): string | undefined {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
    if (!match) {
        return "at(...) takes a timestamp yyyy-mm-ddThh:mm:ss, for example at(2027-01-31T04:00:00)";
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const roundTrips =
        date.getUTCFullYear() === year &&
        date.getUTCMonth() === month - 1 &&
        date.getUTCDate() === day &&
        date.getUTCHours() === hour &&
        date.getUTCMinutes() === minute &&
        date.getUTCSeconds() === second;
    return roundTrips ? undefined : `at(${body}) is not a real date and time`;
}

function cronProblem(body: string): string | undefined {
    const parts = body.trim().split(/\s+/);
    if (parts.length !== 6 && parts.length !== 7) {
        return (
            `cron(...) for maintenance windows has 6 fields (minutes hours day-of-month month ` +
            `day-of-week year), or 7 with leading seconds; found ${parts.length}`
        );
    }
    const fields = parts.length === 7 ? [SECONDS, ...FIELDS] : FIELDS;
    for (let i = 0; i < parts.length; i++) {
        const problem = fieldProblem(parts[i], fields[i]);
        if (problem) {
            return `cron ${fields[i].name} field '${parts[i]}': ${problem}`;
        }
    }
    const [dayOfMonth, dayOfWeek] = parts.slice(-4, -3).concat(parts.slice(-2, -1));
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
        return "cron needs '?' in exactly one of day-of-month and day-of-week (SSM cannot combine both)";
    }
    const seconds = parts.length === 7 ? parts[0] : "0";
    const minutes = parts[parts.length - 6];
    const hours = parts[parts.length - 5];
    if (firesTooOften(seconds, minutes, hours)) {
        return `SSM does not run maintenance windows more often than every ${MIN_INTERVAL_MINUTES} minutes`;
    }
    return undefined;
}

function fieldProblem(text: string, field: CronField): string | undefined {
    if (text === "?") {
        return field.question ? undefined : "'?' is allowed only in day-of-month and day-of-week";
    }
    if (field.name === "day-of-month" && /^(L|LW|L-([1-9]|[12][0-9]|30)|([1-9]|[12][0-9]|3[01])W)$/.test(text)) {
        return undefined;
    }
    if (field.name === "day-of-week") {
        const special = /^(.+?)(L|#([1-5]))$/.exec(text);
        if (text === "L") {
            return undefined;
        }
        if (special) {
            return valueOf(special[1], field) === undefined ? `'${special[1]}' is not a day of the week` : undefined;
        }
    }
    for (const item of text.split(",")) {
        const problem = itemProblem(item, field);
        if (problem) {
            return problem;
        }
    }
    return undefined;
}

function itemProblem(item: string, field: CronField): string | undefined {
    const [base, step, extra] = item.split("/");
    if (extra !== undefined || base === "") {
        return `'${item}' is not a value, range or increment`;
    }
    if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) {
        return `increment '${step}' must be a positive whole number`;
    }
    if (base === "*") {
        return undefined;
    }
    const bounds = base.split("-");
    if (bounds.length > 2) {
        return `'${base}' is not a value or range`;
    }
    for (const bound of bounds) {
        if (valueOf(bound, field) === undefined) {
            return `'${bound}' is outside ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}`;
        }
    }
    return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    if (named >= 0) {
        return named + field.min;
    }
    if (!/^[0-9]+$/.test(text)) {
        return undefined;
    }
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
}

/** Expands a validated numeric field (`*`, lists, ranges, increments) to the values it selects. */
export function expandField(text: string, min: number, max: number): number[] {
    const selected = new Set<number>();
    for (const item of text.split(",")) {
        const [base, stepText] = item.split("/");
        const step = stepText ? Number(stepText) : 1;
        const [from, upper] = base === "*" ? [min, max] : base.split("-").map(Number);
        // "5" alone is one value, but "5/15" runs from 5 to the end of the range.
        const to = upper ?? (stepText ? max : from);
        for (let value = from; value <= to; value += step) {
            selected.add(value);
        }
    }
    return [...selected].sort((a, b) => a - b);
}

/**
 * True when a cron fires twice within MIN_INTERVAL_MINUTES: several seconds in one minute, or two
 * selected minutes closer than the limit (across the hour boundary too when consecutive hours run).
 */
function firesTooOften(seconds: string, minutes: string, hours: string): boolean {
    if (expandField(seconds, 0, 59).length > 1) {
        return true;
    }
    const selected = expandField(minutes, 0, 59);
    for (let i = 1; i < selected.length; i++) {
        if (selected[i] - selected[i - 1] < MIN_INTERVAL_MINUTES) {
            return true;
        }
    }
    const hourList = expandField(hours, 0, 23);
    const consecutiveHours = hourList.some((h, i) => i > 0 && h - hourList[i - 1] === 1) || hourList.length === 24;
    const wrapGap = 60 - selected[selected.length - 1] + selected[0];
    return consecutiveHours && wrapGap < MIN_INTERVAL_MINUTES;
}
