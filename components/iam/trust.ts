/** Trust (assume-role) policies: who may wear each role. */
import { policyDocument, type PolicyDocument } from "./policyDocument";

/** EC2 instances only: the role behind the instance profile. */
export function ec2TrustPolicy(): PolicyDocument {
    return policyDocument([
        {
            Sid: "Ec2InstancesAssume",
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
        },
    ]);
}

/**
 * Systems Manager only, and only on behalf of this account (aws:SourceAccount guards against the
 * confused-deputy problem: another account's maintenance window cannot use this role).
 */
export function ssmTrustPolicy(accountId: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "SystemsManagerAssumeForThisAccount",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}
