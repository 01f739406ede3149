/** windows-instance-requires-imdsv2: a happy path, then one field broken per case. */
import * as assert from "assert";
import { UNKNOWN_VALUES } from "../../automation/offline/policyRuntime";
import { resource, run } from "./harness";

const P = "windows-instance-requires-imdsv2";
const WINDOWS_AMI = "ami-0windows0000000001";
const config = { [P]: { windowsAmiIds: [WINDOWS_AMI], resolveAmis: false } };

const instance = (props: Record<string, unknown>) =>
    resource("aws:ec2/instance:Instance", "sql-1", { ami: WINDOWS_AMI, metadataOptions: { httpTokens: "required" }, ...props });
const template = (metadataOptions: unknown) =>
    resource("aws:ec2/launchTemplate:LaunchTemplate", "sql-lt", { imageId: WINDOWS_AMI, metadataOptions });
const group = (lt: ReturnType<typeof template>) =>
    resource("aws:autoscaling/group:Group", "sql-asg", { launchTemplate: { id: "lt-1" } }, { launchTemplate: [lt] });

describe(P, () => {
    it("passes a Windows instance and a Windows autoscaling group that require IMDSv2", async () => {
        const lt = template({ httpTokens: "required" });
        assert.deepStrictEqual((await run(P, [instance({}), lt, group(lt)], config)).violations, []);
    });

    it("reports httpTokens 'optional', advisory by default, in a full sentence", async () => {
        const { violations } = await run(P, [instance({ metadataOptions: { httpTokens: "optional" } })], config);
        assert.deepStrictEqual(
            violations.map((v) => [v.enforcementLevel, v.message]),
            [
                [
                    "advisory",
                    "Windows instances the stack creates require IMDSv2 (metadataOptions.httpTokens = required).\n" +
                        `sql-1 is a Windows instance (its AMI ${WINDOWS_AMI} is listed as Windows) whose metadataOptions.httpTokens is 'optional': ` +
                        "IMDSv1 gives the instance role's credentials to any request that reaches the metadata service. " +
                        'Set metadataOptions: { httpTokens: "required" }.',
                ],
            ],
        );
    });

    it("reports metadata options left unset, which leave IMDSv1 on", async () => {
        const { violations } = await run(P, [instance({ metadataOptions: undefined })], config);
        assert.match(violations[0].message, /httpTokens is not set, which leaves IMDSv1 on/);
    });

    it("reports an autoscaling group whose launch template allows IMDSv1", async () => {
        const lt = template({ httpTokens: "optional" });
        const { violations } = await run(P, [lt, group(lt)], config);
        assert.deepStrictEqual(
            violations.map((v) => v.message.split("\n")[1].split(" whose ")[0]),
            [`sql-asg is a Windows instance (its AMI ${WINDOWS_AMI} is listed as Windows)`],
        );
        assert.match(violations[0].message, / whose launch template's metadataOptions\.httpTokens is 'optional'/);
    });

    it("leaves non-Windows instances alone", async () => {
        const linux = instance({ ami: "ami-0linux000000000001", metadataOptions: { httpTokens: "optional" } });
        assert.deepStrictEqual((await run(P, [linux], config)).violations, []);
    });

    it("judges nothing while httpTokens is unknown in preview, and is not downgraded for it", async () => {
        const { violations } = await run(P, [instance({ metadataOptions: { httpTokens: UNKNOWN_VALUES.string } })], config);
        assert.deepStrictEqual(violations, []);
    });
});
