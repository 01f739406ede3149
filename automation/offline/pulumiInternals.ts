/**
 * The one place that leans on @pulumi/pulumi internals (pinned exactly in package.json).
 * `waitForRPCs` drains the queue of pending resource registrations: after a program returns, the
 * mock monitor has seen every resource only once it resolves. It is exported at runtime but marked
 * internal, so its presence is checked rather than assumed.
 */
import * as pulumi from "@pulumi/pulumi";

interface RuntimeInternals {
    waitForRPCs(): Promise<void>;
}

export async function waitForRegistrations(): Promise<void> {
    const runtime = pulumi.runtime as unknown as Partial<RuntimeInternals>;
    if (typeof runtime.waitForRPCs !== "function") {
        throw new Error("this @pulumi/pulumi has no runtime.waitForRPCs; the offline engine needs the pinned version");
    }
    await runtime.waitForRPCs();
}
