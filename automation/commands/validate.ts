/** `vss-fleet validate`: check a fleet manifest, offline, and name its environments. */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";
import { flag } from "./options";

export default defineCommand({
    name: "validate",
    description: "Check a fleet manifest; every problem is reported as file:line:col: key: problem.",
    examples: ["vss-fleet validate fleet.yaml", "vss-fleet validate fleet.yaml --json"],
    takesManifest: true,
    options: [flag("json", "--json", 'print {"ok":true,"environments":[...names]} (for a CI matrix)')],
    async run({ manifest, options, io }) {
        const { loadManifest } = await import("../manifest/load");
        const names = loadManifest(manifest).environments.map((e) => e.spec.name);
        io.out(
            options.json
                ? JSON.stringify({ ok: true, environments: names })
                : `${manifest}: valid, ${names.length} environment(s): ${names.join(", ")}`,
        );
        return EXIT.ok;
    },
});
