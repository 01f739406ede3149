/**
 * ISO 8601 times, read strictly: JavaScript's Date rolls an impossible date over (2026-11-31 becomes
 * 1 December, 25:00 the next day) and reads many other shapes; a time in an AWS export or a flag must
 * name an instant that exists.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/i;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The instant, or why `text` is not one. */
export function parseIsoTime(text: string): { date: Date } | { problem: string } {
    const m = ISO.exec(text.trim());
    if (!m) {
        return { problem: "not an ISO 8601 time" };
    }
    const [year, month, day, hour, minute, second, , offsetHour, offsetMinute] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    const problem =
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
    return problem || Number.isNaN(date.getTime()) ? { problem: problem ?? "not an ISO 8601 time" } : { date };
}

export const ISO_EXAMPLE = "2026-11-28T08:00:00Z";
