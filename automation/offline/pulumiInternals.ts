/**
 * The one place that leans on @pulumi/pulumi internals (pinned exactly in package.json).
 * `waitForRPCs` drains the queue of pending resource registrations: after a program returns, the
 * mock monitor has seen every resource only once it resolves. It is exported at runtime but marked
 * internal, so its presence is checked rather than assumed. `withoutDebugBookkeeping` switches off
 * two stack captures an offline plan never reads.
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

interface DebuggableModule {
    debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
}

let bookkeepingOff = 0;
let restore: (() => void) | undefined;

interface MessagePrototype {
    toString(): string;
}

/**
 * Runs `run` without three pieces of Pulumi's bookkeeping that only a real deployment reads: each
 * resource captures the whole call stack for its source position (Resource.callsites, with an
 * unlimited stack depth); each internal promise captures another stack for the leak report printed
 * at exit; and each registration formats the monitor's whole protobuf response into a debug-log
 * string (jspb.Message#toString) before the logger decides to drop it. An offline plan reads none of
 * them, and on a 200-environment fleet they were a third of its CPU. All are restored when the last
 * concurrent run ends, so a real program in the same process (an Automation API inline program)
 * keeps them. Internals that are missing are left alone.
 */
export async function withoutDebugBookkeeping<T>(run: () => Promise<T>): Promise<T> {
    if (bookkeepingOff++ === 0) {
        const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, not in the package's typings
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Partial<DebuggableModule>;
        // The protobuf runtime @pulumi/pulumi itself loads, wherever npm placed it.
        const protobufPath = require.resolve("google-protobuf", { paths: [require.resolve("@pulumi/pulumi")] });
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance Pulumi's messages use
        const message = (require(protobufPath) as { Message?: { prototype: MessagePrototype } }).Message?.prototype;
        const callsites = resource.callsites;
        const debuggablePromise = debuggable.debuggablePromise;
        const toString = message?.toString;
        if (typeof callsites === "function") {
            resource.callsites = () => [];
        }
        if (typeof debuggablePromise === "function") {
            debuggable.debuggablePromise = (promise) => promise;
        }
        if (message && typeof toString === "function") {
            message.toString = () => "[protobuf message]";
        }
        restore = () => {
            resource.callsites = callsites;
            debuggable.debuggablePromise = debuggablePromise;
            if (message && toString) {
                message.toString = toString;
            }
        };
    }
    try {
        return await run();
    } finally {
        if (--bookkeepingOff === 0) {
            restore?.();
            restore = undefined;
        }
    }
}
