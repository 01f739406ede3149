/**
 * "Is this a Windows instance?", decided only from inputs that are known at preview: a policy that
 * reads an unknown value is downgraded to advisory, so nothing here may touch a value that the
 * engine fills in later. Signals, strongest first: the AMI (a configured list, or resolved through
 * EC2 DescribeImages), `getPasswordData` (Windows-only), `<powershell>` user data, OS/Platform tags.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";

export interface WindowsDetectionConfig {
    /** AMI ids known to be Windows (for offline use, or AMIs that DescribeImages cannot see). */
    readonly windowsAmiIds?: readonly string[];
    /** AMI ids known NOT to be Windows: overrides every other signal. */
    readonly nonWindowsAmiIds?: readonly string[];
    /** Regular expressions matched against AMI names that DescribeImages returns. */
    readonly windowsAmiNamePatterns?: readonly string[];
    /** Resolve unknown AMIs with EC2 DescribeImages (needs credentials); default true. */
    readonly resolveAmis?: boolean;
}

/** What DescribeImages says of an AMI: `windows` platform and its name. */
export interface AmiFacts {
    readonly platform?: string;
    readonly name?: string;
}

/** Looks AMIs up; injectable so tests and the offline engine never call AWS. */
export type AmiResolver = (amiIds: readonly string[], region?: string) => Promise<Map<string, AmiFacts>>;

/**
 * The live resolver: one DescribeImages call per region and batch, cached per AMI for the process.
 * The EC2 client is loaded on the first lookup: the offline plan never makes one, and the SDK is
 * hundreds of modules to load.
 */
export function describeImagesResolver(makeClient?: (region?: string) => EC2Client): AmiResolver {
    const cache = new Map<string, AmiFacts | null>();
    return async (amiIds, region) => {
        const missing = [...new Set(amiIds)].filter((id) => !cache.has(`${region}/${id}`));
        if (missing.length === 0) {
            return found(amiIds, region, cache);
        }
        const { DescribeImagesCommand, EC2Client } = await import("@aws-sdk/client-ec2");
        const client = makeClient ?? ((r?: string) => new EC2Client({ region: r }));
        for (let i = 0; i < missing.length; i += 100) {
            const batch = missing.slice(i, i + 100);
            // A filter, not ImageIds: with ImageIds, EC2 fails the whole call (InvalidAMIID.NotFound) when one
            // AMI of the batch was deregistered or is no longer shared; the filter returns the ones that exist.
            const response = await client(region).send(new DescribeImagesCommand({ Filters: [{ Name: "image-id", Values: batch }] }));
            for (const id of batch) {
                const image = response.Images?.find((img) => img.ImageId === id);
                cache.set(`${region}/${id}`, image ? { platform: image.Platform, name: image.Name } : null);
            }
        }
        return found(amiIds, region, cache);
    };
}

function found(amiIds: readonly string[], region: string | undefined, cache: ReadonlyMap<string, AmiFacts | null>): Map<string, AmiFacts> {
    const out = new Map<string, AmiFacts>();
    for (const id of amiIds) {
        const facts = cache.get(`${region}/${id}`);
        if (facts) {
            out.set(id, facts);
        }
    }
    return out;
}

/** The preview-known facts about an instance or launch template that hint at its OS. */
export interface OsHints {
    readonly ami?: string;
    readonly getPasswordData?: boolean;
    readonly userData?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

const OS_TAG_KEYS = ["OS", "os", "Os", "Platform", "platform", "OperatingSystem"];

/** Why `hints` look like Windows, or undefined. `ami` facts come from the resolver when known. */
export function windowsReason(hints: OsHints, config: WindowsDetectionConfig, ami?: AmiFacts): string | undefined {
    if (hints.ami && config.nonWindowsAmiIds?.includes(hints.ami)) {
        return undefined;
    }
    if (hints.ami && config.windowsAmiIds?.includes(hints.ami)) {
        return `its AMI ${hints.ami} is listed as Windows`;
    }
    if (ami?.platform?.toLowerCase() === "windows") {
        return `its AMI ${hints.ami} has platform windows`;
    }
    const pattern = ami?.name ? config.windowsAmiNamePatterns?.find((p) => new RegExp(p, "i").test(ami.name ?? "")) : undefined;
    if (pattern) {
        return `its AMI name '${ami?.name}' matches ${pattern}`;
    }
    if (hints.getPasswordData === true) {
        return "it sets getPasswordData, which only Windows instances support";
    }
    if (hints.userData && /<powershell>|<script>/i.test(decodeUserData(hints.userData))) {
        return "its user data is a <powershell> script";
    }
    const osTag = OS_TAG_KEYS.find((key) => /windows/i.test(hints.tags?.[key] ?? ""));
    if (osTag) {
        return `its ${osTag} tag says ${hints.tags?.[osTag]}`;
    }
    return undefined;
}

/** User data may be plain or base64 (userDataBase64, launch templates). */
function decodeUserData(text: string): string {
    if (/^[A-Za-z0-9+/]+=*$/.test(text.trim()) && text.trim().length % 4 === 0) {
        return Buffer.from(text.trim(), "base64").toString("utf8");
    }
    return text;
}
