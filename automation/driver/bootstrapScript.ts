/**
 * The bootstrap as files an administrator reads and runs: the policy documents of `deploy-policy
 * --bootstrap`, the deploy role's trust, and one bash script of AWS CLI calls that creates (or, run
 * again after an upgrade, updates) the boundary, the deploy policy's parts and the deploy role, and
 * attaches the parts. Nothing is applied here: the administrator runs the script with their own
 * credentials, which the deploy role cannot have (it may not write the boundary's path).
 */
import { writeFileAtomic } from "../io/atomicWrite";
import * as fs from "fs";
import * as path from "path";
import { partitionOf, type EnvironmentSpec } from "../../core/environment";
import type { PolicyDocument } from "../../components/iam";
import { BOUNDARY_PATH } from "../../components/naming";
import { UserInputError } from "../errors";
import type { Bootstrap } from "./bootstrap";

/** The script's file name in the output folder. */
export const SCRIPT_NAME = "bootstrap.sh";

export interface BootstrapFile {
    /** A plain file name inside the output folder. */
    readonly name: string;
    readonly content: string;
    /** The script is executable; the documents are not. */
    readonly executable?: boolean;
}

/** The deploy role the script creates: its name, IAM path and ARN. */
export interface DeployRole {
    readonly name: string;
    readonly path: string;
    readonly arn: string;
}

/** IAM's role name characters (CreateRole's RoleName pattern): also what keeps the name inert in bash. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The deploy role from `--role-name` and the manifest's deployRoleArn: either one, or both when they
 * name the same role. The manifest's ARN also gives the role's path (`role/ci/deploy` is path /ci/).
 */
export function deployRoleOf(spec: EnvironmentSpec, roleName: string | undefined): DeployRole {
    const partition = partitionOf(spec.region);
    const manifestArn = spec.deployRoleArn;
    const fromArn = manifestArn ? /^arn:[\w-]+:iam::\d{12}:role(\/(?:[^/]+\/)*)([^/]+)$/.exec(manifestArn) : null;
    if (manifestArn && !fromArn) {
        throw new UserInputError([`environment '${spec.name}': deployRoleArn ${manifestArn} is not an IAM role ARN`]);
    }
    const name = roleName ?? fromArn?.[2];
    if (name === undefined) {
        throw new UserInputError([
            `environment '${spec.name}': the bootstrap script needs the deploy role's name: give --role-name <name> ` +
                `(e.g. --role-name vss-fleet-deploy-${spec.name}), then set deployRoleArn in the manifest to the ARN it prints`,
        ]);
    }
    if (!ROLE_NAME.test(name)) {
        throw new UserInputError([`--role-name ${JSON.stringify(name)}: an IAM role name is 1 to 64 of letters, digits and +=,.@_-`]);
    }
    if (fromArn && roleName !== undefined && fromArn[2] !== roleName) {
        throw new UserInputError([
            `environment '${spec.name}': --role-name ${roleName} disagrees with the manifest's deployRoleArn ${manifestArn}: ` +
                "give the same role, or leave --role-name out",
        ]);
    }
    const rolePath = fromArn?.[1] ?? "/";
    return { name, path: rolePath, arn: `arn:${partition}:iam::${spec.accountId}:role${rolePath}${name}` };
}

/**
 * Who may assume the deploy role: principals of the environment's own account whose IAM policies allow
 * it (the account as principal delegates the choice to IAM there, e.g. to the pipeline's OIDC role).
 */
function trustPolicy(spec: EnvironmentSpec): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ThisAccountsPrincipalsThatIamAllows",
                Effect: "Allow",
                Principal: { AWS: `arn:${partitionOf(spec.region)}:iam::${spec.accountId}:root` },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

const json = (document: unknown) => JSON.stringify(document, null, 2) + "\n";

/** Single quotes for bash: every value here is already checked inert, this keeps it so if one is not. */
const q = (value: string) => `'${value.replaceAll("'", `'"'"'`)}'`;

/** The files of the bootstrap: one document per policy, the trust, and the script that applies them. */
export function bootstrapFiles(spec: EnvironmentSpec, plan: Bootstrap, role: DeployRole): BootstrapFile[] {
    const trustFile = `${role.name}-trust.json`;
    const policies = [
        { name: plan.boundary.name, arn: plan.boundary.arn, document: plan.boundary.policy },
        ...plan.deployPolicies.map((part) => ({
            name: part.name,
            arn: `arn:${partitionOf(spec.region)}:iam::${spec.accountId}:policy${BOUNDARY_PATH}${part.name}`,
            document: part.document,
        })),
        ...(plan.existingRolesPolicy
            ? [{ name: plan.existingRolesPolicy.name, arn: plan.existingRolesPolicy.arn, document: plan.existingRolesPolicy.policy }]
            : []),
    ];
    const parts = plan.deployPolicies.map((p) => p.name);
    const partPrefix = `vss-fleet-${spec.name}-deploy-`;
    const script = [
        "#!/usr/bin/env bash",
        `# The bootstrap of vss-fleet environment '${spec.name}' in AWS account ${spec.accountId}, written by`,
        `#   vss-fleet deploy-policy <manifest> --env ${spec.name} --bootstrap --role-name ${role.name} --out-dir <this folder>`,
        "# An administrator of that account runs it once before the first deploy, and again after a vss-fleet",
        "# upgrade changes a policy (write the folder again first). It only creates and updates; it deletes",
        "# nothing but old versions of these policies (IAM keeps five) and detaches deploy parts no longer written.",
        "#",
        "#   1. the permissions boundary every role of the environment carries (the deploy role cannot write it)",
        `#   2. the deploy role's policy as ${parts.length} managed ${parts.length === 1 ? "policy" : "policies"} that fit IAM's size limit`,
        ...(plan.existingRolesPolicy ? ["#   2b. the snapshot policy for existingInstanceRoleNames (the stack attaches it)"] : []),
        `#   3. the deploy role ${role.arn}, trusted by this account's principals that IAM allows`,
        "#      (narrow the trust in the -trust.json file, e.g. to the pipeline's role, before running)",
        "#   4. the parts attached to it",
        `# Not here: the tamper watch ${plan.tamperWatch.ruleName}.json, an EventBridge rule for a topic of your own`,
        "# (deploy-policy --bootstrap prints its two calls under tamperWatch.apply; docs/iam.md).",
        "#",
        "# Run it from anywhere with the AWS CLI (v1 or v2) and the administrator's credentials:",
        `#   bash ${SCRIPT_NAME}`,
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        "",
        `account=${q(spec.accountId)}`,
        `role=${q(role.name)}`,
        "",
        "caller=$(aws sts get-caller-identity --query Account --output text)",
        'if [ "$caller" != "$account" ]; then',
        `  echo "these credentials are for account $caller, not $account: use an administrator of $account (AWS_PROFILE, aws sso login)" >&2`,
        "  exit 1",
        "fi",
        "",
        "# create_or_update NAME ARN: the policy from NAME.json; a new default version when it already exists.",
        "create_or_update() {",
        '  if aws iam get-policy --policy-arn "$2" >/dev/null 2>&1; then',
        "    # IAM keeps at most five versions of a policy: make room by deleting the oldest non-default one.",
        "    local old count",
        '    old=$(aws iam list-policy-versions --policy-arn "$2" --output text \\',
        "      --query 'sort_by(Versions[?!IsDefaultVersion], &CreateDate)[].VersionId')",
        '    count=$(wc -w <<<"$old")',
        '    if [ "$count" -ge 4 ]; then',
        '      aws iam delete-policy-version --policy-arn "$2" --version-id "${old%%[[:space:]]*}"',
        "    fi",
        '    aws iam create-policy-version --policy-arn "$2" --policy-document "file://$1.json" --set-as-default >/dev/null',
        '    echo "updated $2"',
        "  else",
        `    aws iam create-policy --path ${BOUNDARY_PATH} --policy-name "$1" --policy-document "file://$1.json" >/dev/null`,
        '    echo "created $2"',
        "  fi",
        "}",
        "",
        ...policies.map((p) => `create_or_update ${q(p.name)} ${q(p.arn)}`),
        "",
        'if aws iam get-role --role-name "$role" >/dev/null 2>&1; then',
        `  aws iam update-assume-role-policy --role-name "$role" --policy-document file://${trustFile}`,
        '  echo "updated the trust of role $role"',
        "else",
        `  aws iam create-role --path ${q(role.path)} --role-name "$role" --assume-role-policy-document file://${trustFile} \\`,
        `    --description ${q(`Deploys vss-fleet environment ${spec.name}`)} >/dev/null`,
        '  echo "created role $role"',
        "fi",
        "",
        "# Deploy parts of an earlier version that this one no longer writes (the policy got smaller).",
        `for arn in $(aws iam list-attached-role-policies --role-name "$role" --output text \\`,
        `    --query "AttachedPolicies[?starts_with(PolicyName, '${partPrefix}')].PolicyArn"); do`,
        '  case "$arn" in',
        ...parts.map((name) => `    */${name}) ;;`),
        '    *) aws iam detach-role-policy --role-name "$role" --policy-arn "$arn" && echo "detached $arn" ;;',
        "  esac",
        "done",
        ...plan.deployPolicies.map((part) => {
            const arn = policies.find((p) => p.name === part.name)?.arn ?? "";
            return `aws iam attach-role-policy --role-name "$role" --policy-arn ${q(arn)}`;
        }),
        `echo "attached ${parts.length} deploy ${parts.length === 1 ? "policy" : "policies"} to $role"`,
        "",
        `echo "done: in the manifest, give environment '${spec.name}' deployRoleArn: ${role.arn}"`,
        "",
    ].join("\n");
    return [
        ...policies.map((p) => ({ name: `${p.name}.json`, content: json(p.document) })),
        // Not applied by the script: its target is a topic of the administrator's own (docs/iam.md).
        { name: `${plan.tamperWatch.ruleName}.json`, content: json(plan.tamperWatch.eventPattern) },
        { name: trustFile, content: json(trustPolicy(spec)) },
        { name: SCRIPT_NAME, content: script, executable: true },
    ];
}

/**
 * Each file whole or not at all: written to a temporary name beside it, flushed, then renamed over the
 * target (a rename within a folder is atomic). A small local helper: the project's shared atomic write
 * may replace it.
 */
/** Writes the files into `dir` (created when missing), replacing earlier ones; returns their paths. */
export function writeBootstrapFiles(dir: string, files: readonly BootstrapFile[]): string[] {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
        throw new UserInputError([`--out-dir ${dir}: exists and is not a folder`]);
    }
    fs.mkdirSync(dir, { recursive: true });
    return files.map((f) => {
        const target = path.join(dir, f.name);
        writeFileAtomic(target, f.content, { mode: f.executable ? 0o755 : 0o644 });
        return target;
    });
}
