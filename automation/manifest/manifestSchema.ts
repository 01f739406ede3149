/**
 * The fleet manifest's schema: `version`, optional `defaults` (any EnvironmentSpec field) and
 * `environments` (name -> EnvironmentSpec plus `instances`, `scope`, `exemptions`). Built from the
 * shared EnvironmentSpec, and the published JSON Schema is generated from it, never kept beside it.
 */
import { z } from "zod";
import { ENVIRONMENT_NAME, environmentSchema, INSTANCE_ID, tagKeyLengthProblem, tagValueLengthProblem } from "../../core/environment";

/** A real calendar date as YYYY-MM-DD. */
function isCalendarDate(text: string): boolean {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!match) {
        return false;
    }
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return date.toISOString().startsWith(text);
}

export const exemptionSchema = z
    .strictObject({
        instanceId: z.string().regex(INSTANCE_ID, "must be an instance id such as i-0123456789abcdef0").optional(),
        urn: z.string().startsWith("urn:pulumi:", "must be a Pulumi URN").optional(),
        namePattern: z
            .string()
            .refine(
                (text) => {
                    try {
                        new RegExp(text);
                        return true;
                    } catch {
                        return false;
                    }
                },
                { message: "must be a valid regular expression" },
            )
            .optional(),
        reason: z.string({ message: "say why the instance needs no backup" }).trim().min(1, "say why the instance needs no backup"),
        expires: z
            .string({ message: "must be a date YYYY-MM-DD, quoted in YAML" })
            .refine(isCalendarDate, { message: "must be a real date YYYY-MM-DD" }),
    })
    .refine((e) => [e.instanceId, e.urn, e.namePattern].filter((s) => s !== undefined).length === 1, {
        message: "name exactly one of instanceId, urn or namePattern",
    });

/** A string that `problem` accepts. */
function lengthChecked(problem: (text: string) => string | undefined) {
    return z.string().superRefine((text, ctx) => {
        const found = problem(text);
        if (found) {
            ctx.addIssue({ code: "custom", message: found });
        }
    });
}

/** What an environment entry adds to an EnvironmentSpec. */
export const manifestExtrasSchema = z.strictObject({
    instances: z
        .array(z.string().regex(INSTANCE_ID, "must be an instance id such as i-0123456789abcdef0"))
        .refine((ids) => new Set(ids).size === ids.length, { message: "lists an instance twice" })
        .default([])
        .describe("Existing instances to enroll by tagging them with the target tags."),
    scope: z
        .strictObject({
            // Only lengths: EC2 takes more characters than targetTags may use, but no instance carries a
            // longer key or value, so such a scope would match nothing and pass silently.
            tags: z
                .record(lengthChecked(tagKeyLengthProblem), lengthChecked(tagValueLengthProblem))
                .describe("Inventory instances with all of these tags must be enrolled or exempted."),
        })
        .optional(),
    exemptions: z.array(exemptionSchema).default([]),
});

export const EXTRA_KEYS = Object.keys(manifestExtrasSchema.shape) as (keyof typeof manifestExtrasSchema.shape)[];

/** An entry as written: every EnvironmentSpec field may come from `defaults`, so all are optional here. */
export const environmentEntrySchema = environmentSchema.partial().extend(manifestExtrasSchema.shape);

export const manifestSchema = z.strictObject({
    version: z.literal(1, { message: "must be 1" }),
    defaults: environmentSchema.partial().optional().describe("Any EnvironmentSpec field, applied under every environment."),
    environments: z
        .record(z.string().regex(ENVIRONMENT_NAME), environmentEntrySchema)
        .describe("Environment name (= stack name, [a-z0-9-], 1-40 characters) -> its settings."),
});

/** The JSON Schema for editors (yaml-language-server), generated from the definition above. */
export function manifestJsonSchema(): Record<string, unknown> {
    return {
        ...z.toJSONSchema(manifestSchema, { io: "input", unrepresentable: "any" }),
        title: "vss-fleet fleet manifest",
    };
}
