// Inline `<think>...</think>` reasoning that Qwen/DeepSeek-style chat
// templates put into an OpenAI-compatible reply's content. It is moved
// out of the visible text into the thinking channel, so tool-call parsing
// and progress output see only the answer. The streaming splitter holds
// back a few characters at each chunk boundary, since a tag can be split
// across two deltas.

const OPEN = "<think>";
const CLOSE = "</think>";

/** `[visible, thinking]` of a complete reply; an unclosed tag makes the rest thinking. */
export function splitThinkTags(raw: string): [string, string] {
  if (!raw.includes(OPEN)) return [raw, ""];
  let visible = "";
  let thinking = "";
  let rest = raw;
  for (;;) {
    const start = rest.indexOf(OPEN);
    if (start < 0) {
      visible += rest;
      break;
    }
    visible += rest.slice(0, start);
    const after = rest.slice(start + OPEN.length);
    const end = after.indexOf(CLOSE);
    if (end < 0) {
      thinking += after;
      break;
    }
    thinking += after.slice(0, end);
    rest = after.slice(end + CLOSE.length);
  }
  // Templates emit `<think>...</think>\n\nAnswer`; the blank lines belong to the tag.
  return [visible.replace(/^\n+/, ""), thinking.trim()];
}

/** Incremental `splitThinkTags` over streamed deltas; each call returns `[visible, thinking]` fragments. */
export class ThinkTagSplitter {
  private inThinking = false;
  private carry = "";
  private sawVisible = false;
  private sawThinking = false;

  /** Feeds one delta; returns the visible and thinking text it completes (either may be ""). */
  push(delta: string): [string, string] {
    let input = this.carry + delta;
    this.carry = "";
    let visible = "";
    let thinking = "";
    while (input !== "") {
      const tag = this.inThinking ? CLOSE : OPEN;
      const at = input.indexOf(tag);
      if (at >= 0) {
        if (this.inThinking) thinking += input.slice(0, at);
        else visible += input.slice(0, at);
        input = input.slice(at + tag.length);
        this.inThinking = !this.inThinking;
        if (this.inThinking) this.sawThinking = true;
        continue;
      }
      // Keep a suffix that could be the start of the tag for the next delta.
      const keep = partialTagSuffix(input, tag);
      const settled = input.slice(0, input.length - keep);
      if (this.inThinking) thinking += settled;
      else visible += settled;
      this.carry = input.slice(input.length - keep);
      break;
    }
    return [this.visible(visible), thinking];
  }

  /** End of stream: whatever was held back, as visible text (or thinking inside an open tag). */
  flush(): [string, string] {
    const rest = this.carry;
    this.carry = "";
    return this.inThinking ? ["", rest] : [this.visible(rest), ""];
  }

  /** Drops the newlines that follow a closing tag before any visible text, as the batch splitter does. */
  private visible(text: string): string {
    if (this.sawVisible) return text;
    const trimmed = this.sawThinking ? text.replace(/^\n+/, "") : text;
    if (trimmed !== "") this.sawVisible = true;
    return trimmed;
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}
