/**
 * The question `vss-fleet apply` asks on a terminal, after an environment's preview passed the
 * policies and before its update: like `pulumi up`, a person sees what will change first. One
 * question at a time, since environments preview in parallel.
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

/** Asks on the terminal; undefined when stdin is not one (a pipeline applies what its policies passed). */
export function terminalConfirm(
    input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
    output: NodeJS.WritableStream = process.stderr,
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
                    rl.question(`apply ${describeChanges(changes)} to ${environment}? [y/N] `, (answer) => {
                        rl.close();
                        resolve(/^y(es)?$/i.test(answer.trim()));
                    });
                }),
        );
        queue = asked;
        return asked;
    };
}
