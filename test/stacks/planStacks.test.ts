import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { formatPlan, planStack, stackNames } from "../../automation/offline/planStacks";
import { STACK_CONFIG_DIR } from "../../stacks/stackConfig";

describe("offline preview of the shipped stacks (npm start)", () => {
    it("finds one stack per stacks/Pulumi.<env>.yaml", () => {
        assert.deepStrictEqual(stackNames(STACK_CONFIG_DIR), ["dev", "prod"]);
    });

    it("runs the real program for a stack and lists what it would create", async () => {
        const plan = await planStack("prod");
        assert.match(plan.summary, /^us-east-1 \/ 111111111111: cron\(30 2 \? \* \* \*\) America\/New_York, 2 h window \(cutoff 1 h\)/);
        const text = formatPlan(plan);
        assert.match(text, /\+ aws:ssm\/maintenanceWindowTask:MaintenanceWindowTask x2\n/, "the snapshot task and the lifecycle task");
        assert.match(text, /\+ aws:iam\/role:Role x3/, "instance, task and lifecycle roles");
        assert.match(text, /\+ aws:lambda\/function:Function\n/, "prod enables retention and drills");
        assert.match(text, /\+ aws:ec2\/tag:Tag\n/, "the listed file server is enrolled by tag");
    });

    it("stops a stack with bad config with the RunError that names file:line:col", async () => {
        const fixtures = path.join(__dirname, "..", "fixtures", "stacks");
        await assert.rejects(planStack("broken", fixtures), (error: Error) => {
            assert.ok(pulumi.RunError.isInstance(error));
            assert.match(error.message, /Pulumi\.broken\.yaml:5:5: vss-fleet:environment\.schedule/);
            return true;
        });
    });
});
