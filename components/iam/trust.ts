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
 * One AWS service only, and only on behalf of this account (aws:SourceAccount guards against the
 * confused-deputy problem: another account's use of the service cannot wear this role).
 */
function serviceTrustPolicy(service: string, sid: string, accountId: string): PolicyDocument {
    return policyDocument([
        {
            Sid: sid,
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

/** Systems Manager: another account's maintenance window cannot use this role. */
export function ssmTrustPolicy(accountId: string): PolicyDocument {
    return serviceTrustPolicy("ssm.amazonaws.com", "SystemsManagerAssumeForThisAccount", accountId);
}

/** Lambda: the lifecycle function's role. */
export function lambdaTrustPolicy(accountId: string): PolicyDocument {
    return serviceTrustPolicy("lambda.amazonaws.com", "LambdaAssumeForThisAccount", accountId);
}
