/**
 * The AWS regions an environment may name: the Pulumi AWS provider's Region enum, which is generated
 * from AWS's partition data, so every region the manifest accepts is one the stack can deploy to,
 * and `us-east-9` is refused with a suggestion instead of failing at deploy time.
 */
import { Region } from "@pulumi/aws/types/enums";
import { closest } from "./closest";

/** Every region of every partition vss-fleet knows (aws-global is an endpoint alias, not a region). */
export const KNOWN_REGIONS: readonly string[] = Object.values(Region as Record<string, string>).filter((r) => /-\d+$/.test(r));

/** Why `region` is not an AWS region, with the nearest real one; undefined when it is one. */
export function regionProblem(region: string): string | undefined {
    if (KNOWN_REGIONS.includes(region)) {
        return undefined;
    }
    const near = closest(region.toLowerCase(), KNOWN_REGIONS, 3);
    return `'${region}' is not an AWS region${near ? `; did you mean '${near}'?` : " (for example us-east-1, eu-west-1)"}`;
}
