/**
 * windows-instance-enrolled on every launch path besides a plain instance: each path's happy stack,
 * then one field broken per case. The environment selects with two tags, so a launcher carrying one
 * of them is still unenrolled (all, not any).
 */
import * as assert from "assert";
import { UNKNOWN_VALUES, type AnalyzedResource } from "../../automation/offline/policyRuntime";
import { resource, run } from "./harness";

const POLICY = "windows-instance-enrolled";
const WINDOWS_AMI = "ami-0windows0000000001";
const LINUX_AMI = "ami-0linux000000000001";
const TARGET = { Backup: "prod", "VSS-Snapshot": "daily" };
const enrollment = {
    environments: [{ name: "prod", targetTags: TARGET }],
    windowsAmiIds: [WINDOWS_AMI],
    nonWindowsAmiIds: [LINUX_AMI],
    resolveAmis: false,
};
const config = { [POLICY]: enrollment, "windows-instance-can-run-snapshot": enrollment };
const ADD = "Add the tags Backup=prod, VSS-Snapshot=daily (environment prod)";
const HEAD = "Every Windows instance a stack creates carries the target tags of a backup environment, or is exempted.\n";

const T = {
    template: "aws:ec2/launchTemplate:LaunchTemplate",
    config: "aws:ec2/launchConfiguration:LaunchConfiguration",
    group: "aws:autoscaling/group:Group",
    spot: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    tag: "aws:ec2/tag:Tag",
    fleet: "aws:ec2/fleet:Fleet",
    spotFleet: "aws:ec2/spotFleetRequest:SpotFleetRequest",
    instance: "aws:ec2/instance:Instance",
};

const template = (props: Record<string, unknown> = {}, name = "win-lt") =>
    resource(T.template, name, {
        imageId: WINDOWS_AMI,
        tagSpecifications: [
            { resourceType: "instance", tags: { ...TARGET, Name: "win" } },
            { resourceType: "volume", tags: { CostCenter: "42" } },
        ],
        ...props,
    });

async function violations(stack: AnalyzedResource[], cfg: Record<string, unknown> = config) {
    return (await run(POLICY, stack, cfg as never)).violations;
}

async function messages(stack: AnalyzedResource[]) {
    return (await violations(stack)).map((v) => v.message.replace(HEAD, ""));
}

describe("windows-instance-enrolled: a launch template nothing in the stack uses", () => {
    it("passes when its instance tag specification carries every target tag", async () => {
        assert.deepStrictEqual(await violations([template()]), []);
    });

    it("blocks it when the tags sit in a volume tag specification, and says they never reach the instances", async () => {
        const lt = template({ tagSpecifications: [{ resourceType: "volume", tags: TARGET }] });
        const found = await violations([lt]);
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].urn, "urn:pulumi:test::app::aws:ec2/launchTemplate:LaunchTemplate::win-lt");
        assert.strictEqual(found[0].enforcementLevel, "mandatory");
        assert.strictEqual(
            found[0].message,
            HEAD +
                `aws:ec2/launchTemplate:LaunchTemplate win-lt launches Windows instances (its AMI ${WINDOWS_AMI} is listed as Windows) ` +
                `that no backup environment selects. ${ADD} in its tagSpecifications for resourceType instance, ` +
                "or exempt it with a reason and an expiry date. " +
                "The template's own tags, and tag specifications for other resource types, never reach its instances.",
        );
    });

    it("blocks it when the target tags are the template's own tags", async () => {
        const [message] = await messages([template({ tags: TARGET, tagSpecifications: [] })]);
        assert.match(message, /never reach its instances\.$/);
    });

    it("blocks it when one of the two target tags is missing, without a near-miss note", async () => {
        const lt = template({ tagSpecifications: [{ resourceType: "instance", tags: { Backup: "prod" } }] });
        const [message] = await messages([lt]);
        assert.match(message, /or exempt it with a reason and an expiry date\.$/);
    });

    it("blocks it when a value differs in case (Backup=Prod)", async () => {
        const lt = template({ tagSpecifications: [{ resourceType: "instance", tags: { ...TARGET, Backup: "Prod" } }] });
        assert.strictEqual((await violations([lt])).length, 1);
    });

    it("recognises Windows by base64 <powershell> user data when the AMI says nothing", async () => {
        const userData = Buffer.from("<powershell>Rename-Computer web</powershell>").toString("base64");
        const [message] = await messages([template({ imageId: "ami-0unknown00000000001", userData, tagSpecifications: [] })]);
        assert.match(message, /launches Windows instances \(its user data is a <powershell> script\)/);
    });

    it("ignores a Linux template, and one listed in nonWindowsAmiIds despite an OS=Windows instance tag", async () => {
        const linux = template({ imageId: "ami-0unknown00000000001", tagSpecifications: [] }, "linux-lt");
        const listed = template({ imageId: LINUX_AMI, tagSpecifications: [{ resourceType: "instance", tags: { OS: "Windows" } }] });
        assert.deepStrictEqual(await violations([linux, listed]), []);
    });

    it("becomes advisory during preview when the tag specifications are unknown", async () => {
        const found = await violations([template({ tagSpecifications: UNKNOWN_VALUES.string })]);
        assert.deepStrictEqual(
            found.map((v) => v.enforcementLevel),
            ["advisory"],
        );
    });

    it("accepts an exemption by URN", async () => {
        const lt = template({ tagSpecifications: [] });
        const exempt = { [POLICY]: { ...enrollment, exemptions: [{ urn: lt.urn, reason: "golden image build", expires: "2027-03-31" }] } };
        assert.deepStrictEqual(await violations([lt], exempt), []);
    });
});

describe("windows-instance-enrolled: a spot instance request", () => {
    const request = (props: Record<string, unknown> = {}) =>
        resource(T.spot, "batch", { ami: WINDOWS_AMI, instanceType: "m6i.large", spotPrice: "0.10", ...props });
    const tagOn = (target: AnalyzedResource, key: string, value: string) =>
        resource(T.tag, `batch-${key}`, { resourceId: UNKNOWN_VALUES.string, key, value }, { resourceId: [target] });
    const tagged = (target: AnalyzedResource) => Object.entries(TARGET).map(([k, v]) => tagOn(target, k, v));

    it("passes when aws.ec2.Tag resources write every target tag on the instance it starts", async () => {
        const r = request();
        assert.deepStrictEqual(await violations([r, ...tagged(r)]), []);
    });

    it("blocks it when the target tags are only the request's own tags, and says AWS does not copy them", async () => {
        const found = await violations([request({ tags: TARGET })]);
        assert.strictEqual(found.length, 1);
        assert.strictEqual(
            found[0].message,
            HEAD +
                `aws:ec2/spotInstanceRequest:SpotInstanceRequest batch requests a Windows instance (its AMI ${WINDOWS_AMI} is listed as Windows) ` +
                `that no backup environment selects. ${ADD} to the instance it starts, with aws.ec2.Tag resources whose resourceId is ` +
                "the request's spotInstanceId (or launch it as aws.ec2.Instance with instanceMarketOptions instead), " +
                "or exempt it with a reason and an expiry date. AWS does not copy a spot request's own tags to its instance.",
        );
    });

    it("blocks it when only one of the two tags is written", async () => {
        const r = request();
        assert.strictEqual((await violations([r, tagged(r)[0]])).length, 1);
    });

    it("does not count tags written on another resource", async () => {
        const r = request();
        const other = resource(T.instance, "other", { ami: LINUX_AMI });
        assert.strictEqual((await violations([r, other, ...tagged(other)])).length, 1);
    });

    it("recognises Windows by getPasswordData, and ignores a Linux request", async () => {
        const [message] = await messages([request({ ami: "ami-0unknown00000000001", getPasswordData: true })]);
        assert.match(message, /\(it sets getPasswordData, which only Windows instances support\)/);
        assert.deepStrictEqual(await violations([request({ ami: LINUX_AMI })]), []);
    });

    it("takes the AMI from its launch template when it sets none", async () => {
        const lt = template({ tagSpecifications: [] });
        const r = resource(T.spot, "batch", { launchTemplate: { id: UNKNOWN_VALUES.string } }, { launchTemplate: [lt] });
        const found = await violations([lt, r]);
        assert.deepStrictEqual(
            found.map((v) => v.urn),
            [r.urn],
            "the template is used, so only the request is judged",
        );
    });
});

describe("windows-instance-enrolled: an Auto Scaling group with a launch configuration", () => {
    const launchConfig = (props: Record<string, unknown> = {}) =>
        resource(T.config, "win-lc", { imageId: WINDOWS_AMI, instanceType: "m6i.large", ...props });
    const group = (lc: AnalyzedResource, tags: unknown) =>
        resource(
            T.group,
            "win-asg",
            { launchConfiguration: UNKNOWN_VALUES.string, maxSize: 4, minSize: 1, tags },
            { launchConfiguration: [lc] },
        );
    const propagated = (overrides: Record<string, unknown> = {}) =>
        Object.entries(TARGET).map(([key, value]) => ({ key, value, propagateAtLaunch: true, ...(key === "Backup" ? overrides : {}) }));

    it("passes when the group propagates every target tag at launch", async () => {
        const lc = launchConfig();
        assert.deepStrictEqual(await violations([lc, group(lc, propagated())]), []);
    });

    it("blocks it when one target tag has propagateAtLaunch false, and says so", async () => {
        const lc = launchConfig();
        const found = await violations([lc, group(lc, propagated({ propagateAtLaunch: false }))]);
        assert.strictEqual(found.length, 1);
        assert.strictEqual(
            found[0].message,
            HEAD +
                `aws:autoscaling/group:Group win-asg launches Windows instances (launch configuration win-lc: its AMI ${WINDOWS_AMI} is listed as Windows) ` +
                `that no backup environment selects. ${ADD} as group tags with propagateAtLaunch: true (a launch configuration carries no tags), ` +
                "or exempt it with a reason and an expiry date. " +
                "The group sets them with propagateAtLaunch: false, so its instances never get them.",
        );
    });

    it("blocks it when a tag key differs in case (backup)", async () => {
        const lc = launchConfig();
        assert.strictEqual((await violations([lc, group(lc, propagated({ key: "backup" }))])).length, 1);
    });

    it("recognises Windows by userDataBase64, and ignores a Linux launch configuration", async () => {
        const userDataBase64 = Buffer.from("<powershell>Get-Date</powershell>").toString("base64");
        const win = launchConfig({ imageId: "ami-0unknown00000000001", userDataBase64 });
        assert.strictEqual((await violations([win, group(win, [])])).length, 1);
        const linux = launchConfig({ imageId: LINUX_AMI });
        assert.deepStrictEqual(await violations([linux, group(linux, [])]), []);
    });

    it("becomes advisory during preview when the group's tags are unknown, and leaves can-run-snapshot mandatory-clean", async () => {
        const lc = launchConfig();
        const stack = [lc, group(lc, UNKNOWN_VALUES.string)];
        assert.deepStrictEqual(
            (await violations(stack)).map((v) => v.enforcementLevel),
            ["advisory"],
        );
        assert.deepStrictEqual((await run("windows-instance-can-run-snapshot", stack, config)).violations, []);
    });
});

describe("windows-instance-enrolled: an EC2 Fleet and a Spot Fleet request", () => {
    const fleet = (type: string, templates: AnalyzedResource[], props: Record<string, unknown> = {}) =>
        resource(
            type,
            "win-fleet",
            {
                launchTemplateConfigs: templates.map(() => ({ launchTemplateSpecification: { launchTemplateId: UNKNOWN_VALUES.string } })),
                targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 4 },
                ...props,
            },
            { launchTemplateConfigs: templates },
        );

    for (const type of [T.fleet, T.spotFleet]) {
        it(`${type}: passes when its launch template tags instances with every target tag`, async () => {
            const lt = template();
            assert.deepStrictEqual(await violations([lt, fleet(type, [lt])]), []);
        });

        it(`${type}: blocks it when the tags are the fleet's own, naming the template and the near miss`, async () => {
            const lt = template({ tagSpecifications: [] });
            const f = fleet(type, [lt], { tags: TARGET });
            const found = await violations([lt, f]);
            assert.deepStrictEqual(
                found.map((v) => v.urn),
                [f.urn],
                "the template is used by the fleet, so it is not judged alone",
            );
            assert.strictEqual(
                found[0].message,
                HEAD +
                    `${type} win-fleet launches Windows instances (launch template win-lt: its AMI ${WINDOWS_AMI} is listed as Windows) ` +
                    `that no backup environment selects. ${ADD} in launch template win-lt's tagSpecifications for resourceType instance, ` +
                    "or exempt it with a reason and an expiry date. " +
                    "The fleet's own tags stay on the fleet request; instances get tags only from what launches them.",
            );
        });

        it(`${type}: with two templates, blocks only for the untagged Windows one`, async () => {
            const good = template({}, "good-lt");
            const bare = template({ tagSpecifications: [{ resourceType: "instance", tags: { Backup: "prod" } }] }, "bare-lt");
            const [message, ...rest] = await messages([good, bare, fleet(type, [good, bare])]);
            assert.deepStrictEqual(rest, []);
            assert.match(message, /\(launch template bare-lt: /);
        });
    }

    const spotFleet = (specs: unknown) =>
        resource(T.spotFleet, "win-sfr", {
            iamFleetRole: "arn:aws:iam::111111111111:role/fleet",
            targetCapacity: 2,
            launchSpecifications: specs,
        });
    const spec = (overrides: Record<string, unknown> = {}) => ({ ami: WINDOWS_AMI, instanceType: "m6i.large", tags: TARGET, ...overrides });

    it("Spot Fleet: passes launch specifications that carry every target tag", async () => {
        assert.deepStrictEqual(await violations([spotFleet([spec(), spec({ instanceType: "m6i.xlarge" })])]), []);
    });

    it("Spot Fleet: blocks the one launch specification that lacks a tag, by index", async () => {
        const [message, ...rest] = await messages([spotFleet([spec(), spec({ tags: { Backup: "prod" } })])]);
        assert.deepStrictEqual(rest, []);
        assert.match(message, /launches Windows instances \(launchSpecifications\[1\]: its AMI/);
        assert.match(message, / in launchSpecifications\[1\]\.tags, or exempt it/);
    });

    it("Spot Fleet: ignores a Linux launch specification", async () => {
        assert.deepStrictEqual(await violations([spotFleet([spec({ ami: LINUX_AMI, tags: {} })])]), []);
    });

    it("Spot Fleet: becomes advisory during preview when a specification's tags are unknown", async () => {
        const found = await violations([spotFleet([spec({ tags: UNKNOWN_VALUES.string })])]);
        assert.deepStrictEqual(
            found.map((v) => v.enforcementLevel),
            ["advisory"],
        );
    });
});

describe("windows-instance-enrolled: an instance launched from a launch template", () => {
    const instance = (lt: AnalyzedResource, props: Record<string, unknown> = {}) =>
        resource(T.instance, "app-1", { launchTemplate: { id: UNKNOWN_VALUES.string }, ...props }, { launchTemplate: [lt] });

    it("passes when the template's instance tags and the instance's own tags together carry the target", async () => {
        const lt = template({ tagSpecifications: [{ resourceType: "instance", tags: { Backup: "prod" } }] });
        assert.deepStrictEqual(await violations([lt, instance(lt, { tags: { "VSS-Snapshot": "daily" } })]), []);
    });

    it("blocks it (and not the template again) when neither carries them, taking Windows from the template's AMI", async () => {
        const lt = template({ tagSpecifications: [] });
        const found = await violations([lt, instance(lt)]);
        assert.deepStrictEqual(
            found.map((v) => v.message.replace(HEAD, "")),
            [
                `aws:ec2/instance:Instance app-1 is a Windows instance (its AMI ${WINDOWS_AMI} is listed as Windows) that no backup environment selects. ` +
                    `${ADD}, or exempt it with a reason and an expiry date.`,
            ],
        );
    });

    it("lets the instance's own AMI win over the template's", async () => {
        const lt = template({ tagSpecifications: [] });
        assert.deepStrictEqual(await violations([lt, instance(lt, { ami: LINUX_AMI })]), []);
    });
});
