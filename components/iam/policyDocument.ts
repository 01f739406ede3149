/** Minimal IAM policy JSON types and the ARN helpers every builder uses. */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface Statement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Principal?: Record<string, string | string[]>;
    readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: Statement[];
}

export function policyDocument(statements: readonly Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: [...statements] };
}

/** Where a set of ARNs lives: everything we grant is pinned to one partition, account and region. */
export interface ArnScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

export function arn(scope: ArnScope, service: string, resource: string, options: { account?: boolean } = {}): string {
    const account = options.account === false ? "" : scope.accountId;
    return `arn:${scope.partition}:${service}:${scope.region}:${account}:${resource}`;
}

/** EC2 snapshot ARNs carry no account id (arn:aws:ec2:us-east-1::snapshot/snap-...). */
export function snapshotArns(scope: ArnScope): string {
    return arn(scope, "ec2", "snapshot/*", { account: false });
}

export function instanceArns(scope: ArnScope): string {
    return arn(scope, "ec2", "instance/*");
}

export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}
