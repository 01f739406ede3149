/**
 * Contract for the launch paths: under Pulumi's own policy host (gRPC, as the engine speaks to it),
 * windows-instance-enrolled follows a spot request, a group's launch configuration, fleets and an
 * unused launch template through the property dependencies the engine sends, and agrees with the
 * in-process runner diagnostic for diagnostic.
 */
import * as assert from "assert";
import type { EnforcementLevel } from "@pulumi/policy";
import {
    effectiveConfig,
    evaluatePolicies,
    UNKNOWN_VALUES,
    type AnalyzedResource,
    type PackConfig,
    type Violation,
} from "../../automation/offline/policyRuntime";
import { POLICY_PACK_NAME, vssFleetPolicies } from "../../policies/policies";
import { PolicyHost } from "./policyHost";
import { resource } from "./harness";

const WINDOWS_AMI = "ami-0windows0000000001";
const TARGET = { Backup: "prod", "VSS-Snapshot": "daily" };
const enrollment = { environments: [{ name: "prod", targetTags: TARGET }], windowsAmiIds: [WINDOWS_AMI], resolveAmis: false };
const PREFLIGHT = "fleet-enrolled-instances-snapshot-ready";
const preflight = {
    environment: { name: "prod", targetTags: TARGET, accountId: "111111111111", region: "us-east-1" },
    inventory: [
        {
            instanceId: "i-0000000000000001a",
            accountId: "111111111111",
            region: "us-east-1",
            platform: "windows",
            tags: TARGET,
            instanceProfileArn: "arn:aws:iam::111111111111:instance-profile/app",
            role: { name: "app-role", canSnapshot: false },
            ssm: { registered: false },
        },
    ],
};
const config: PackConfig = {
    "windows-instance-enrolled": enrollment,
    "windows-instance-can-run-snapshot": enrollment,
    [PREFLIGHT]: preflight,
};

const instanceTags = (tags: Record<string, string>) => [{ resourceType: "instance", tags }];
const propagated = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));

/** Each launch path twice: `ok-*` enrolled, `bad-*` with one field broken. */
function launchPaths(): AnalyzedResource[] {
    const okLt = resource("aws:ec2/launchTemplate:LaunchTemplate", "ok-lt", {
        imageId: WINDOWS_AMI,
        tagSpecifications: instanceTags(TARGET),
    });
    const badLt = resource("aws:ec2/launchTemplate:LaunchTemplate", "bad-lt", {
        imageId: WINDOWS_AMI,
        tagSpecifications: [{ resourceType: "volume", tags: TARGET }],
    });
    const fleetLt = resource("aws:ec2/launchTemplate:LaunchTemplate", "fleet-lt", { imageId: WINDOWS_AMI, tagSpecifications: [] });
    const lc = resource("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { imageId: WINDOWS_AMI, instanceType: "m6i.large" });
    const okSpot = resource("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "ok-spot", { ami: WINDOWS_AMI });
    const badSpot = resource("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "bad-spot", { ami: WINDOWS_AMI, tags: TARGET });
    const spotTags = Object.entries(TARGET).map(([key, value]) =>
        resource("aws:ec2/tag:Tag", `ok-spot-${key}`, { resourceId: UNKNOWN_VALUES.string, key, value }, { resourceId: [okSpot] }),
    );
    const group = (name: string, tags: unknown[]) =>
        resource(
            "aws:autoscaling/group:Group",
            name,
            { launchConfiguration: UNKNOWN_VALUES.string, maxSize: 2, minSize: 0, tags },
            { launchConfiguration: [lc] },
        );
    const fleet = (type: string, name: string, lt: AnalyzedResource) =>
        resource(
            type,
            name,
            { launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: UNKNOWN_VALUES.string } }] },
            { launchTemplateConfigs: [lt] },
        );
    const spec = (tags: Record<string, string>) => ({ ami: WINDOWS_AMI, instanceType: "m6i.large", tags });
    return [
        okLt,
        badLt,
        fleetLt,
        lc,
        okSpot,
        badSpot,
        ...spotTags,
        group("ok-asg", propagated(TARGET)),
        group("bad-asg", [...propagated({ Backup: "prod" }), { key: "VSS-Snapshot", value: "daily", propagateAtLaunch: false }]),
        fleet("aws:ec2/fleet:Fleet", "ok-fleet", okLt),
        fleet("aws:ec2/fleet:Fleet", "bad-fleet", fleetLt),
        fleet("aws:ec2/spotFleetRequest:SpotFleetRequest", "bad-sfr-lt", fleetLt),
        resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "sfr", { launchSpecifications: [spec(TARGET), spec({ Backup: "prod" })] }),
    ];
}

const sortKey = (v: Violation) => `${v.policy}|${v.urn ?? ""}|${v.message}`;
const sorted = (list: Violation[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
const name = (urn?: string) => urn?.split("::").pop();
const enrolledPolicy = (list: Violation[]) => list.filter((v) => v.policy === "windows-instance-enrolled");

describe("contract: every launch path, and the preflight, under Pulumi's policy host", function () {
    this.timeout(120_000);
    let host: PolicyHost;

    /** Sends config as the engine does: schema defaults applied, and always a level. */
    function configure(packConfig: PackConfig) {
        const engineConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
        for (const policy of vssFleetPolicies()) {
            const { level, properties } = effectiveConfig(policy, packConfig);
            engineConfig[policy.name] = { enforcementLevel: level ?? policy.enforcementLevel ?? "advisory", properties };
        }
        return host.configure(engineConfig);
    }

    before(async () => {
        host = await PolicyHost.start();
        await configure(config);
    });
    after(() => host?.stop());

    async function both(stack: AnalyzedResource[], packConfig = config) {
        const offline = await evaluatePolicies(
            vssFleetPolicies().filter((p) => "validateStack" in p),
            stack,
            { packName: POLICY_PACK_NAME, packVersion: "0.1.0", config: packConfig },
        );
        return { offline: offline.violations, served: await host.analyzeStack(stack) };
    }

    it("blocks exactly the broken launcher of each path, as the offline runner does", async () => {
        const { offline, served } = await both(launchPaths());
        assert.deepStrictEqual(
            enrolledPolicy(served)
                .map((v) => [name(v.urn), v.enforcementLevel])
                .sort(),
            [
                ["bad-asg", "mandatory"],
                ["bad-fleet", "mandatory"],
                ["bad-lt", "mandatory"],
                ["bad-sfr-lt", "mandatory"],
                ["bad-spot", "mandatory"],
                ["sfr", "mandatory"],
            ],
        );
        assert.match(
            enrolledPolicy(served).find((v) => name(v.urn) === "sfr")?.message ?? "",
            /\(launchSpecifications\[1\]: its AMI ami-0windows0000000001 is listed as Windows\)/,
        );
        assert.deepStrictEqual(sorted(offline), sorted(served));
    });

    it("downgrades to advisory, like the runner, for the whole policy (judging every other launcher first) when a group's tags are unknown at preview", async () => {
        const stack = launchPaths().map((r) => (r.name === "ok-asg" ? { ...r, props: { ...r.props, tags: UNKNOWN_VALUES.string } } : r));
        const { offline, served } = await both(stack);
        const enrolled = enrolledPolicy(served);
        // The launchers that can be judged still are, at their level; the unknown one makes the verdict advisory.
        assert.deepStrictEqual(enrolled.map((v) => [name(v.urn) ?? "(no resource)", v.enforcementLevel]).sort(), [
            ["(no resource)", "advisory"],
            ["bad-asg", "mandatory"],
            ["bad-fleet", "mandatory"],
            ["bad-lt", "mandatory"],
            ["bad-sfr-lt", "mandatory"],
            ["bad-spot", "mandatory"],
            ["sfr", "mandatory"],
        ]);
        assert.match(
            enrolled.find((v) => v.urn === undefined)?.message ?? "",
            /^can't run policy 'windows-instance-enrolled' from policy pack 'vss-fleet@v0\.1\.0' during preview: string value at \.tags/,
        );
        assert.deepStrictEqual(sorted(offline), sorted(served));
    });

    it("reports each preflight gap of an enrolled inventory instance, advisory by default and mandatory when configured", async () => {
        const gaps = (list: Violation[]) => list.filter((v) => v.policy === PREFLIGHT);
        const { offline, served } = await both([]);
        assert.deepStrictEqual(
            gaps(served).map((v) => [v.enforcementLevel, v.message.split("\n")[1].replace(/^.* is enrolled in environment prod but /, "")]),
            [
                [
                    "advisory",
                    "its role app-role lacks the snapshot permission (ec2:CreateSnapshots). Attach the environment's snapshot policy to role app-role, or switch the instance to the environment's instance profile.",
                ],
                [
                    "advisory",
                    "is not managed by SSM: Systems Manager has no record of its agent. Install and start the SSM Agent, give its role AmazonSSMManagedInstanceCore, and let it reach the SSM endpoints.",
                ],
            ],
        );
        assert.deepStrictEqual(sorted(offline), sorted(served));
        const strict = { ...config, [PREFLIGHT]: { ...preflight, enforcementLevel: "mandatory" as const } };
        await configure(strict);
        try {
            const again = await both([], strict);
            assert.deepStrictEqual(
                gaps(again.served).map((v) => v.enforcementLevel),
                ["mandatory", "mandatory"],
            );
            assert.deepStrictEqual(sorted(again.offline), sorted(again.served));
        } finally {
            await configure(config);
        }
    });
});
