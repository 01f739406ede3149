import * as assert from "assert";
import * as fs from "fs";
import { loadInstanceFiles, loadIamFiles, loadSsmFiles, rolesByProfile, withFacts } from "../../automation/discover/awsFacts";
import { discover, nearMisses, type Discovery } from "../../automation/discover/classify";
import { writeEnrollment } from "../../automation/discover/enrollment";
import { GITHUB_COMMENT_LIMIT, toJson, toMarkdown, toText } from "../../automation/discover/render";
import { UserInputError } from "../../automation/errors";
import { loadManifest } from "../../automation/manifest/load";
import { writeEstate, type EstateFiles } from "./estate";

const TODAY = new Date("2026-11-28T12:00:00Z");

function discoverEstate(files: EstateFiles, withSsm = true, withIam = true): Discovery {
    const fleet = loadManifest(files.manifest);
    const inventory = withFacts(
        loadInstanceFiles(files.instances),
        withSsm ? loadSsmFiles(files.ssm) : undefined,
        withIam ? rolesByProfile(loadIamFiles(files.iam)) : undefined,
    );
    return discover(fleet.environments, inventory, TODAY);
}

describe("discover: near misses", () => {
    it("names a value differing in case, in spaces, a key differing in case, another value, and a missing key", () => {
        const target = { Backup: "prod", Tier: "sql", Owner: "dba", Team: "x", Env: "p" };
        assert.deepStrictEqual(nearMisses({ Backup: "Prod", Tier: " sql", owner: "dba", Team: "y" }, target), [
            { kind: "value-case", key: "Backup", expected: "prod", found: { key: "Backup", value: "Prod" } },
            { kind: "value-spaces", key: "Tier", expected: "sql", found: { key: "Tier", value: " sql" } },
            { kind: "key-case", key: "Owner", expected: "dba", found: { key: "owner", value: "dba" } },
            { kind: "other-value", key: "Team", expected: "x", found: { key: "Team", value: "y" } },
            { kind: "missing", key: "Env", expected: "p" },
        ]);
        assert.deepStrictEqual(nearMisses({ Backup: "prod" }, { Backup: "prod" }), []);
    });
});

describe("discover: a 400-server estate in 3 accounts, offline from AWS CLI JSON", function () {
    this.timeout(60_000);
    let files: EstateFiles;
    let found: Discovery;
    before(() => {
        files = writeEstate();
        found = discoverEstate(files);
    });
    after(() => fs.rmSync(files.dir, { recursive: true, force: true }));

    const counts = (d: Discovery) =>
        d.environments.map((e) => [
            e.name,
            e.enrolled.length,
            e.enrolled.filter((f) => f.gaps.length).length,
            e.exempt.length,
            e.unenrolled.length,
        ]);

    it("sorts every Windows server into enrolled (and how many are not ready), exempt and unenrolled", () => {
        assert.deepStrictEqual(counts(found), [
            ["prod", 100, 20, 5, 95],
            ["dev", 60, 0, 0, 60],
            ["ops", 40, 0, 0, 40],
        ]);
        assert.deepStrictEqual(
            found.outOfScope.map((i) => i.accountId),
            ["444444444444", "444444444444", "444444444444"],
        );
    });

    it("groups the unenrolled by their near miss or legacy tag", () => {
        const groups = (name: string) => {
            const env = found.environments.find((e) => e.name === name);
            const out = new Map<string, number>();
            for (const u of env?.unenrolled ?? []) {
                out.set(u.group, (out.get(u.group) ?? 0) + 1);
            }
            return Object.fromEntries(out);
        };
        assert.deepStrictEqual(groups("prod"), {
            "carry Backup=Prod (expected Backup=prod)": 45,
            "carry backup-policy=daily": 30,
            "carry none of the target tags": 20,
        });
        assert.deepStrictEqual(groups("dev"), {
            "carry vss-snapshot=dev (expected VSS-Snapshot=dev)": 40,
            "carry none of the target tags": 20,
        });
        assert.deepStrictEqual(groups("ops"), {
            "carry Backup=ops but not Tier=infra": 25,
            'carry Backup="ops " (expected Backup=ops, Tier=infra)': 15,
        });
    });

    it("names each enrolled server's missing prerequisite", () => {
        const prod = found.environments[0];
        const byCode = new Map<string, number>();
        for (const gap of prod.enrolled.flatMap((f) => f.gaps)) {
            byCode.set(gap.summary, (byCode.get(gap.summary) ?? 0) + 1);
        }
        assert.deepStrictEqual(Object.fromEntries(byCode), {
            "no instance profile": 8,
            "role legacy-role lacks the snapshot permission": 6,
            "not managed by SSM": 4,
            "SSM agent ConnectionLost": 2,
        });
    });

    it("judges nothing it has no file for: without SSM and IAM files only the missing profiles remain", () => {
        const plain = discoverEstate(files, false, false);
        assert.deepStrictEqual(
            plain.environments.map((e) => e.enrolled.filter((f) => f.gaps.length).length),
            [8, 0, 0],
        );
    });

    it("text: one line per group, the first ten of each, and how many more", () => {
        const text = toText(found, "fleet.yaml", { first: 10 });
        const lines = text.split("\n");
        assert.strictEqual(lines[0], "vss-fleet discover fleet.yaml: nothing was changed");
        assert.ok(lines.includes("prod (111111111111/us-east-1, Backup=prod): 100 enrolled (20 not ready), 5 exempt, 95 unenrolled"));
        assert.ok(
            lines.includes(
                "  95 unenrolled: 45 carry Backup=Prod (expected Backup=prod), 30 carry backup-policy=daily, 20 carry none of the target tags",
            ),
        );
        assert.ok(
            lines.includes(
                "  20 enrolled but not ready: 8 no instance profile, 6 role legacy-role lacks the snapshot permission, 4 not managed by SSM, 2 SSM agent ConnectionLost",
            ),
        );
        assert.ok(lines.includes("      ... and 35 more (--all lists them, --json has every id)"));
        assert.ok(lines.includes("3 Windows instance(s) in no environment's account, region and scope"));
        assert.ok(lines.length < 160, `grouped output stays short: ${lines.length} lines`);
        const all = toText(found, "fleet.yaml", { first: Infinity }).split("\n");
        assert.ok(!all.some((l) => l.includes("more (--all")));
        assert.strictEqual(all.filter((l) => /^ +i-[0-9a-f]+ \(/.test(l)).length, 195 + 20 + 5);
    });

    it("JSON: lists and counts per environment, as data", () => {
        const json = JSON.parse(toJson(found)) as {
            environments: {
                name: string;
                counts: Record<string, number>;
                unenrolled: { instanceId: string; nearMisses: unknown[] }[];
                enrolled: { missing: string[] }[];
                groups: { unenrolled: { label: string; count: number }[] };
            }[];
            outOfScope: { count: number };
        };
        assert.deepStrictEqual(json.environments[0].counts, { enrolled: 100, notReady: 20, exempt: 5, unenrolled: 95 });
        assert.strictEqual(json.environments[0].unenrolled.length, 95);
        assert.deepStrictEqual(json.environments[1].groups.unenrolled, [
            { label: "carry vss-snapshot=dev (expected VSS-Snapshot=dev)", count: 40 },
            { label: "carry none of the target tags", count: 20 },
        ]);
        assert.strictEqual(json.environments[0].enrolled.filter((e) => e.missing.includes("role-cannot-snapshot")).length, 6);
        assert.strictEqual(json.outOfScope.count, 3);
    });

    it("markdown: the whole estate fits one GitHub comment, with a <details> block per group", () => {
        const md = toMarkdown(found, "fleet.yaml");
        assert.ok(md.length < GITHUB_COMMENT_LIMIT, `${md.length} characters`);
        assert.ok(md.includes("| prod | 111111111111/us-east-1 | 100 | 20 | 5 | 95 |"));
        assert.strictEqual(md.split("<details>").length - 1, 12);
        assert.ok(!md.includes("were cut"));
    });

    it("markdown: a tighter limit cuts lists, not counts, and says where the rest is", () => {
        for (const limit of [4_000, 1_500]) {
            const md = toMarkdown(found, "fleet.yaml", limit);
            assert.ok(md.length <= limit, `${md.length} > ${limit}`);
            assert.ok(md.includes("| ops | 333333333333/us-west-2 | 40 | 0 | 0 | 40 |"));
            assert.ok(md.endsWith("_Lists were cut to fit a GitHub comment; `vss-fleet discover --json` has every instance._"));
            assert.strictEqual(md.split("<details>").length, md.split("</details>").length, "every block is closed");
        }
    });

    it("--write-enrollment instances: manifest YAML per environment, one id per line with its finding", () => {
        const yaml = writeEnrollment(found.environments, "fleet.yaml", "instances").split("\n");
        assert.strictEqual(yaml[0], "# vss-fleet discover: merge into fleet.yaml under each environment (nothing was applied)");
        assert.deepStrictEqual(yaml.slice(1, 5), [
            "environments:",
            '  "prod":',
            '    existingInstanceRoleNames: ["legacy-role"]  # lack the snapshot permission; write /path/name for a role with a path',
            "    instances:",
        ]);
        assert.strictEqual(yaml.filter((l) => l.includes("existingInstanceRoleNames")).length, 1, "only prod's servers have such a role");
        assert.strictEqual(yaml.filter((l) => l.startsWith("      - i-")).length, 195);
        assert.ok(yaml.some((l) => / {6}- i-[0-9a-f]+ {2}# prod-case-001: carry Backup=Prod \(expected Backup=prod\)$/.test(l)));
    });

    it("--write-enrollment instances: an environment with every server enrolled still gets the roles to attach; exemptions never do", () => {
        const gap = { code: "role-cannot-snapshot" as const, problem: "", summary: "", fix: "" };
        const server = (id: string, role: string) => ({
            instance: {
                instanceId: id,
                accountId: "111111111111",
                region: "us-east-1",
                tags: {},
                role: { name: role, canSnapshot: false },
            },
            gaps: [gap],
        });
        const env = {
            name: "web",
            accountId: "111111111111",
            region: "us-east-1",
            targetTags: { Backup: "web" },
            enrolled: [server("i-0000000000000001a", "WebB"), server("i-0000000000000002b", "WebA"), server("i-0000000000000003c", "WebA")],
            exempt: [],
            unenrolled: [],
        };
        assert.deepStrictEqual(writeEnrollment([env], "fleet.yaml", "instances").split("\n").slice(1), [
            "environments:",
            '  "web":',
            '    existingInstanceRoleNames: ["WebA", "WebB"]  # lack the snapshot permission; write /path/name for a role with a path',
        ]);
        assert.match(writeEnrollment([env], "fleet.yaml", "exemptions"), /nothing to write$/);
    });

    it("--write-enrollment exemptions: stubs that fail validation until a reason and a date are filled in", () => {
        const yaml = writeEnrollment(found.environments, "fleet.yaml", "exemptions");
        assert.match(
            yaml,
            / {6}- \{ instanceId: i-[0-9a-f]+, reason: "FILL IN why it needs no backup", expires: "YYYY-MM-DD" \} {2}# dev-keycase-001/,
        );
    });

    it("--write-enrollment create-tags: batches of 50 per account and region, with the environment's target tags", () => {
        const lines = writeEnrollment(found.environments, "fleet.yaml", "create-tags").split("\n");
        const commands = lines.filter((l) => l.startsWith("aws "));
        assert.strictEqual(commands.length, 2 + 2 + 1);
        assert.ok(lines.includes("# environment ops: account 333333333333, 40 instance(s)"));
        const ops = commands[commands.length - 1];
        assert.match(
            ops,
            /^aws ec2 create-tags --region us-west-2 --resources (i-[0-9a-f]+ ){40}--tags Key=Backup,Value=ops Key=Tier,Value=infra$/,
        );
    });

    it("--write-enrollment create-tags: JSON tags, shell-quoted, when a value would break the shorthand", () => {
        const env = { ...found.environments[2], targetTags: { Backup: "ops, nightly", Owner: "o'brien" } };
        const [, , command] = writeEnrollment([env], "fleet.yaml", "create-tags").split("\n");
        assert.ok(command.endsWith(`--tags '[{"Key":"Backup","Value":"ops, nightly"},{"Key":"Owner","Value":"o'\\''brien"}]'`), command);
    });

    it("rejects a file that is not the command's JSON with file:line:col and the command it expected", () => {
        fs.writeFileSync(`${files.dir}/bad-ssm.json`, '{\n  "InstanceInformationList": [\n    { "PingStatus": "Online" }\n  ]\n}\n');
        assert.throws(
            () => loadSsmFiles([`${files.dir}/bad-ssm.json`]),
            (error: unknown) =>
                error instanceof UserInputError &&
                /bad-ssm\.json:3:5: InstanceInformationList\[0\]\.InstanceId: .*\(expected the JSON of 'aws ssm describe-instance-information --output json'\)/.test(
                    error.message,
                ),
        );
    });
});
