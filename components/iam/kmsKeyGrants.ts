/**
 * Which KMS keys a role may use, from the way the manifest names them. An IAM policy names a key only
 * by its key ARN, so:
 * - a key ARN is granted as is;
 * - a key id is the key ARN in the account and region where it is used (a key id is looked up there);
 * - an alias (name or ARN) cannot be a Resource: the region's keys are granted, but only the ones that
 *   carry that alias (condition kms:ResourceAliases, AWS KMS Developer Guide, "Condition keys for AWS
 *   KMS"; it holds for keys with at most 50 aliases), never every key of the account.
 * Each grant keeps the caller's own condition (KMS only through EC2).
 */
import type { Statement } from "./policyDocument";

/** A key as the manifest names it, and the region it is used in. */
export interface KeyUse {
    readonly key: string;
    readonly region: string;
}

interface Scope {
    readonly partition: string;
    readonly accountId: string;
}

/** The key ARN a key id or key ARN names; undefined for an alias. */
function keyArn(scope: Scope, use: KeyUse): string | undefined {
    if (use.key.startsWith("arn:")) {
        return use.key.includes(":key/") ? use.key : undefined;
    }
    return use.key.startsWith("alias/") ? undefined : `arn:${scope.partition}:kms:${use.region}:${scope.accountId}:key/${use.key}`;
}

/** Where an alias lives and its name (alias/<name>). */
function aliasOf(scope: Scope, use: KeyUse): { region: string; accountId: string; alias: string } {
    const arn = /^arn:[a-z-]+:kms:([a-z0-9-]+):([0-9]{12}):(alias\/.+)$/.exec(use.key);
    return arn ? { region: arn[1], accountId: arn[2], alias: arn[3] } : { region: use.region, accountId: scope.accountId, alias: use.key };
}

/** One statement for the keys named by ARN or id, one for the aliased keys; none when no key is used. */
export function kmsKeyGrants(
    scope: Scope,
    uses: readonly KeyUse[],
    grant: { readonly sid: string; readonly actions: readonly string[]; readonly condition: Statement["Condition"] },
): Statement[] {
    const arns = [...new Set(uses.flatMap((use) => keyArn(scope, use) ?? []))].sort();
    const aliases = uses.filter((use) => keyArn(scope, use) === undefined).map((use) => aliasOf(scope, use));
    const statements: Statement[] = [];
    if (arns.length > 0) {
        statements.push({ Sid: grant.sid, Effect: "Allow", Action: [...grant.actions], Resource: arns, Condition: grant.condition });
    }
    if (aliases.length > 0) {
        const resources = [...new Set(aliases.map((a) => `arn:${scope.partition}:kms:${a.region}:${a.accountId}:key/*`))].sort();
        statements.push({
            Sid: `${grant.sid}ByAlias`,
            Effect: "Allow",
            Action: [...grant.actions],
            Resource: resources,
            Condition: {
                ...grant.condition,
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": [...new Set(aliases.map((a) => a.alias))].sort() },
            },
        });
    }
    return statements;
}
