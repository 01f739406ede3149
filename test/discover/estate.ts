/**
 * A brownfield estate for the onboarding tests: 400 Windows servers in 3 accounts, with mixed tags,
 * instance profiles and SSM agent states, written out as the AWS CLI's own JSON (describe-instances,
 * ssm describe-instance-information, iam get-account-authorization-details) plus a manifest.
 * Every count below is a literal the tests assert against; nothing is derived from the code under test.
 *
 * prod  111111111111 us-east-1, Backup=prod, scope Environment=prod        (200 Windows)
 *   100 enrolled: 80 ready, 8 no profile, 6 role without the snapshot permission, 4 not in SSM, 2 ConnectionLost
 *   45 Backup=Prod (value case), 30 backup-policy=daily, 20 untagged, 5 exempt
 * dev   222222222222 eu-west-1, VSS-Snapshot=dev (the default target tag)  (120 Windows)
 *   60 enrolled, 40 vss-snapshot=dev (key case), 20 untagged
 * ops   333333333333 us-west-2, Backup=ops + Tier=infra                    (80 Windows)
 *   40 enrolled, 25 Backup=ops only (Tier missing), 15 "Backup=ops " (trailing space) + Tier=infra
 * Also: 6 Linux servers and 2 terminated Windows ones (ignored), 3 Windows in account 444444444444 (out of scope).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ACCOUNTS = { prod: "111111111111", dev: "222222222222", ops: "333333333333", other: "444444444444" } as const;
const REGIONS = { prod: "us-east-1", dev: "eu-west-1", ops: "us-west-2", other: "us-east-1" } as const;
type Env = keyof typeof ACCOUNTS;

interface Server {
    readonly env: Env;
    readonly id: string;
    readonly name: string;
    readonly tags: Record<string, string>;
    readonly windows?: boolean;
    readonly state?: string;
    /** "good" (can snapshot), "bad" (cannot), "none" (no profile). */
    readonly profile?: "good" | "bad" | "none";
    /** Online, ConnectionLost, or absent from SSM. */
    readonly ssm?: "Online" | "ConnectionLost" | "absent";
}

let serial = 0;
const id = () => `i-0e57a7e${(serial++).toString(16).padStart(10, "0")}`;

function servers(env: Env, count: number, prefix: string, tags: Record<string, string>, extra: Partial<Server> = {}): Server[] {
    return Array.from({ length: count }, (_, i) => ({
        env,
        id: id(),
        name: `${prefix}-${String(i + 1).padStart(3, "0")}`,
        tags,
        ...extra,
    }));
}

export function estateServers(): Server[] {
    serial = 0;
    const prod = { Environment: "prod" };
    return [
        ...servers("prod", 80, "prod-app", { ...prod, Backup: "prod" }),
        ...servers("prod", 8, "prod-noprofile", { ...prod, Backup: "prod" }, { profile: "none" }),
        ...servers("prod", 6, "prod-badrole", { ...prod, Backup: "prod" }, { profile: "bad" }),
        ...servers("prod", 4, "prod-nossm", { ...prod, Backup: "prod" }, { ssm: "absent" }),
        ...servers("prod", 2, "prod-lost", { ...prod, Backup: "prod" }, { ssm: "ConnectionLost" }),
        ...servers("prod", 45, "prod-case", { ...prod, Backup: "Prod" }),
        ...servers("prod", 30, "prod-legacy", { ...prod, "backup-policy": "daily" }),
        ...servers("prod", 20, "prod-bare", { ...prod }),
        ...servers("prod", 5, "prod-exempt", { ...prod }),
        ...servers("prod", 2, "prod-gone", { ...prod }, { state: "terminated" }),
        ...servers("prod", 6, "prod-linux", { ...prod }, { windows: false }),
        ...servers("dev", 60, "dev-app", { "VSS-Snapshot": "dev" }),
        ...servers("dev", 40, "dev-keycase", { "vss-snapshot": "dev" }),
        ...servers("dev", 20, "dev-bare", {}),
        ...servers("ops", 40, "ops-app", { Backup: "ops", Tier: "infra" }),
        ...servers("ops", 25, "ops-half", { Backup: "ops" }),
        ...servers("ops", 15, "ops-space", { Backup: "ops ", Tier: "infra" }),
        ...servers("other", 3, "other", { Backup: "prod" }),
    ];
}

export const EXEMPT_IDS = () => estateServers().filter((s) => s.name.startsWith("prod-exempt"));

export function manifestYaml(extra: Record<Env, string> = { prod: "", dev: "", ops: "", other: "" }): string {
    const exemptions = EXEMPT_IDS()
        .map((s) => `      - { instanceId: ${s.id}, reason: "retired with the old ERP in Q1", expires: "2027-03-31" }`)
        .join("\n");
    return [
        "version: 1",
        "defaults:",
        "  durationHours: 4",
        "  cutoffHours: 1",
        "environments:",
        "  prod:",
        `    region: ${REGIONS.prod}`,
        `    accountId: "${ACCOUNTS.prod}"`,
        "    targetTags: { Backup: prod }",
        "    scope: { tags: { Environment: prod } }",
        "    exemptions:",
        exemptions,
        extra.prod,
        "  dev:",
        `    region: ${REGIONS.dev}`,
        `    accountId: "${ACCOUNTS.dev}"`,
        extra.dev,
        "  ops:",
        `    region: ${REGIONS.ops}`,
        `    accountId: "${ACCOUNTS.ops}"`,
        "    targetTags: { Backup: ops, Tier: infra }",
        extra.ops,
    ]
        .filter((line) => line !== "")
        .join("\n");
}

const profileArn = (env: Env, kind: "good" | "bad") =>
    `arn:aws:iam::${ACCOUNTS[env]}:instance-profile/${kind === "good" ? "app" : "legacy"}`;

function describeInstances(list: readonly Server[], account: string) {
    return {
        Reservations: [
            {
                OwnerId: account,
                Instances: list.map((s) => ({
                    InstanceId: s.id,
                    InstanceType: "m6i.large",
                    Placement: { AvailabilityZone: `${REGIONS[s.env]}a` },
                    ...(s.windows === false ? {} : { Platform: "windows" }),
                    State: { Name: s.state ?? "running" },
                    ...(s.profile === "none"
                        ? {}
                        : { IamInstanceProfile: { Arn: profileArn(s.env, s.profile ?? "good"), Id: "AIPA0000000000000" } }),
                    Tags: Object.entries({ ...s.tags, Name: s.name }).map(([Key, Value]) => ({ Key, Value })),
                })),
            },
        ],
    };
}

function ssmInformation(list: readonly Server[]) {
    return {
        InstanceInformationList: list
            .filter((s) => s.ssm !== "absent" && s.windows !== false)
            .map((s) => ({
                InstanceId: s.id,
                PingStatus: s.ssm ?? "Online",
                LastPingDateTime: s.ssm === "ConnectionLost" ? "2026-11-20T03:00:00.000Z" : "2026-11-28T11:58:00.000Z",
                AgentVersion: "3.3.1142.0",
                PlatformType: "Windows",
            })),
    };
}

function iamDetails(env: Env) {
    const account = ACCOUNTS[env];
    const snapshotPolicy = `arn:aws:iam::${account}:policy/vss-snapshot`;
    return {
        RoleDetailList: [
            {
                RoleName: "app-role",
                InstanceProfileList: [{ Arn: profileArn(env, "good") }],
                RolePolicyList: [],
                AttachedManagedPolicies: [
                    { PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
                    { PolicyArn: snapshotPolicy },
                ],
            },
            {
                RoleName: "legacy-role",
                InstanceProfileList: [{ Arn: profileArn(env, "bad") }],
                RolePolicyList: [
                    {
                        PolicyName: "logs",
                        PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] },
                    },
                ],
                AttachedManagedPolicies: [{ PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }],
            },
        ],
        Policies: [
            {
                Arn: snapshotPolicy,
                PolicyVersionList: [
                    {
                        IsDefaultVersion: true,
                        Document: {
                            Version: "2012-10-17",
                            Statement: [{ Effect: "Allow", Action: ["ec2:CreateSnapshots", "ec2:CreateTags"], Resource: "*" }],
                        },
                    },
                ],
            },
        ],
    };
}

export interface EstateFiles {
    readonly dir: string;
    readonly manifest: string;
    readonly instances: string[];
    readonly ssm: string[];
    readonly iam: string[];
}

/** Writes the estate to a fresh temporary folder: one file per account and command, as an operator would export them. */
export function writeEstate(manifest = manifestYaml()): EstateFiles {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-estate-"));
    const all = estateServers();
    const write = (name: string, value: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(value, null, 2));
        return file;
    };
    const envs = Object.keys(ACCOUNTS) as Env[];
    const manifestFile = path.join(dir, "fleet.yaml");
    fs.writeFileSync(manifestFile, manifest);
    return {
        dir,
        manifest: manifestFile,
        instances: envs.map((env) =>
            write(
                `instances-${env}.json`,
                describeInstances(
                    all.filter((s) => s.env === env),
                    ACCOUNTS[env],
                ),
            ),
        ),
        ssm: envs.filter((e) => e !== "other").map((env) => write(`ssm-${env}.json`, ssmInformation(all.filter((s) => s.env === env)))),
        iam: envs.filter((e) => e !== "other").map((env) => write(`iam-${env}.json`, iamDetails(env))),
    };
}
