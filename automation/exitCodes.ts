/**
 * Every exit code of vss-fleet, in one place: the commands return these, and the CLI's help prints
 * this table. User errors print their problems (never a stack trace) and nothing is applied.
 */
export const EXIT = { ok: 0, violations: 1, invalidInput: 2, drift: 3 } as const;

export const EXIT_CODES: readonly { readonly code: number; readonly meaning: string }[] = [
    { code: EXIT.ok, meaning: "ok (advisories allowed)" },
    {
        code: EXIT.violations,
        meaning: "a mandatory violation, a failed environment, an RPO breach, an environment verify could not check, or a failed AWS call",
    },
    { code: EXIT.invalidInput, meaning: "invalid input: the manifest, an inventory file, a flag, or no Pulumi CLI" },
    { code: EXIT.drift, meaning: "drift found (and nothing worse)" },
];

/** The table as the help text shows it. */
export function exitCodeHelp(): string {
    return ["Exit codes:", ...EXIT_CODES.map((e) => `  ${e.code}  ${e.meaning}`)].join("\n");
}
