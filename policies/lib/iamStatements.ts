/** IAM policy JSON as the hygiene policies see it: Allow statements with their actions listed. */

export interface AllowStatement {
    readonly sid: string;
    readonly actions: string[];
    readonly resources: string[];
    readonly conditions: Record<string, Record<string, unknown>>;
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/** The Allow statements of a policy given as JSON text or an object; [] for anything unparsable. */
export function allowStatements(policy: unknown): AllowStatement[] {
    let doc: unknown = policy;
    if (typeof policy === "string") {
        try {
            doc = JSON.parse(policy);
        } catch {
            return [];
        }
    }
    const raw = (doc as { Statement?: unknown } | null)?.Statement;
    const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as RawStatement[];
    return statements
        .filter((s) => s?.Effect === "Allow")
        .map((s, i) => ({
            sid: s.Sid ?? `#${i + 1}`,
            actions: list(s.Action),
            resources: list(s.Resource),
            conditions: s.Condition ?? {},
        }));
}

interface RawStatement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Action?: unknown;
    readonly Resource?: unknown;
    readonly Condition?: Record<string, Record<string, unknown>>;
}

/** True when `pattern` (an IAM action, possibly with wildcards) covers `action`. */
export function actionCovers(pattern: string, action: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );
    return regex.test(action);
}

/** The condition keys a statement tests, lower-cased (IAM condition keys are case-insensitive). */
export function conditionKeys(statement: AllowStatement): string[] {
    return Object.values(statement.conditions).flatMap((block) => Object.keys(block ?? {}).map((k) => k.toLowerCase()));
}
