/**
 * AWS managed policies the stacks attach, as AWS publishes them (IAM console, policy version v3 of
 * AmazonSSMManagedInstanceCore). A fixture, not fetched: the suite must run offline.
 */
import type { PolicyDocument } from "../../components/iam";

export const AMAZON_SSM_MANAGED_INSTANCE_CORE: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "",
            Effect: "Allow",
            Action: [
                "ssm:DescribeAssociation",
                "ssm:GetDeployablePatchSnapshotForInstance",
                "ssm:GetDocument",
                "ssm:DescribeDocument",
                "ssm:GetManifest",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:ListAssociations",
                "ssm:ListInstanceAssociations",
                "ssm:PutInventory",
                "ssm:PutComplianceItems",
                "ssm:PutConfigurePackageResult",
                "ssm:UpdateAssociationStatus",
                "ssm:UpdateInstanceAssociationStatus",
                "ssm:UpdateInstanceInformation",
            ],
            Resource: "*",
        },
        {
            Sid: "",
            Effect: "Allow",
            Action: [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            Resource: "*",
        },
        {
            Sid: "",
            Effect: "Allow",
            Action: [
                "ec2messages:AcknowledgeMessage",
                "ec2messages:DeleteMessage",
                "ec2messages:FailMessage",
                "ec2messages:GetEndpoint",
                "ec2messages:GetMessages",
                "ec2messages:SendReply",
            ],
            Resource: "*",
        },
    ],
};

export const AWS_MANAGED_POLICIES: Record<string, PolicyDocument> = {
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": AMAZON_SSM_MANAGED_INSTANCE_CORE,
};
