/**
 * The AWS regions an environment may name: the Pulumi AWS provider's list (regionList.ts), which is
 * generated from AWS's partition data, so every region the manifest accepts is one the stack can
 * deploy to, and `us-east-9` is refused with a suggestion instead of failing at deploy time.
 */
import { z } from "zod";
import { closest } from "./closest";
import { AWS_REGIONS } from "./regionList";

/** Every region of every partition vss-fleet knows. */
export const KNOWN_REGIONS: readonly string[] = AWS_REGIONS;

/** Why `region` is not an AWS region, with the nearest real one; undefined when it is one. */
export function regionProblem(region: string): string | undefined {
    if (KNOWN_REGIONS.includes(region)) {
        return undefined;
    }
    const near = closest(region.toLowerCase(), KNOWN_REGIONS, 3);
    return `'${region}' is not an AWS region${near ? `; did you mean '${near}'?` : " (for example us-east-1, eu-west-1)"}`;
}

/** A region field: checked with a did-you-mean; editors get the list as an enum in the JSON Schema. */
export function regionSchema() {
    return z
        .string()
        .superRefine((region, ctx) => {
            const problem = regionProblem(region);
            if (problem) {
                ctx.addIssue({ code: "custom", message: problem });
            }
        })
        .meta({ enum: [...KNOWN_REGIONS] });
}
