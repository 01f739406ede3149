import * as assert from "assert";
import * as semver from "semver";
import pkg from "../package.json";

describe("the runtime", () => {
    it("is the Node.js that package.json's engines declares (npm ci provides it as node_modules/.bin/node)", () => {
        assert.ok(semver.satisfies(process.versions.node, pkg.engines.node), `${process.versions.node} vs ${pkg.engines.node}`);
    });

    it("runs a TypeScript 5, which has the JavaScript API ts-node and Pulumi need", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as { version: string };
        assert.strictEqual(semver.major(ts.version), 5);
    });
});
