// Tool hooks registered with `register_tool_hook({pattern, deny?,
// max_output?})`: a pre-hook that refuses calls to matching tools and a
// post-hook that shrinks oversized results. The agent loop consults them
// around every dispatch (`preToolUse` / `postToolUse`); `clear_tool_hooks`
// drops them. Patterns are the runtime's simple globs: `*`, `prefix*`,
// `*suffix` or an exact name.

/** `*` alone, a leading or trailing `*`, or an exact name. */
export function toolGlobMatch(pattern: string, name: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return name.endsWith(pattern.slice(1));
  return pattern === name;
}

export interface ToolHook {
  readonly pattern: string;
  /** Refuse matching calls with this reason. */
  readonly deny?: string;
  /** Compact results longer than this many characters. */
  readonly maxOutput?: number;
}

export type PreToolDecision = { readonly kind: "allow" } | { readonly kind: "deny"; readonly reason: string };

/** Shrinks `text` to about `max` characters; the agent loop may pass its microcompactor. */
export type OutputCompactor = (text: string, max: number) => string;

/** Keeps the head and tail of oversized output around an elision marker. */
export const truncateMiddle: OutputCompactor = (text, max) => {
  if (text.length <= max) return text;
  const keep = Math.max(0, Math.floor(max / 2));
  return `${text.slice(0, keep)}\n\n[... output compacted ...]\n\n${text.slice(text.length - keep)}`;
};

export class ToolHooks {
  private readonly hooks: ToolHook[] = [];

  register(hook: ToolHook): void {
    if (hook.deny !== undefined || hook.maxOutput !== undefined) this.hooks.push(hook);
  }

  clear(): void {
    this.hooks.length = 0;
  }

  get size(): number {
    return this.hooks.length;
  }

  /** The first matching deny hook wins. */
  preToolUse(name: string): PreToolDecision {
    for (const h of this.hooks) {
      if (h.deny !== undefined && toolGlobMatch(h.pattern, name)) return { kind: "deny", reason: h.deny };
    }
    return { kind: "allow" };
  }

  /** Applies every matching output limit in registration order. */
  postToolUse(name: string, result: string, compact: OutputCompactor = truncateMiddle): string {
    let out = result;
    for (const h of this.hooks) {
      if (h.maxOutput !== undefined && toolGlobMatch(h.pattern, name) && out.length > h.maxOutput) {
        out = compact(out, h.maxOutput);
      }
    }
    return out;
  }
}
