/** A point in time from a flag (`--at`): ISO 8601 only, and a calendar date that exists. */
import { ISO_EXAMPLE, parseIsoTime } from "../core/lifecycle/isoTime";
import { UserInputError } from "./errors";

/** The instant `text` names; throws one line naming the flag when it is not an ISO 8601 time that exists. */
export function parseInstant(text: string, flag: string): Date {
    const parsed = parseIsoTime(text);
    if ("problem" in parsed) {
        throw new UserInputError([`${flag} ${text}: not a time (${parsed.problem}); use ISO 8601, for example ${ISO_EXAMPLE}`]);
    }
    return parsed.date;
}
