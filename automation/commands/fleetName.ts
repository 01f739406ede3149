/**
 * The fleet's name, resolved once for every command that needs it: the `name` of the fleet's Pulumi
 * project (Pulumi.yaml in --project-dir, default the working directory). The stack program writes
 * that name on every snapshot (vss-fleet:fleet), so the boundary's conditions (deploy-policy
 * --bootstrap), verify's judgement and restore's choice of set must use the same one. --fleet is only
 * an override that must agree with the project, or stands in where there is no project at hand.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { UserInputError } from "../errors";

export function resolveFleetName(projectDir: string, override: string | undefined): string {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (file === undefined) {
        if (override !== undefined) {
            return override;
        }
        throw new UserInputError([
            `${path.join(projectDir, "Pulumi.yaml")}: not found; the fleet's name is its Pulumi project's name: ` +
                "run in the fleet repository, pass --project-dir DIR (the folder of its Pulumi.yaml), or --fleet NAME",
        ]);
    }
    const name: unknown = parseDocument(fs.readFileSync(file, "utf8")).toJS()?.name;
    if (typeof name !== "string" || name.trim() === "") {
        throw new UserInputError([`${file}: no project name ('name:'); the fleet's name is the Pulumi project's name`]);
    }
    if (override !== undefined && override !== name) {
        throw new UserInputError([
            `--fleet ${override} disagrees with the project's name '${name}' (${file}), which the stacks write on every snapshot: ` +
                "leave out --fleet, or pass --project-dir with that fleet's project",
        ]);
    }
    return name;
}

/**
 * The fleet's name where a project or --fleet names it, else undefined: for `plan --offline`, which
 * needs no project (it plans a manifest anywhere) but must tag as the project's stacks would.
 */
export function fleetNameIfKnown(projectDir: string, override: string | undefined): string | undefined {
    const hasProject = ["Pulumi.yaml", "Pulumi.yml"].some((f) => fs.existsSync(path.join(projectDir, f)));
    return hasProject || override !== undefined ? resolveFleetName(projectDir, override) : undefined;
}
