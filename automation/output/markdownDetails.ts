/**
 * Markdown for a GitHub pull-request or issue comment that must fit GitHub's limit whatever the
 * fleet size: a head that is always kept (the counts), then `<details>` blocks whose lists are cut,
 * last block first, with a note that says so and where the rest is. discover, verify and the
 * driver's preview comment share it, so each cuts the same way and none can overshoot.
 */

/** GitHub refuses issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** One `<details>` block: its summary line and its list items, both already escaped markdown. */
export interface DetailsBlock {
    readonly title: string;
    readonly items: readonly string[];
}

/** Room kept for the "- ... and N more" line. */
const MORE_LINE = 40;
const open = (block: DetailsBlock) => `\n\n<details><summary>${block.title}</summary>\n\n`;
const CLOSE = "\n</details>";

/**
 * `head` and every block when that fits in `limit` characters (exactly `limit` fits); otherwise as
 * many blocks and items as fit with room left for `cutNote`, which is then appended. The head is
 * never cut: keep it small.
 */
export function fitDetails(head: string, blocks: readonly DetailsBlock[], cutNote: string, limit: number): string {
    const whole = head + blocks.map((b) => `${open(b)}${b.items.map((i) => `- ${i}\n`).join("")}${CLOSE}`).join("");
    if (whole.length <= limit) {
        return whole;
    }
    const cut = `\n\n${cutNote}`;
    let text = head;
    let truncated = false;
    for (const block of blocks) {
        const opening = open(block);
        // Room for the opening, the "N more" line (should no item fit), the close and the cut note.
        if (text.length + opening.length + MORE_LINE + CLOSE.length + cut.length > limit) {
            truncated = true;
            break;
        }
        text += opening;
        let shown = 0;
        for (const item of block.items) {
            const line = `- ${item}\n`;
            // Room for this line, the "N more" line, the close and the cut note.
            if (text.length + line.length + MORE_LINE + CLOSE.length + cut.length > limit) {
                break;
            }
            text += line;
            shown++;
        }
        if (shown < block.items.length) {
            text += `- ... and ${block.items.length - shown} more\n`;
            truncated = true;
        }
        text += CLOSE;
    }
    return truncated ? text + cut : text;
}

/** Instance names, tag values and resource names are user text: keep them from opening HTML or markdown. */
export function escapeMarkdown(text: string): string {
    return text.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c] ?? c).replace(/([*_`|[\]])/g, "\\$1");
}
