import * as assert from "assert";
import { Region } from "@pulumi/aws/types/enums";
import { KNOWN_REGIONS, regionProblem } from "../../../core/environment";

describe("AWS regions", () => {
    it("are exactly the Pulumi AWS provider's regions (regenerate core/environment/regionList.ts when it changes)", () => {
        const provider = Object.values(Region as Record<string, string>).filter((r) => r !== "aws-global");
        assert.deepStrictEqual([...KNOWN_REGIONS].sort(), provider.sort());
    });

    it("a near miss gets a did-you-mean; nonsense gets examples", () => {
        assert.strictEqual(regionProblem("eu-west-1"), undefined);
        assert.strictEqual(regionProblem("us-east-9"), "'us-east-9' is not an AWS region; did you mean 'us-east-1'?");
        assert.strictEqual(regionProblem("EU-WEST-1"), "'EU-WEST-1' is not an AWS region; did you mean 'eu-west-1'?");
        assert.strictEqual(regionProblem("eu-westt-2"), "'eu-westt-2' is not an AWS region; did you mean 'eu-west-2'?");
        assert.strictEqual(regionProblem("mars"), "'mars' is not an AWS region (for example us-east-1, eu-west-1)");
    });
});
