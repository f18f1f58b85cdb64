// The tool names a prompt refers to: identifiers written as calls
// (`run_command(`) and names right after `<tool_call>`. Fenced code, lines
// marked `harn-tool-surface: ignore-line` / `tool-surface-ignore`, the line
// after `ignore-next-line` and `ignore-start`..`ignore-end` blocks are
// skipped, so prompts can show examples without binding them.

/** Words that read like calls in prose but are never tools. */
const STOPWORDS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "return",
  "function",
  "fn",
  "JSON",
  "print",
  "println",
  "contains",
  "len",
  "render",
  "render_prompt",
]);

/** The prompt text with suppressed lines removed. */
function bindingText(text: string): string {
  let out = "";
  let fence = false;
  let block = false;
  let skipNext = false;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t.startsWith("```")) {
      fence = !fence;
      continue;
    }
    if (t.includes("harn-tool-surface: ignore-start")) {
      block = true;
      continue;
    }
    if (t.includes("harn-tool-surface: ignore-end")) {
      block = false;
      continue;
    }
    if (t.includes("harn-tool-surface: ignore-next-line")) {
      skipNext = true;
      continue;
    }
    if (fence || block || t.includes("harn-tool-surface: ignore-line") || t.includes("tool-surface-ignore"))
      continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    out += `${line}\n`;
  }
  return out;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

export function promptToolReferences(text: string): Set<string> {
  const s = bindingText(text);
  const names = new Set<string>();
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("<tool_call>", i)) {
      i += "<tool_call>".length;
      while (i < s.length && /\s/.test(s[i]!)) i++;
      const start = i;
      while (i < s.length && IDENT.test(s[i]!)) i++;
      if (i > start) names.add(s.slice(start, i));
      continue;
    }
    if (IDENT_START.test(s[i]!)) {
      const start = i++;
      while (i < s.length && IDENT.test(s[i]!)) i++;
      const name = s.slice(start, i);
      let j = i;
      while (j < s.length && /\s/.test(s[j]!)) j++;
      if (s[j] === "(" && !STOPWORDS.has(name)) names.add(name);
      continue;
    }
    i++;
  }
  return names;
}
