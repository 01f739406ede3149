/**
 * A point in time from a flag (`--at`): ISO 8601 only, and a calendar date that exists. JavaScript's
 * Date rolls an impossible date over (2026-11-31 becomes 1 December, 25:00 the next day), which would
 * judge or restore as of another time than the one asked for.
 */
import { UserInputError } from "./errors";

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/i;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The instant `text` names; throws one line naming the flag when it is not an ISO 8601 time that exists. */
export function parseInstant(text: string, flag: string): Date {
    const example = "use ISO 8601, for example 2026-11-28T08:00:00Z";
    const m = ISO.exec(text.trim());
    if (!m) {
        throw new UserInputError([`${flag} ${text}: not a time; ${example}`]);
    }
    const [year, month, day, hour, minute, second, , offsetHour, offsetMinute] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    const wrong =
        month < 1 || month > 12
            ? `month ${month} does not exist`
            : day < 1 || day > daysIn(year, month)
              ? `${year}-${String(month).padStart(2, "0")} has no day ${day}`
              : hour > 23 || minute > 59 || second > 59
                ? "the time of day is out of range (00:00:00 to 23:59:59)"
                : offsetHour > 23 || offsetMinute > 59
                  ? "the UTC offset is out of range"
                  : undefined;
    const date = new Date(text.trim().replace(" ", "T"));
    if (wrong || Number.isNaN(date.getTime())) {
        throw new UserInputError([`${flag} ${text}: not a time (${wrong ?? "unreadable"}); ${example}`]);
    }
    return date;
}
