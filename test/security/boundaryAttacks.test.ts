/**
 * A deploy role may write any policy into a role it manages, replace the function's code, or create a
 * role in its path with the boundary: either way it holds the whole boundary. So the boundary must be
 * no wider than the roles it caps. Each attack below is played by such a role (an inline "*:*" under
 * the boundary) of `prod` and of `dev`, against the boundary the CLI printed before this change
 * (test/security/before/, captured from `deploy-policy --bootstrap` over fleet.yaml: Allowed) and the
 * one it prints now (Denied). The SCP is left out on purpose: these are the boundary's own claims.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { bootstrap } from "../../automation/driver/bootstrap";
import { BOUNDARY_MAX_CHARACTERS, type PolicyDocument } from "../../components/iam";
import { iamPath } from "../../components/naming";
import { DEFAULT_FLEET } from "../../core/environment";
import type { Decision } from "../iamSimulation";
import { STAR } from "./actors";
import { resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate, type Request } from "./simulate";

interface Env {
    readonly name: string;
    readonly account: string;
    readonly region: string;
}
type Attack = readonly [what: string, after: Decision, request: (e: Env) => Omit<Request, "principal" | "identityPolicies">];

const DATABASE_SERVER = "i-0dddddddddddddddd";
const instance = (e: Env, id = DATABASE_SERVER) => `arn:aws:ec2:${e.region}:${e.account}:instance/${id}`;
const snapshot = (e: Env) => `arn:aws:ec2:${e.region}::snapshot/snap-0123456789abcdef0`;
const volume = (e: Env) => `arn:aws:ec2:${e.region}:${e.account}:volume/vol-0123456789abcdef0`;
/** A snapshot of another environment of the same fleet, in the same account and region. */
const otherEnvironmentsSnapshot = {
    "ec2:ResourceTag/vss-fleet:environment": "other-env",
    "ec2:ResourceTag/vss-fleet:fleet": DEFAULT_FLEET,
};
const databaseSnapshot = { "ec2:ResourceTag/team": "database" };

const ATTACKS: readonly Attack[] = [
    // Run Command: the deploy role writes the document, so sending it anywhere is code as SYSTEM anywhere.
    [
        "sends the environment's document to a database server no environment targets",
        "ImplicitlyDenied",
        (e) => ({ action: "ssm:SendCommand", resource: instance(e), context: {} }),
    ],
    [
        "sends the environment's document to a server another environment targets",
        "ImplicitlyDenied",
        (e) => ({ action: "ssm:SendCommand", resource: instance(e), context: { "ssm:resourceTag/Backup": "other-env" } }),
    ],
    [
        "sends the environment's document to a server carrying only some of its target tags",
        "ImplicitlyDenied",
        (e) => ({
            action: "ssm:SendCommand",
            resource: instance(e),
            context: e.name === "prod" ? { "ssm:resourceTag/Backup": "prod" } : { "ssm:resourceTag/VSS-Snapshot": "dev-old" },
        }),
    ],
    // Instance-scoped EC2 actions: only an instance's own credentials, on itself.
    [
        "reads a database server's user data (DescribeInstanceAttribute)",
        "ImplicitlyDenied",
        (e) => ({ action: "ec2:DescribeInstanceAttribute", resource: instance(e), context: {} }),
    ],
    [
        "snapshots a database server's disks (CreateSnapshots on its instance)",
        "ImplicitlyDenied",
        (e) => ({ action: "ec2:CreateSnapshots", resource: instance(e), context: {} }),
    ],
    [
        "snapshots a database server from that server's role ARN claimed as its own (SourceInstanceARN of another instance)",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateSnapshots",
            resource: instance(e),
            context: { "ec2:SourceInstanceARN": instance(e, "i-0eeeeeeeeeeeeeeee") },
        }),
    ],
    // Tags: only inside a create call, or the stamps on the environment's own snapshots.
    [
        "marks another environment's snapshot AppConsistent=true",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateTags",
            resource: snapshot(e),
            context: { ...otherEnvironmentsSnapshot, "aws:TagKeys": ["AppConsistent"], "aws:RequestTag/AppConsistent": "true" },
        }),
    ],
    [
        "forges its environment's tags onto a database team's snapshot (retention would then delete it)",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateTags",
            resource: snapshot(e),
            context: {
                ...databaseSnapshot,
                "aws:TagKeys": ["vss-fleet:environment", "vss-fleet:fleet"],
                "aws:RequestTag/vss-fleet:environment": e.name,
                "aws:RequestTag/vss-fleet:fleet": DEFAULT_FLEET,
            },
        }),
    ],
    [
        "forges a window-execution provenance tag onto another environment's snapshot",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateTags",
            resource: snapshot(e),
            context: { ...otherEnvironmentsSnapshot, "aws:TagKeys": ["vss-fleet:window-execution"] },
        }),
    ],
    [
        "stamps a passed drill onto another environment's snapshot",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateTags",
            resource: snapshot(e),
            context: {
                ...otherEnvironmentsSnapshot,
                "aws:TagKeys": ["vss-fleet:drill-result"],
                "aws:RequestTag/vss-fleet:drill-result": "passed",
            },
        }),
    ],
    [
        "rewrites another team's DLM target tag on a database snapshot",
        "ImplicitlyDenied",
        (e) => ({ action: "ec2:CreateTags", resource: snapshot(e), context: { ...databaseSnapshot, "aws:TagKeys": ["dlm-schedule"] } }),
    ],
    [
        "tags a database team's volume as a drill volume (a drill would then delete it)",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateTags",
            resource: volume(e),
            context: { "aws:TagKeys": ["vss-fleet:drill"], "aws:RequestTag/vss-fleet:drill": e.name },
        }),
    ],
    [
        "rewrites another team's DLM target tag on a database volume",
        "ImplicitlyDenied",
        (e) => ({ action: "ec2:CreateTags", resource: volume(e), context: { "aws:TagKeys": ["dlm-schedule"] } }),
    ],
    // Data out of the account's other stores.
    [
        "writes into another bucket of the account",
        "ImplicitlyDenied",
        (e) => ({
            action: "s3:PutObject",
            resource: "arn:aws:s3:::finance-reports/2026/q4.csv",
            context: { "s3:ResourceAccount": e.account },
        }),
    ],
    [
        "writes into the output bucket outside the configured prefix (or into any bucket without logging to S3)",
        "ImplicitlyDenied",
        (e) => ({
            action: "s3:PutObject",
            resource: "arn:aws:s3:::example-prod-ssm-output/other-team/report.json",
            context: { "s3:ResourceAccount": e.account },
        }),
    ],
    [
        "reads another bucket's encryption configuration",
        "ImplicitlyDenied",
        (e) => ({
            action: "s3:GetEncryptionConfiguration",
            resource: "arn:aws:s3:::finance-reports",
            context: { "s3:ResourceAccount": e.account },
        }),
    ],
    [
        "writes forged entries into another team's log group",
        "ImplicitlyDenied",
        (e) => ({
            action: "logs:PutLogEvents",
            resource: `arn:aws:logs:${e.region}:${e.account}:log-group:/aws/lambda/payments:log-stream:x`,
            context: {},
        }),
    ],
    [
        "creates a log group of its choosing",
        "ImplicitlyDenied",
        (e) => ({ action: "logs:CreateLogGroup", resource: `arn:aws:logs:${e.region}:${e.account}:log-group:exfil`, context: {} }),
    ],
    [
        "writes into another environment's lifecycle log group",
        "ImplicitlyDenied",
        (e) => ({
            action: "logs:PutLogEvents",
            resource: `arn:aws:logs:${e.region}:${e.account}:log-group:/vss-fleet/other-env/lifecycle:log-stream:x`,
            context: {},
        }),
    ],
    // Alerts.
    [
        "publishes to another team's topic in the account",
        "ImplicitlyDenied",
        (e) => ({ action: "sns:Publish", resource: `arn:aws:sns:${e.region}:${e.account}:payments-oncall`, context: {} }),
    ],
    [
        "publishes a false all-clear to another environment's alert topic",
        "ImplicitlyDenied",
        (e) => ({
            action: "sns:Publish",
            resource: `arn:aws:sns:${e.region}:${e.account}:other-env-lifecycle-alerts-0a1b2c3`,
            context: {},
        }),
    ],
    [
        "publishes to a topic in another region of the account",
        "ImplicitlyDenied",
        (e) => ({ action: "sns:Publish", resource: `arn:aws:sns:ap-southeast-2:${e.account}:ops`, context: {} }),
    ],
    // Parameters: AmazonSSMManagedInstanceCore grants them on "*"; the boundary does not.
    [
        "reads the database team's password parameter",
        "ImplicitlyDenied",
        (e) => ({ action: "ssm:GetParameter", resource: `arn:aws:ssm:${e.region}:${e.account}:parameter/database/password`, context: {} }),
    ],
    [
        "reads another environment's parameters",
        "ImplicitlyDenied",
        (e) => ({
            action: "ssm:GetParameters",
            resource: `arn:aws:ssm:${e.region}:${e.account}:parameter/vss-fleet/other-env/secret`,
            context: {},
        }),
    ],
    [
        "reads a Secrets Manager secret through its parameter-store reference",
        "ImplicitlyDenied",
        (e) => ({
            action: "ssm:GetParameter",
            resource: `arn:aws:ssm:${e.region}:${e.account}:parameter/aws/reference/secretsmanager/database-password`,
            context: {},
        }),
    ],
    // Drill volumes: as the manifest sizes them, not a bill.
    [
        "creates a 16 TiB io2 'drill' volume at 64000 IOPS",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateVolume",
            resource: volume(e),
            context: {
                "aws:RequestTag/vss-fleet:drill": e.name,
                "ec2:VolumeType": "io2",
                "ec2:VolumeSize": "16384",
                "ec2:VolumeIops": "64000",
            },
        }),
    ],
    [
        "creates a gp3 'drill' volume at 16000 IOPS and 1000 MiB/s",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateVolume",
            resource: volume(e),
            context: {
                "aws:RequestTag/vss-fleet:drill": e.name,
                "ec2:VolumeType": "gp3",
                "ec2:VolumeSize": "100",
                "ec2:VolumeIops": "16000",
                "ec2:VolumeThroughput": "1000",
            },
        }),
    ],
    [
        "creates a 64 TiB sc1 'drill' volume",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateVolume",
            resource: volume(e),
            context: { "aws:RequestTag/vss-fleet:drill": e.name, "ec2:VolumeType": "sc1", "ec2:VolumeSize": "65536" },
        }),
    ],
    [
        "snapshots one of its own environment's servers from outside that server (the disks can then be shared away)",
        "ImplicitlyDenied",
        (e) => ({
            action: "ec2:CreateSnapshots",
            resource: instance(e, "i-0aaaaaaaaaaaaaaaa"),
            context: { "ec2:ResourceTag/Backup": e.name },
        }),
    ],
];

const ENVIRONMENTS = ["prod", "dev"] as const;
const BEFORE = path.join(__dirname, "before");

describe("the boundary is no wider than the roles it caps (a deploy role holding the whole boundary)", function () {
    this.timeout(120_000);
    let fleet: Map<string, ResolvedEnvironment>;
    const now = new Map<string, PolicyDocument>();
    const old = new Map<string, PolicyDocument>();
    before(async () => {
        fleet = await resolvedFleet();
        for (const name of ENVIRONMENTS) {
            const env = fleet.get(name) as ResolvedEnvironment;
            now.set(name, bootstrap(env.spec, DEFAULT_FLEET, env.instances).boundary.policy);
            old.set(name, JSON.parse(fs.readFileSync(path.join(BEFORE, `boundary-${name}.json`), "utf8")) as PolicyDocument);
        }
    });

    it("fits every environment's boundary into one managed policy (6,144 characters), the largest (prod: copies, lock, archive) included", () => {
        for (const env of fleet.values()) {
            const size = JSON.stringify(bootstrap(env.spec, DEFAULT_FLEET, env.instances).boundary.policy).length;
            assert.ok(size <= BOUNDARY_MAX_CHARACTERS, `${env.spec.name}: ${size}`);
        }
    });

    for (const name of ENVIRONMENTS) {
        describe(`deploy-${name}, through a role it made in its path with the boundary and an inline *:*`, () => {
            for (const [what, after, request] of ATTACKS) {
                it(`${what}: Allowed before, ${after} now`, async () => {
                    const env = fleet.get(name) as ResolvedEnvironment;
                    const e: Env = { name, account: env.spec.accountId, region: env.spec.region };
                    const holder = (boundary: PolicyDocument): Request => ({
                        principal: `arn:aws:iam::${e.account}:role${iamPath(name)}${name}-backdoor`,
                        identityPolicies: [{ name: "backdoor", policy: STAR }],
                        boundary,
                        ...request(e),
                    });
                    assert.strictEqual(await simulate(holder(old.get(name) as PolicyDocument)), "Allowed", "before");
                    assert.strictEqual(await simulate(holder(now.get(name) as PolicyDocument)), after, "now");
                });
            }
        });
    }
});
