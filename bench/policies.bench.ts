/**
 * Stack policies at fleet scale: 10,000 existing instances in the inventory and 10,000 instances in a
 * stack, checked against 50 environments. Reports time and peak RSS, and the 1,000 -> 10,000 ratio
 * (the policies must stay O(n): the tag-set index means no instance x target scan).
 * Run with `npm run bench`; not a test, so machine load cannot turn CI red.
 */
import { evaluatePolicies, type AnalyzedResource } from "../automation/offline/policyRuntime";
import { vssFleetPolicies } from "../policies/policies";

const ENVIRONMENTS = 50;
const WINDOWS_AMI = "ami-0windows0000000001";

function fleet(instances: number) {
    const environments = Array.from({ length: ENVIRONMENTS }, (_, e) => ({
        name: `env-${e}`,
        targetTags: { Backup: `env-${e}`, Tier: "app" },
    }));
    const stack: AnalyzedResource[] = Array.from({ length: instances }, (_, i) => ({
        type: "aws:ec2/instance:Instance",
        name: `vm-${i}`,
        urn: `urn:pulumi:bench::app::aws:ec2/instance:Instance::vm-${i}`,
        // Every 100th instance is unenrolled, so the policies report as well as match.
        props: {
            ami: WINDOWS_AMI,
            iamInstanceProfile: "vss-profile",
            tags: i % 100 === 0 ? { Name: `vm-${i}` } : { Name: `vm-${i}`, Backup: `env-${i % ENVIRONMENTS}`, Tier: "app" },
        },
    }));
    const inventory = Array.from({ length: instances }, (_, i) => ({
        instanceId: `i-${i.toString(16).padStart(17, "0")}`,
        accountId: "111111111111",
        region: "us-east-1",
        platform: "windows",
        tags: i % 100 === 0 ? { Env: "prod" } : { Env: "prod", Backup: "env-0", Tier: "app" },
    }));
    const config = {
        "windows-instance-enrolled": { environments, windowsAmiIds: [WINDOWS_AMI], resolveAmis: false },
        "windows-instance-can-run-snapshot": { environments, windowsAmiIds: [WINDOWS_AMI], resolveAmis: false },
        "fleet-windows-instances-enrolled": {
            environment: { ...environments[0], accountId: "111111111111", region: "us-east-1", scopeTags: { Env: "prod" } },
            inventory,
        },
    };
    return { stack, config };
}

async function measure(instances: number): Promise<{ ms: number; violations: number }> {
    const { stack, config } = fleet(instances);
    const start = process.hrtime.bigint();
    const result = await evaluatePolicies(vssFleetPolicies({ today: () => new Date("2026-11-28") }), stack, {
        packName: "vss-fleet",
        config,
    });
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, violations: result.violations.length };
}

async function main(): Promise<void> {
    await measure(100); // warm up the JIT
    const small = await measure(1_000);
    const large = await measure(10_000);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(`policy pack, ${ENVIRONMENTS} environments:`);
    console.log(`   1,000 instances (stack + inventory): ${small.ms.toFixed(0)} ms, ${small.violations} violations`);
    console.log(`  10,000 instances (stack + inventory): ${large.ms.toFixed(0)} ms, ${large.violations} violations`);
    console.log(`  ratio 10,000 / 1,000: ${(large.ms / small.ms).toFixed(1)}x (O(n) would be ~10x)`);
    console.log(`  peak RSS: ${peakMb.toFixed(0)} MB`);
}

main();
