/**
 * The least-privilege policy for the role that deploys an environment (the pipeline's role, or the
 * environment's deployRoleArn): exactly what `pulumi up` and `destroy` of a vss-fleet stack need, for
 * this environment's resources only. IAM resources are found by the environment's IAM path
 * (deployIam.ts); the others by the names Pulumi gives them (`<env>-<part>` plus a random suffix), and
 * by the vss-fleet:environment tag where AWS assigns the id (maintenance windows, Recycle Bin rules).
 */
import { policyDocument, type ArnScope, type PolicyDocument, type Statement } from "../../components/iam";
import { arn } from "../../components/iam/policyDocument";
import { childName } from "../../components/naming";
import { ENVIRONMENT_TAG_KEY, lifecycleEnabled, partitionOf, type EnvironmentSpec } from "../../core/environment";
import { deployIamStatements } from "./deployIam";
import { deployLifecycleStatements, logGroupStatement } from "./deployLifecycle";

/**
 * @param instances the existing instances the manifest enrolls (its `instances`): the only ones whose
 * tags the role may write. Without the list, a deploy role could enroll any instance of the account
 * into a window that runs the document it also controls.
 */
export function deployPolicy(spec: EnvironmentSpec, instances: readonly string[]): PolicyDocument {
    const scope: ArnScope = { partition: partitionOf(spec.region), region: spec.region, accountId: spec.accountId };
    const env = spec.name;
    const lifecycle = lifecycleEnabled(spec);
    const statements: Statement[] = [
        ...deployIamStatements(scope, env, lifecycle, spec.existingInstanceRoleNames),
        ...documentStatements(scope, env),
        ...windowStatements(scope, env),
        ...(instances.length > 0 ? enrollmentStatements(scope, spec.targetTags, instances) : []),
        {
            // Reads that take no resource-level permissions: the provider's refresh, the inventory,
            // the policy pack's AMI lookup, the driver's account guard, and the agents SSM knows
            // (discover --live and the driver's preflight; DescribeInstanceInformation is
            // wildcard-only in the service authorization reference), and the account's roles and
            // customer managed policies, from which discover --live judges each server's role
            // (GetAccountAuthorizationDetails: read-only, wildcard-only; it shows policies, no secrets).
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:DescribeInstances",
                "ec2:DescribeImages",
                "ec2:DescribeTags",
                "ssm:DescribeMaintenanceWindows",
                "ssm:DescribeInstanceInformation",
                "iam:GetAccountAuthorizationDetails",
                "sts:GetCallerIdentity",
                ...(lifecycle ? ["logs:DescribeLogGroups"] : []),
            ],
            Resource: "*",
        },
        ...(spec.logging?.cloudWatchLogGroupName
            ? [logGroupStatement(scope, "TheOutputLogGroup", spec.logging.cloudWatchLogGroupName)]
            : []),
        ...recycleBinStatements(scope, env),
        ...(lifecycle ? deployLifecycleStatements(scope, env, spec.notifications?.subscriptions ?? []) : []),
    ];
    return policyDocument(statements);
}

/** The snapshot document, by its name ("<env>-snapshot-document" plus Pulumi's suffix). */
function documentStatements(scope: ArnScope, env: string): Statement[] {
    return [
        {
            Sid: "ManageTheEnvironmentsDocument",
            Effect: "Allow",
            Action: [
                "ssm:CreateDocument",
                "ssm:UpdateDocument",
                "ssm:DeleteDocument",
                "ssm:DescribeDocument",
                "ssm:GetDocument",
                "ssm:DescribeDocumentPermission",
                "ssm:UpdateDocumentDefaultVersion",
                "ssm:AddTagsToResource",
                "ssm:RemoveTagsFromResource",
                "ssm:ListTagsForResource",
            ],
            Resource: arn(scope, "ssm", `document/${childName(env, "snapshot-document")}*`),
        },
    ];
}

/**
 * Maintenance windows get their ids from AWS, so the environment tag is what ties one to the
 * environment: a new window must carry it, every later call needs it already on the window, and the
 * role can neither stamp it onto someone else's window nor take it off its own.
 */
function windowStatements(scope: ArnScope, env: string): Statement[] {
    const windows = arn(scope, "ssm", "maintenancewindow/*");
    const ownWindow = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env } };
    return [
        {
            // CreateMaintenanceWindow takes no resource type (only "*").
            Sid: "CreateWindowsTaggedForTheEnvironment",
            Effect: "Allow",
            Action: "ssm:CreateMaintenanceWindow",
            Resource: "*",
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "RetagOnlyTheEnvironmentsWindows",
            Effect: "Allow",
            Action: "ssm:AddTagsToResource",
            Resource: windows,
            Condition: { ...ownWindow, StringEqualsIfExists: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "UntagOnlyTheEnvironmentsWindowsAndNeverTheEnvironmentTag",
            Effect: "Allow",
            Action: "ssm:RemoveTagsFromResource",
            Resource: windows,
            Condition: {
                ...ownWindow,
                "ForAllValues:StringNotEquals": { "aws:TagKeys": [ENVIRONMENT_TAG_KEY] },
                Null: { "aws:TagKeys": "false" },
            },
        },
        {
            Sid: "ManageTheEnvironmentsWindows",
            Effect: "Allow",
            Action: [
                "ssm:GetMaintenanceWindow",
                "ssm:UpdateMaintenanceWindow",
                "ssm:DeleteMaintenanceWindow",
                "ssm:RegisterTargetWithMaintenanceWindow",
                "ssm:UpdateMaintenanceWindowTarget",
                "ssm:DeregisterTargetFromMaintenanceWindow",
                "ssm:RegisterTaskWithMaintenanceWindow",
                "ssm:UpdateMaintenanceWindowTask",
                "ssm:GetMaintenanceWindowTask",
                "ssm:DeregisterTaskFromMaintenanceWindow",
                "ssm:DescribeMaintenanceWindowTargets",
                "ssm:DescribeMaintenanceWindowTasks",
                "ssm:ListTagsForResource",
            ],
            Resource: windows,
            Condition: ownWindow,
        },
    ];
}

/**
 * Enrollment writes and removes only the environment's target tags, only on the instances the
 * manifest lists: each key only with
 * its own value, and DeleteTags only naming keys (DeleteTags without keys removes every tag, and
 * ForAllValues over an empty set is true, so "keys given" must be said separately).
 */
function enrollmentStatements(scope: ArnScope, targetTags: Readonly<Record<string, string>>, instanceIds: readonly string[]): Statement[] {
    const instances = instanceIds.map((id) => arn(scope, "ec2", `instance/${id}`));
    const keys = Object.keys(targetTags);
    const values = Object.fromEntries(Object.entries(targetTags).map(([key, value]) => [`aws:RequestTag/${key}`, value]));
    return [
        {
            Sid: "WriteOnlyTheTargetTagsWithTheirValues",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: instances,
            Condition: {
                "ForAllValues:StringEquals": { "aws:TagKeys": keys },
                Null: { "aws:TagKeys": "false" },
                StringEqualsIfExists: values,
            },
        },
        {
            Sid: "RemoveOnlyTheTargetTagsByKey",
            Effect: "Allow",
            Action: "ec2:DeleteTags",
            Resource: instances,
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": keys }, Null: { "aws:TagKeys": "false" } },
        },
    ];
}

/**
 * The environment's Recycle Bin retention rule, the safety net under every snapshot delete. Rules
 * get ids from AWS, so the environment tag ties one to the environment, as for windows: the role can
 * create a rule only tagged for it and read and retag only rules that already are; never tag a
 * foreign rule (that would hand it another team's net) nor untag its own. It never updates, deletes
 * or unlocks a rule: with new function code that would let every snapshot go for good, so the stack
 * keeps the rule on destroy and ignores a later recycleBinDays, which an administrator applies
 * (`deploy-policy --bootstrap` prints the calls). Only EBS snapshot rules.
 */
export function recycleBinStatements(scope: ArnScope, env: string): Statement[] {
    const rules = arn(scope, "rbin", "rule/*");
    const ownRule = { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env, "rbin:Attribute/ResourceType": "EBS_SNAPSHOT" };
    return [
        {
            Sid: "CreateRecycleBinRulesTaggedForTheEnvironment",
            Effect: "Allow",
            Action: "rbin:CreateRule",
            Resource: rules,
            Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env, "rbin:Request/ResourceType": "EBS_SNAPSHOT" } },
        },
        {
            Sid: "ReadTheEnvironmentsRecycleBinRule",
            Effect: "Allow",
            Action: ["rbin:GetRule", "rbin:ListTagsForResource"],
            Resource: rules,
            Condition: { StringEquals: ownRule },
        },
        {
            Sid: "RetagTheEnvironmentsRecycleBinRule",
            Effect: "Allow",
            Action: "rbin:TagResource",
            Resource: rules,
            Condition: { StringEquals: ownRule, StringEqualsIfExists: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env } },
        },
        {
            Sid: "UntagTheEnvironmentsRecycleBinRuleButNeverItsEnvironmentTag",
            Effect: "Allow",
            Action: "rbin:UntagResource",
            Resource: rules,
            Condition: {
                StringEquals: ownRule,
                "ForAllValues:StringNotEquals": { "aws:TagKeys": [ENVIRONMENT_TAG_KEY] },
                Null: { "aws:TagKeys": "false" },
            },
        },
        {
            // The provider lists rules on import and refresh; ListRules takes no resource.
            Sid: "ListEbsSnapshotRecycleBinRules",
            Effect: "Allow",
            Action: "rbin:ListRules",
            Resource: "*",
            Condition: { StringEquals: { "rbin:Request/ResourceType": "EBS_SNAPSHOT" } },
        },
    ];
}
