/**
 * The three statements that let a role make copies of an environment's snapshots and retire them:
 * copy only into snapshots tagged for the environment, tag only inside the copy, delete only what
 * carries both tags. The lifecycle role holds them for copies in its own account, the copy-target role
 * for copies in another account (protectionPolicy.ts, copyTargetPolicy.ts): one rule, written once.
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../core/environment/tags";
import type { Statement } from "./policyDocument";

export interface CopyStatementsInput {
    readonly environment: string;
    readonly fleet: string;
    /** The snapshots ARN pattern of the source region (CopySnapshot authorises the source too). */
    readonly source: string;
    /** The snapshots ARN pattern of each destination region. */
    readonly destinations: readonly string[];
    /** The delete statement's Sid: the two roles name it for where they delete. */
    readonly deleteSid: string;
    /**
     * The source must carry the environment's tags (ec2:ResourceTag): true in the source's own account,
     * where its tags are visible. Without it any snapshot of the source region could be copied into a
     * snapshot tagged for the environment, and then shared with a copy account.
     */
    readonly ownSourceOnly?: boolean;
}

export function copySnapshotStatements(input: CopyStatementsInput): Statement[] {
    const destinations = [...input.destinations];
    const own = { [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: input.environment, [`ec2:ResourceTag/${FLEET_TAG_KEY}`]: input.fleet };
    const requestTags = {
        [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: input.environment,
        [`aws:RequestTag/${FLEET_TAG_KEY}`]: input.fleet,
    };
    const copy: Statement[] = input.ownSourceOnly
        ? [
              {
                  // CopySnapshot authorises the source and the new snapshot: the source (in another region
                  // than every destination) must be the environment's own, the copy tagged for it (below).
                  Sid: "CopyOnlyTheEnvironmentsOwnSnapshots",
                  Effect: "Allow",
                  Action: "ec2:CopySnapshot",
                  Resource: input.source,
                  Condition: { StringEquals: own },
              },
              {
                  Sid: "CopyOnlyIntoEnvironmentTaggedSnapshots",
                  Effect: "Allow",
                  Action: "ec2:CopySnapshot",
                  Resource: destinations.filter((d) => d !== input.source),
                  Condition: { StringEquals: requestTags },
              },
          ]
        : [
              {
                  // CopySnapshot authorises the source and the new snapshot; the request tags apply to both.
                  Sid: "CopyOnlyIntoEnvironmentTaggedSnapshots",
                  Effect: "Allow",
                  Action: "ec2:CopySnapshot",
                  Resource: [input.source, ...destinations.filter((d) => d !== input.source)],
                  Condition: { StringEquals: requestTags },
              },
          ];
    return [
        ...copy,
        {
            Sid: "TagCopiesOnlyWhileCreatingThem",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: destinations,
            Condition: { StringEquals: { "ec2:CreateAction": "CopySnapshot" } },
        },
        { Sid: input.deleteSid, Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: destinations, Condition: { StringEquals: own } },
    ];
}
