/**
 * The organization's guardrail: a service control policy that keeps the tags vss-fleet trusts out of
 * reach of every principal except the fleet's own roles. IAM cannot make a delete depend on how a
 * tag got onto a snapshot, and ordinary ec2:CreateTags (an ops role, a backup tool) could otherwise
 * write `vss-fleet:environment` on a database team's snapshot and hand it to retention. The fleet's
 * roles are recognised by their IAM path (`/vss-fleet/<env>/`), which only administrators and the
 * deploy roles can create roles in, and the deploy roles only with the environment's boundary.
 */
import { METRICS_NAMESPACE } from "../../core/lifecycle/functionConfig";
import { BOUNDARY_PATH } from "../naming";
import { policyDocument, type PolicyDocument } from "./policyDocument";

/** Tags that identify a snapshot set and its state; `vss-fleet:*` covers environment, fleet, engine, instance id, drills. */
export const PROTECTED_TAG_PATTERNS: readonly string[] = ["vss-fleet:*", "AwsVssConfig", "AppConsistent"];

/** Identity tags are written only inside a create call: afterwards only marks and drill stamps change. */
const IDENTITY_TAG_PATTERNS: readonly string[] = [
    "vss-fleet:environment",
    "vss-fleet:fleet",
    "vss-fleet:engine",
    "vss-fleet:instance-id",
    "vss-fleet:shadow-set-id",
    "vss-fleet:drill",
    "AwsVssConfig",
];

/**
 * @param existingInstanceRoles the ARNs of the roles the manifests list under existingInstanceRoleNames:
 * servers running with them snapshot themselves, so they write the snapshot's tags inside their
 * CreateSnapshots call and, with AWS's VSS provider, AppConsistent and Device after it; nothing else.
 */
export interface TargetTagGuard {
    /** Every target tag key of the manifest's environments (their targetTags, or the default key). */
    readonly keys: readonly string[];
    /** Who may write or remove those keys on instances: the environments' deploy roles and named enrollers. */
    readonly enrollers: readonly string[];
}

/**
 * @param targets with the manifest: the target tag keys, which decide which servers the windows run the
 * document on, so that tagging an instance with them (enrolling another team's server) or removing them
 * (silently dropping an enrolled one) is left to the fleet's roles and the principals the manifest names.
 */
export function guardrailPolicy(
    partition: string,
    existingInstanceRoles: readonly string[] = [],
    targets?: TargetTagGuard,
): PolicyDocument {
    const fleetRoles = `arn:${partition}:iam::*:role/vss-fleet/*`;
    const protectedKeys = { "ForAnyValue:StringLike": { "aws:TagKeys": [...PROTECTED_TAG_PATTERNS] } };
    const listed = [...existingInstanceRoles];
    return policyDocument([
        {
            Sid: "OnlyTheFleetsRolesWriteFleetTags",
            Effect: "Deny",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: "*",
            Condition: { ...protectedKeys, ArnNotLike: { "aws:PrincipalArn": listed.length > 0 ? [fleetRoles, ...listed] : fleetRoles } },
        },
        ...(listed.length > 0
            ? [
                  {
                      // The listed roles are not the fleet's: they write protected tags only inside their own
                      // CreateSnapshots call, or the VSS provider's two marks (alone) after it.
                      Sid: "ExistingInstanceRolesTagOnlyTheirSnapshots",
                      Effect: "Deny" as const,
                      Action: "ec2:CreateTags",
                      Resource: "*",
                      Condition: {
                          ...protectedKeys,
                          ArnLike: { "aws:PrincipalArn": listed },
                          StringNotEquals: { "ec2:CreateAction": "CreateSnapshots" },
                          "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["AppConsistent", "Device"] },
                      },
                  },
              ]
            : []),
        ...(targets && targets.keys.length > 0
            ? [
                  {
                      // Outside a create call only: a team launching its own server already tagged enrolls
                      // nothing of anyone else's. ec2:CreateAction is absent on CreateTags/DeleteTags calls.
                      Sid: "OnlyNamedEnrollersWriteTargetTags",
                      Effect: "Deny" as const,
                      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                      Resource: `arn:${partition}:ec2:*:*:instance/*`,
                      Condition: {
                          "ForAnyValue:StringEquals": { "aws:TagKeys": [...targets.keys] },
                          Null: { "ec2:CreateAction": "true" },
                          ArnNotLike: { "aws:PrincipalArn": [fleetRoles, ...targets.enrollers] },
                      },
                  },
              ]
            : []),
        {
            Sid: "NobodyDeletesFleetTags",
            Effect: "Deny",
            Action: "ec2:DeleteTags",
            Resource: "*",
            Condition: protectedKeys,
        },
        {
            // ec2:CreateAction is present only when tags are written by the call that creates the resource.
            Sid: "IdentityTagsOnlyInsideCreateCalls",
            Effect: "Deny",
            Action: "ec2:CreateTags",
            Resource: "*",
            Condition: { "ForAnyValue:StringLike": { "aws:TagKeys": [...IDENTITY_TAG_PATTERNS] }, Null: { "ec2:CreateAction": "true" } },
        },
        {
            // The path is what the rules above trust, so no role enters it without a vss-fleet boundary.
            Sid: "FleetRolesAlwaysCarryAFleetBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: fleetRoles,
            Condition: { ArnNotLike: { "iam:PermissionsBoundary": `arn:${partition}:iam::*:policy${BOUNDARY_PATH}*` } },
        },
        { Sid: "FleetRolesKeepTheirBoundary", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: fleetRoles },
        {
            // A role a deploy role creates may trust anyone (IAM has no key on a trust policy's content):
            // in the organization, only the fleet's own roles assume the fleet's roles (the lifecycle role
            // its copy-target role). AWS services (EC2, SSM, Lambda) are not subject to SCPs.
            Sid: "OnlyFleetRolesAssumeFleetRoles",
            Effect: "Deny",
            Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Resource: fleetRoles,
            Condition: { ArnNotLike: { "aws:PrincipalArn": fleetRoles } },
        },
        {
            // The dead-man alarm trusts any sample of FailedInstances as a verified run, and
            // cloudwatch:PutMetricData on "*" is common (CloudWatchAgentServerPolicy gives it to every
            // instance that runs the agent): without this, any such principal could keep it quiet.
            Sid: "OnlyTheFleetsRolesPublishItsMetrics",
            Effect: "Deny",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: {
                StringLike: { "cloudwatch:namespace": [METRICS_NAMESPACE, `${METRICS_NAMESPACE}/*`] },
                ArnNotLike: { "aws:PrincipalArn": fleetRoles },
            },
        },
    ]);
}
