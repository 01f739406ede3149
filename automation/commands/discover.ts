/**
 * `vss-fleet discover`: read-only onboarding. From the AWS CLI's own JSON (describe-instances, SSM
 * instance information, IAM authorization details) it sorts each environment's Windows servers into
 * enrolled, exempt and unenrolled, names near misses and missing prerequisites, and can print what
 * would enroll them. It never changes anything.
 */
import { EXIT } from "../exitCodes";
import { UserInputError } from "../errors";
import { defineCommand } from "./command";
import { envFilter, flag, format, INSTANCES_JSON, jsonNotFormat, optionalText, repeatable } from "./options";
import { chooseEnvironments, type Io } from "./shared";
import type { InventoryRole } from "../../policies/policyConfig";

const SHAPES = ["instances", "exemptions", "create-tags"];

export default defineCommand({
    name: "discover",
    description:
        "Find an existing estate's Windows servers: enrolled, exempt, unenrolled (with near misses) and what each lacks; read-only.",
    examples: [
        "vss-fleet discover fleet.yaml --inventory instances.json --ssm ssm.json --iam iam.json",
        "vss-fleet discover fleet.yaml --inventory instances.json --format markdown",
        "vss-fleet discover fleet.yaml --live --iam iam.json --json",
        "vss-fleet discover fleet.yaml --inventory instances.json --write-enrollment instances > enrollment.yaml",
    ],
    takesManifest: true,
    options: [
        repeatable("inventory", "--inventory <file>", `the JSON of ${INSTANCES_JSON} (repeatable: one per account and region)`),
        repeatable("ssm", "--ssm <file>", "the JSON of 'aws ssm describe-instance-information --output json' (repeatable)"),
        repeatable(
            "iam",
            "--iam <file>",
            "the JSON of 'aws iam get-account-authorization-details --filter Role LocalManagedPolicy --output json' (repeatable)",
        ),
        flag(
            "live",
            "--live",
            "read instances, SSM agents and IAM roles with the SDK in each environment's account and region (deployRoleArn assumed)",
        ),
        envFilter,
        flag("all", "--all", "list every instance of each group (default: the first 10)"),
        optionalText(
            "writeEnrollment",
            "--write-enrollment <shape>",
            `print what would enroll the unenrolled instead of the report: ${SHAPES.join(", ")} (nothing is applied)`,
        ),
        jsonNotFormat,
        format("output format"),
    ],
    async run({ manifest, options, io }) {
        if (options.inventory.length === 0 && !options.live) {
            throw new UserInputError([
                `discover needs --inventory with the JSON of ${INSTANCES_JSON} for each account and region, or --live to read them with your credentials`,
            ]);
        }
        if (options.live && options.inventory.length + options.ssm.length > 0) {
            throw new UserInputError([
                "--live reads instances and SSM agents itself: leave out --inventory and --ssm (--iam files still apply)",
            ]);
        }
        const shape = options.writeEnrollment;
        if (shape !== undefined && !SHAPES.includes(shape)) {
            throw new UserInputError([`--write-enrollment ${shape}: choose one of ${SHAPES.join(", ")}`]);
        }
        const { loadManifest } = await import("../manifest/load");
        const facts = await import("../discover/awsFacts");
        const { discover } = await import("../discover/classify");
        const fleet = loadManifest(manifest);
        const environments = chooseEnvironments(fleet, options.env);
        const roles = options.iam.length > 0 ? facts.rolesByProfile(facts.loadIamFiles(options.iam)) : undefined;
        let inventory;
        if (options.live) {
            const { EC2Client } = await import("@aws-sdk/client-ec2");
            const { SSMClient } = await import("@aws-sdk/client-ssm");
            const { credentialsFor } = await import("../driver/identity");
            const { IAMClient } = await import("@aws-sdk/client-iam");
            const { liveFacts, liveRoles } = await import("../discover/live");
            // Each client names its call and endpoint in a failure, so the CLI prints one line (automation/awsFailure).
            const { traced } = await import("../awsFailure");
            const instances = [];
            const ssm = [];
            const liveRoleMap = new Map<string, InventoryRole>();
            const accountsRead = new Set<string>(); // IAM is global: one read per account
            const asked = new Set<string>();
            // One read per account and region, with the credentials of the first environment there.
            for (const env of environments) {
                const where = `${env.spec.accountId}/${env.spec.region}`;
                if (asked.has(where)) {
                    continue;
                }
                asked.add(where);
                const client = { region: env.spec.region, credentials: credentialsFor(env.spec) };
                const found = await liveFacts(
                    { environment: env.spec.name, accountId: env.spec.accountId, region: env.spec.region },
                    traced(new EC2Client(client)),
                    traced(new SSMClient(client)),
                );
                instances.push(...found.instances);
                ssm.push(...found.ssm);
                if (!roles && !accountsRead.has(env.spec.accountId)) {
                    accountsRead.add(env.spec.accountId);
                    await readRolesLive(() => liveRoles(traced(new IAMClient(client))), env.spec.name, liveRoleMap, io);
                }
            }
            inventory = facts.withFacts(instances, ssm, roles ?? liveRoleMap, asked);
        } else {
            const ssm = options.ssm.length > 0 ? facts.loadSsmFiles(options.ssm) : undefined;
            inventory = facts.withFacts(facts.loadInstanceFiles(options.inventory), ssm, roles);
        }
        const found = discover(environments, inventory, new Date());
        if (shape !== undefined) {
            const { writeEnrollment } = await import("../discover/enrollment");
            io.out(writeEnrollment(found.environments, manifest, shape as "instances" | "exemptions" | "create-tags"));
            return EXIT.ok;
        }
        const render = await import("../discover/render");
        io.out(
            options.json
                ? render.toJson(found)
                : options.format === "markdown"
                  ? render.toMarkdown(found, manifest)
                  : render.toText(found, manifest, { first: options.all ? Infinity : 10 }),
        );
        return EXIT.ok;
    },
});

/**
 * IAM is read once per account with the environment's credentials. A refusal (the deploy role of an
 * older bootstrap lacks iam:GetAccountAuthorizationDetails) leaves that account's roles unknown, which
 * discover reports as unknown, never as lacking: one line on stderr says why and what to pass instead.
 */
async function readRolesLive(
    read: () => Promise<Map<string, InventoryRole>>,
    environment: string,
    into: Map<string, InventoryRole>,
    io: Io,
) {
    try {
        for (const [profile, role] of await read()) {
            into.set(profile, role);
        }
    } catch (error) {
        const name = (error as { name?: string }).name ?? "";
        if (!/AccessDenied|UnauthorizedOperation/.test(name)) {
            throw error;
        }
        io.err(
            `note: environment ${environment}: IAM refused GetAccountAuthorizationDetails (${name}), so its roles' snapshot permission ` +
                "is not judged; re-run the bootstrap (the deploy policy allows it) or pass --iam with the file of " +
                "'aws iam get-account-authorization-details --filter Role LocalManagedPolicy --output json'",
        );
    }
}
