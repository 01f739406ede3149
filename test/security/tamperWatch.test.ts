/**
 * The deploy role must be able to change its alarms and its window (it deploys them), so IAM cannot
 * stop it silencing them: the administrator's bootstrap carries an EventBridge rule on those CloudTrail
 * events instead. These scenarios show the deploy role keeps the powers the rule watches, could delete a
 * rule of its own stack's naming, and cannot touch the administrator's rule.
 */
import * as assert from "assert";
import { bootstrap } from "../../automation/driver/bootstrap";
import { tamperWatchRuleName } from "../../automation/driver/tamperWatch";
import { DEFAULT_FLEET } from "../../core/environment";
import { lifecycleAlarmPrefix } from "../../core/lifecycle/functionConfig";
import { resolvedFleet, type ResolvedEnvironment } from "./resolvedFleet";
import { simulate } from "./simulate";

describe("the administrator's tamper watch over alarms and window (IAM simulation)", function () {
    this.timeout(60_000);
    let fleet: Map<string, ResolvedEnvironment>;
    before(async () => {
        fleet = await resolvedFleet();
    });
    const deployer = (name: string, action: string, resource: string) => {
        const e = fleet.get(name) as ResolvedEnvironment;
        return simulate({
            principal: `arn:aws:iam::${e.spec.accountId}:role/vss-fleet-deploy-${name}`,
            identityPolicies: [{ name: "deploy", policy: e.deployPolicy }],
            action,
            resource,
            context: { "aws:ResourceTag/vss-fleet:environment": name },
        });
    };
    const rule = (name: string, ruleName: string) => {
        const e = fleet.get(name) as ResolvedEnvironment;
        return `arn:aws:events:${e.spec.region}:${e.spec.accountId}:rule/${ruleName}`;
    };

    it("deploy-prod deletes or rewrites its own dead-man alarm: Allowed (what the watch reports)", async () => {
        const e = fleet.get("prod") as ResolvedEnvironment;
        const alarm = `arn:aws:cloudwatch:${e.spec.region}:${e.spec.accountId}:alarm:${lifecycleAlarmPrefix("prod")}dead-man`;
        assert.strictEqual(await deployer("prod", "cloudwatch:DeleteAlarms", alarm), "Allowed");
        assert.strictEqual(await deployer("prod", "cloudwatch:PutMetricAlarm", alarm), "Allowed");
    });
    for (const name of ["prod", "dev"]) {
        it(`deploy-${name} deletes a rule named like its stack's (<env>-lc-*): Allowed, so the watch is not the stack's`, async () => {
            assert.strictEqual(await deployer(name, "events:DeleteRule", rule(name, `${name}-lc-watch`)), "Allowed");
        });
        for (const action of ["events:DeleteRule", "events:PutRule", "events:DisableRule", "events:RemoveTargets", "events:PutTargets"]) {
            it(`deploy-${name} ${action} on the administrator's watch rule: ImplicitlyDenied`, async () => {
                assert.strictEqual(await deployer(name, action, rule(name, tamperWatchRuleName(name))), "ImplicitlyDenied");
            });
        }
    }
    it("prod's deploy role cannot touch prod-eu's watch either (prod is a prefix of prod-eu): ImplicitlyDenied", async () => {
        const e = fleet.get("prod") as ResolvedEnvironment;
        const other = `arn:aws:events:${e.spec.region}:${e.spec.accountId}:rule/${tamperWatchRuleName("prod-eu")}`;
        assert.strictEqual(await deployer("prod", "events:DeleteRule", other), "ImplicitlyDenied");
    });
    it("the bootstrap prints the rule: alarm events on the environment's alarms, window events, an administrator's topic", () => {
        const prod = fleet.get("prod") as ResolvedEnvironment;
        const { tamperWatch } = bootstrap(prod.spec, DEFAULT_FLEET, prod.instances);
        assert.strictEqual(tamperWatch.ruleName, "vss-fleet-watch-prod");
        const text = JSON.stringify(tamperWatch.eventPattern);
        for (const word of [
            "DisableAlarmActions",
            "DeleteAlarms",
            "PutMetricAlarm",
            "UpdateMaintenanceWindow",
            "DeregisterTaskFromMaintenanceWindow",
            "DeregisterTargetFromMaintenanceWindow",
            "RegisterTaskWithMaintenanceWindow",
            `"prefix":"prod-lifecycle-alarm-"`,
        ]) {
            assert.ok(text.includes(word), word);
        }
        assert.match(tamperWatch.apply[1], /--rule vss-fleet-watch-prod --targets Id=administrator,Arn=<administrator-topic-arn>$/);
    });
});
