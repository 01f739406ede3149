/**
 * IAM's size limits for the deploy role's policy. A managed policy holds 6,144 characters and a role's
 * inline policies 10,240 together (IAM counts neither whitespace nor newlines: reference_iam-quotas);
 * the deploy policy of an environment with its lifecycle is already ~10,000, and every instance the
 * manifest enrolls adds its ARN. So the bootstrap hands the administrator managed policies that each
 * fit, and refuses an environment whose policy would need more than a role can carry.
 */
import { policyDocument, type PolicyDocument, type Statement } from "../../components/iam/policyDocument";
import { UserInputError } from "../errors";

/** Characters a customer managed policy may have, whitespace not counted (IAM and AWS STS quotas). */
export const MANAGED_POLICY_MAX_CHARS = 6_144;
/**
 * Managed policies attached to one role: 10 by default (20 after a quota increase). The deploy policy
 * takes at most 8, so the pipeline's role keeps two for what it needs besides vss-fleet.
 */
export const DEPLOY_POLICY_MAX_PARTS = 8;

/** A policy's size as IAM counts it: its JSON without whitespace outside strings (our JSON has none inside). */
export function policyChars(document: PolicyDocument): number {
    return JSON.stringify(document).length;
}

const EMPTY_CHARS = policyChars(policyDocument([]));

function statementChars(statement: Statement): number {
    return JSON.stringify(statement).length;
}

/**
 * A statement too large for one policy, cut by its resources into statements that each fit: the same
 * action, effect and condition on fewer resources grant, together, exactly what the whole did.
 */
function cutByResources(statement: Statement, limit: number): Statement[] {
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [];
    const room = limit - EMPTY_CHARS;
    if (statementChars(statement) <= room) {
        return [statement];
    }
    if (resources.length < 2) {
        throw new Error(`internal error: IAM statement ${statement.Sid} is larger than a managed policy and cannot be cut`);
    }
    const parts: Statement[] = [];
    let chunk: string[] = [];
    const withResources = (list: string[], n: number): Statement => ({ ...statement, Sid: `${statement.Sid}${n}`, Resource: list });
    for (const resource of resources) {
        const next = [...chunk, resource];
        if (chunk.length > 0 && statementChars(withResources(next, parts.length + 1)) > room) {
            parts.push(withResources(chunk, parts.length + 1));
            chunk = [resource];
        } else {
            chunk = next;
        }
    }
    parts.push(withResources(chunk, parts.length + 1));
    return parts;
}

/**
 * The statements packed into as few documents as fit under `limit` each (first fit, largest first).
 * Every statement lands in exactly one document, whole or cut by its resources; a Deny stays a Deny
 * wherever it lands, since IAM evaluates all the policies of a role together.
 */
export function splitPolicy(document: PolicyDocument, limit = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
    const statements = document.Statement.flatMap((s) => cutByResources(s, limit)).sort((a, b) => statementChars(b) - statementChars(a));
    const bins: { statements: Statement[]; chars: number }[] = [];
    for (const statement of statements) {
        const size = statementChars(statement);
        // A statement after the first in a document brings its comma.
        const bin = bins.find((b) => b.chars + 1 + size <= limit);
        if (bin) {
            bin.statements.push(statement);
            bin.chars += 1 + size;
        } else {
            bins.push({ statements: [statement], chars: EMPTY_CHARS + size });
        }
    }
    return bins.map((b) => policyDocument(b.statements));
}

export interface DeployPolicyPart {
    /** The managed policy's name: `vss-fleet-<env>-deploy-<n>`. */
    readonly name: string;
    readonly document: PolicyDocument;
}

/**
 * The deploy policy as managed policies that fit, or a user error that says how large it is and what
 * to change. `instances` is how many the manifest enrolls: each adds its ARN, so it is usually the cause.
 */
export function deployPolicyParts(environment: string, document: PolicyDocument, instances: number): DeployPolicyPart[] {
    const parts = splitPolicy(document);
    if (parts.length > DEPLOY_POLICY_MAX_PARTS) {
        throw new UserInputError([
            `environment '${environment}': its deploy policy is ${policyChars(document).toLocaleString("en")} characters, ` +
                `${parts.length} managed policies of ${MANAGED_POLICY_MAX_CHARS.toLocaleString("en")}, more than the ` +
                `${DEPLOY_POLICY_MAX_PARTS} a deploy role should carry (a role holds 10 by default). The ${instances} instance(s) ` +
                "its `instances` list enrolls each add their ARN: tag the servers with the target tags outside vss-fleet " +
                "(`vss-fleet discover --write-enrollment` prints the `aws ec2 create-tags` lines) and shorten the list, " +
                "or split the environment",
        ]);
    }
    return parts.map((document, i) => ({ name: `vss-fleet-${environment}-deploy-${i + 1}`, document }));
}
