/**
 * What the lifecycle function may do: read snapshots and volumes, and delete ONLY snapshots that
 * carry this environment's and this fleet's tags (so a bug or a bad input can never delete anyone
 * else's snapshot).
 */
import { ENVIRONMENT_TAG_KEY, FLEET_TAG_KEY } from "../../spec";
import { policyDocument, snapshotArns, type ArnScope, type PolicyDocument } from "./policyDocument";

export function retentionPolicy(input: ArnScope & { readonly environment: string; readonly fleet: string }): PolicyDocument {
    return policyDocument([
        {
            Sid: "DeleteOnlyThisFleetsEnvironmentSnapshots",
            Effect: "Allow",
            Action: "ec2:DeleteSnapshot",
            Resource: snapshotArns(input),
            Condition: {
                StringEquals: {
                    [`ec2:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: input.environment,
                    [`ec2:ResourceTag/${FLEET_TAG_KEY}`]: input.fleet,
                },
            },
        },
        {
            Sid: "ReadOnlyDescribe",
            Effect: "Allow",
            Action: ["ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeVolumes"],
            Resource: "*",
        },
    ]);
}
