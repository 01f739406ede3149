/**
 * An at() schedule runs once, at a wall-clock time in the window's time zone. One already in the
 * past is valid to SSM but will never run: an advisory in the plan, since the operator may mean it
 * (a window kept only for its history).
 */
import { scheduleKind, type EnvironmentSpec } from "../../core/environment";

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(timeZone: string, instant: number): number {
    const parts = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
    }).formatToParts(instant);
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
    return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant an at(yyyy-mm-ddThh:mm:ss) schedule names in `timeZone`; undefined for other kinds. */
export function atInstant(schedule: string, timeZone: string): Date | undefined {
    const match = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(schedule.trim());
    if (scheduleKind(schedule) !== "at" || !match) {
        return undefined;
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    // The offset at the wall time read as UTC is right except within hours of a DST change; one
    // correction with the offset at the first estimate settles it.
    const first = wall - offsetAt(timeZone, wall);
    return new Date(wall - offsetAt(timeZone, first));
}

/** The advisory for an at() schedule at or before `now`, if any. */
export function pastScheduleWarnings(spec: EnvironmentSpec, now: Date): string[] {
    const when = atInstant(spec.schedule, spec.scheduleTimezone);
    return when && when.getTime() <= now.getTime()
        ? [`schedule ${spec.schedule} (${spec.scheduleTimezone}) is in the past (${when.toISOString()}): the window will never run`]
        : [];
}
