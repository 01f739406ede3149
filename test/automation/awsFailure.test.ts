/**
 * An endpoint that is not AWS (a proxy's HTML page, a wrong AWS_ENDPOINT_URL) and missing
 * credentials, met by the CLI as users run it (bin/vss-fleet.js): one line naming the call, the
 * endpoint, what came back and what to check; --json stays one object with the verdicts reached; the
 * advisory Recycle Bin check degrades to "not checked (...)"; a failed environment is never "no changes".
 * The endpoint is a tiny HTTP server on the loopback interface.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { FakePulumi } from "./driver/fakePulumi";

const ROOT = path.join(__dirname, "..", "..");
const PAGE = "<!DOCTYPE html><html><body>Proxy login required</body></html>";

/** HTML for everything, or (ec2Works) EC2's empty XML answers and HTML only for the Recycle Bin. */
function server(ec2Works: boolean): Promise<{ url: string; close: () => void }> {
    const s = http.createServer((request, response) => {
        let body = "";
        request.on("data", (c) => (body += c));
        request.on("end", () => {
            const action = /Action=([A-Za-z]+)/.exec(body)?.[1];
            if (ec2Works && action) {
                response.writeHead(200, { "content-type": "text/xml" });
                response.end(
                    `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId></${action}Response>`,
                );
                return;
            }
            response.writeHead(200, { "content-type": "text/html" });
            response.end(PAGE);
        });
    });
    return new Promise((resolve) =>
        s.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() })),
    );
}

/** The bin, asynchronously (the server runs in this process), with only the environment given. */
function cli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "vss-awsfail-"));
    const base = {
        PATH: process.env.PATH ?? "",
        HOME: home,
        AWS_CONFIG_FILE: path.join(home, "none"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_REGION: "us-east-1",
    };
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["bin/vss-fleet.js", ...argv], { cwd: ROOT, env: { ...base, ...env } });
        let out = "";
        let err = "";
        child.stdout.on("data", (c) => (out += c));
        child.stderr.on("data", (c) => (err += c));
        child.on("close", (code) => {
            fs.rmSync(home, { recursive: true, force: true });
            resolve({ code, out, err });
        });
    });
}

const KEYS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
const noSdkNoise = (text: string) => {
    assert.doesNotMatch(text, /\$response|Deserialization error|^\s+at /m, text);
};

describe("an AWS call that fails: one line that says which, where, what came back and what to check", function () {
    this.timeout(120_000);

    it("an endpoint answering HTML: verify --json is one object with each environment's failure; stderr one line each", async () => {
        const html = await server(false);
        try {
            const { code, out, err } = await cli({ ...KEYS, AWS_ENDPOINT_URL: html.url }, "verify", "examples/fleet.yaml", "--json");
            assert.strictEqual(code, 1);
            const report = JSON.parse(out);
            assert.strictEqual(report.ok, false);
            const line =
                `the live inventory (EC2 DescribeInstances) to ${html.url}/ answered HTTP 200 (text/html) "${PAGE}", not an AWS response: ` +
                `check AWS_ENDPOINT_URL (now ${html.url}), a proxy (HTTPS_PROXY) and the region`;
            assert.deepStrictEqual(
                report.environments.map((e: { name: string; failed: string }) => [e.name, e.failed]),
                [
                    ["prod", line],
                    ["dev", line],
                ],
            );
            assert.deepStrictEqual(err.trim().split("\n"), [`vss-fleet: environment prod: ${line}`, `vss-fleet: environment dev: ${line}`]);
            noSdkNoise(out + err);
            const text = await cli({ ...KEYS, AWS_ENDPOINT_URL: html.url }, "verify", "examples/fleet.yaml", "--env", "prod");
            assert.strictEqual(text.code, 1);
            assert.match(text.out, /^prod \(RPO 26 h\): FAILED: the live inventory/m);
            assert.match(text.out, /^FAILED: prod: an AWS call failed, nothing there was verified\.$/m);
            assert.doesNotMatch(text.out, /^OK|no good set/m);
        } finally {
            html.close();
        }
    });

    it("the Recycle Bin check is advisory: an HTML answer makes it 'not checked (...)', the run goes on", async () => {
        const half = await server(true);
        try {
            const { out, err } = await cli(
                { ...KEYS, AWS_ENDPOINT_URL: half.url },
                "verify",
                "examples/fleet.yaml",
                "--env",
                "prod",
                "--json",
            );
            const [prod] = JSON.parse(out).environments;
            assert.strictEqual(prod.failed, undefined, err);
            assert.strictEqual(prod.recycleBin.checked, false);
            assert.strictEqual(
                prod.recycleBin.reason,
                `the Recycle Bin check (Rbin ListRules) to ${half.url}/ answered HTTP 200 (text/html) "${PAGE}", not an AWS response: ` +
                    `check AWS_ENDPOINT_URL (now ${half.url}), a proxy (HTTPS_PROXY) and the region`,
            );
        } finally {
            half.close();
        }
    });

    it("discover --live against HTML: one line naming the call, the endpoint and what came back; exit 1", async () => {
        const html = await server(false);
        try {
            const { code, out, err } = await cli({ ...KEYS, AWS_ENDPOINT_URL: html.url }, "discover", "examples/fleet.yaml", "--live");
            assert.strictEqual(code, 1, out + err);
            assert.strictEqual(out, "");
            const lines = err.trim().split("\n");
            assert.strictEqual(lines.length, 1, err);
            assert.match(
                lines[0],
                /^vss-fleet: .*EC2 DescribeInstances.* to http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 200 \(text\/html\) /,
            );
            assert.ok(lines[0].includes(`check AWS_ENDPOINT_URL (now ${html.url})`), lines[0]);
            noSdkNoise(err);
        } finally {
            html.close();
        }
    });

    it("no credentials: the step and the fixes (AWS_PROFILE, aws sso login, --inventory)", async () => {
        const { code, err } = await cli({}, "verify", "examples/fleet.yaml", "--env", "prod");
        assert.strictEqual(code, 1);
        assert.strictEqual(
            err,
            "vss-fleet: environment prod: the live inventory (EC2 DescribeInstances): no usable AWS credentials " +
                "(CredentialsProviderError: Could not load credentials from any providers): set AWS_PROFILE to a profile of the account, " +
                "run 'aws sso login' when that profile uses SSO, or pass --inventory FILE to work from the AWS CLI's JSON instead\n",
        );
    });

    it("preview: the STS account guard against HTML is the environment's one-line failure, never 'no changes'", async () => {
        const html = await server(false);
        const fake = new FakePulumi({ existingStacks: ["prod"], stacks: {} });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vss-awsfail-project-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.mkdirSync(path.join(dir, "stacks"));
        try {
            const { code, out, err } = await cli(
                { ...KEYS, AWS_ENDPOINT_URL: html.url, PATH: `${path.join(fake.root, "bin")}${path.delimiter}${process.env.PATH}` },
                "preview",
                "examples/fleet.yaml",
                "--env",
                "prod",
                "--inventory",
                "examples/inventory.json",
                "--project-dir",
                dir,
            );
            assert.strictEqual(code, 1, err);
            const lines = out.trim().split("\n");
            assert.match(lines[1], /^ {2}prod +failed +changes not known; /);
            assert.strictEqual(
                lines[2],
                `    the STS account guard (STS GetCallerIdentity) to ${html.url}/ answered HTTP 200 (text/html) "${PAGE}", not an AWS response: ` +
                    `check AWS_ENDPOINT_URL (now ${html.url}), a proxy (HTTPS_PROXY) and the region`,
            );
            noSdkNoise(out);
        } finally {
            html.close();
            fake.dispose();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
