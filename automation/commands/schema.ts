/** `vss-fleet schema`: the manifest's JSON Schema, for yaml-language-server in editors. */
import { EXIT } from "../exitCodes";
import { defineCommand } from "./command";

export default defineCommand({
    name: "schema",
    description: "Print the fleet manifest's JSON Schema (for yaml-language-server in editors).",
    examples: ["vss-fleet schema > schemas/fleet.schema.json"],
    takesManifest: false,
    options: [],
    async run({ io }) {
        const { manifestJsonSchema } = await import("../manifest/manifestSchema");
        io.out(JSON.stringify(manifestJsonSchema(), null, 2));
        return EXIT.ok;
    },
});
