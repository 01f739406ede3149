/** Exemptions: an instance left out of backups on purpose, with a reason and an end date. */

export interface Exemption {
    readonly instanceId?: string;
    readonly urn?: string;
    /** A regular expression matched against the resource's name. */
    readonly namePattern?: string;
    readonly reason?: string;
    /** YYYY-MM-DD; the exemption ends at the end of this day (UTC). */
    readonly expires?: string;
}

/** Why an exemption is not acceptable (no reason, expired, no subject), or undefined. */
export function exemptionProblem(exemption: Exemption, today: Date): string | undefined {
    const subject = exemption.instanceId ?? exemption.urn ?? exemption.namePattern;
    if (!subject) {
        return "An exemption must name an instanceId, a urn or a namePattern.";
    }
    if (!exemption.reason || exemption.reason.trim() === "") {
        return `The exemption for ${subject} has no reason; say why the instance needs no backup.`;
    }
    const lastDay = exemption.expires && /^\d{4}-\d{2}-\d{2}$/.test(exemption.expires) ? Date.parse(`${exemption.expires}T00:00:00Z`) : NaN;
    if (Number.isNaN(lastDay)) {
        return `The exemption for ${subject} needs an expiry date as YYYY-MM-DD.`;
    }
    // It holds through the whole last day: until the next day begins (23:59:59.999 is still valid).
    if (lastDay + 86_400_000 <= today.getTime()) {
        return `The exemption for ${subject} expired on ${exemption.expires}; renew it or enroll the instance.`;
    }
    return undefined;
}

/** The valid exemption that covers a resource, if any. */
export function findExemption(
    exemptions: readonly Exemption[],
    subject: { instanceId?: string; urn?: string; name?: string },
    today: Date,
): Exemption | undefined {
    return exemptions.find(
        (e) =>
            exemptionProblem(e, today) === undefined &&
            ((e.instanceId !== undefined && e.instanceId === subject.instanceId) ||
                (e.urn !== undefined && e.urn === subject.urn) ||
                (e.namePattern !== undefined && subject.name !== undefined && new RegExp(e.namePattern).test(subject.name))),
    );
}
