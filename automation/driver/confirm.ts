/**
 * The question `vss-fleet apply` and `vss-fleet destroy` ask on a terminal, after an environment's
 * preview (for apply, one that passed the policies) and before its update or destroy: like `pulumi up`
 * and `pulumi destroy`, a person sees what will change first. One question at a time, since
 * environments preview in parallel.
 */
import * as readline from "readline";

export type Confirm = (environment: string, changes: Readonly<Record<string, number>>) => Promise<boolean>;

/** "2 to create, 1 to update" from the engine's change summary (unchanged resources left out). */
export function describeChanges(changes: Readonly<Record<string, number>>): string {
    const parts = Object.entries(changes)
        .filter(([op, n]) => op !== "same" && n > 0)
        .map(([op, n]) => `${n} to ${op}`);
    return parts.join(", ") || "no changes";
}

/**
 * Asks on the terminal; undefined when stdin is not one. The commands refuse before that point when
 * stdin is not a terminal and --yes was not given (see stackOperation), so undefined is never taken
 * as a yes by them.
 */
export function terminalConfirm(
    input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
    output: NodeJS.WritableStream = process.stderr,
    verb: "apply" | "destroy" = "apply",
): Confirm | undefined {
    if (!input.isTTY) {
        return undefined;
    }
    let queue: Promise<unknown> = Promise.resolve();
    return (environment, changes) => {
        const asked = queue.then(
            () =>
                new Promise<boolean>((resolve) => {
                    const rl = readline.createInterface({ input, output });
                    rl.question(
                        verb === "apply"
                            ? `apply ${describeChanges(changes)} to ${environment}? [y/N] `
                            : `destroy ${environment}: ${describeChanges(changes)}? [y/N] `,
                        (answer) => {
                            rl.close();
                            resolve(/^y(es)?$/i.test(answer.trim()));
                        },
                    );
                }),
        );
        queue = asked;
        return asked;
    };
}
