/**
 * notifications.subscriptions, turned into what the stack creates: an SNS subscription per email or
 * HTTPS endpoint, and, for a `topicArn`, no topic at all (alerts go to the existing topic). SNS
 * cannot subscribe one topic to another, so "an existing topic" means using it, not feeding it.
 */
import { createHash } from "node:crypto";

/** One manifest entry: exactly one of the three (the schema checks it). */
export interface Subscription {
    readonly email?: string;
    readonly https?: string;
    readonly topicArn?: string;
}

export interface TopicSubscriptionSpec {
    /**
     * Names the resource: the protocol and a hash of the endpoint, not its position, so removing one
     * entry never replaces (and re-confirms) the others; the hash keeps addresses out of resource names.
     */
    readonly key: string;
    readonly protocol: "email" | "https";
    readonly endpoint: string;
}

/** The existing topic to use instead of creating one, if an entry names one. */
export function existingAlertTopic(subscriptions: readonly Subscription[]): string | undefined {
    return subscriptions.find((s) => s.topicArn !== undefined)?.topicArn;
}

/**
 * The endpoints to subscribe. An email subscription stays "pending confirmation" until someone clicks
 * the link SNS sends; an HTTPS endpoint must confirm the same way (docs/operations.md).
 */
export function alertSubscriptions(subscriptions: readonly Subscription[]): TopicSubscriptionSpec[] {
    const specs = new Map<string, TopicSubscriptionSpec>();
    for (const s of subscriptions) {
        const [protocol, endpoint] = s.email !== undefined ? (["email", s.email] as const) : (["https", s.https] as const);
        if (endpoint !== undefined) {
            const key = `${protocol}-${createHash("sha256").update(endpoint).digest("hex").slice(0, 8)}`;
            specs.set(key, { key, protocol, endpoint }); // the same endpoint twice is one subscription
        }
    }
    return [...specs.values()];
}
