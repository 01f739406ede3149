/**
 * The real pack under Pulumi's own policy host, as the CLI starts it: `node run-policy-pack
 * <engine> <pack dir>` in the pack's folder (ts-node type-checks it), the analyzer's port on stdout,
 * then the Analyzer gRPC service on loopback. Used by the contract test; nothing here is mocked.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type { EnforcementLevel } from "@pulumi/policy";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import * as rpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { AnalyzedResource, Violation } from "../../automation/offline/policyRuntime";

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_CODES: Record<string, analyzer.EnforcementLevel> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export class PolicyHost {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: rpc.AnalyzerClient,
    ) {}

    static async start(packDir = path.join(__dirname, "..", "..", "policies")): Promise<PolicyHost> {
        const host = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        const child = spawn(process.execPath, [host, "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
            child.once("exit", (code) => reject(new Error(`policy host exited ${code}: ${stderr}`)));
        });
        return new PolicyHost(child, new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    }

    stop(): void {
        this.client.close();
        this.child.kill();
    }

    info(): Promise<analyzer.AnalyzerInfo.AsObject> {
        return new Promise((resolve, reject) =>
            this.client.getAnalyzerInfo(new Empty(), (err, info) => (err ? reject(err) : resolve(info.toObject()))),
        );
    }

    /** Sends config as the engine does: after it has applied the schema defaults. */
    configure(config: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>): Promise<void> {
        const request = new analyzer.ConfigureAnalyzerRequest();
        for (const [name, { enforcementLevel, properties }] of Object.entries(config)) {
            const policyConfig = new analyzer.PolicyConfig();
            policyConfig.setProperties(Struct.fromJavaScript(properties as never));
            policyConfig.setEnforcementlevel(LEVEL_CODES[enforcementLevel]);
            request.getPolicyconfigMap().set(name, policyConfig);
        }
        return new Promise((resolve, reject) => this.client.configure(request, (err) => (err ? reject(err) : resolve())));
    }

    analyze(resource: AnalyzedResource): Promise<Violation[]> {
        const request = new analyzer.AnalyzeRequest();
        request.setType(resource.type).setName(resource.name).setUrn(resource.urn);
        request.setProperties(Struct.fromJavaScript(resource.props as never)).setOptions(new analyzer.AnalyzerResourceOptions());
        return new Promise((resolve, reject) =>
            this.client.analyze(request, (err, response) => (err ? reject(err) : resolve(violations(response)))),
        );
    }

    analyzeStack(resources: readonly AnalyzedResource[]): Promise<Violation[]> {
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((r) => {
                const resource = new analyzer.AnalyzerResource();
                resource
                    .setType(r.type)
                    .setName(r.name)
                    .setUrn(r.urn)
                    .setParent(r.parent ?? "");
                resource.setProperties(Struct.fromJavaScript(r.props as never)).setOptions(new analyzer.AnalyzerResourceOptions());
                resource.setDependenciesList([...(r.dependencies ?? [])]);
                for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    resource.getPropertydependenciesMap().set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList([...urns]));
                }
                return resource;
            }),
        );
        return new Promise((resolve, reject) =>
            this.client.analyzeStack(request, (err, response) => (err ? reject(err) : resolve(violations(response)))),
        );
    }
}

function violations(response: analyzer.AnalyzeResponse): Violation[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()],
        message: d.getMessage(),
        ...(d.getUrn() ? { urn: d.getUrn() } : {}),
    }));
}
