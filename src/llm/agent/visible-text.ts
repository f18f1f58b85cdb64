// What of an assistant reply the user should see (`visible_text`): runtime
// blocks (`<think>`, `<tool_call>`, `<done>`, tool results, bare sentinel
// lines) are removed, `<user_response>` wins over `<assistant_prose>`
// (which is unwrapped), fenced planner JSON is dropped, and whitespace is
// normalised.

const INTERNAL_BLOCKS = [
  /<think>[\s\S]*?<\/think>/g,
  /<think>[\s\S]*$/g,
  /<\|tool_call\|>[\s\S]*?<\/\|tool_call\|>/g,
  /<tool_call>[\s\S]*?<\/tool_call>/g,
  /<done>[\s\S]*?<\/done>/g,
  /<tool_result[^>]*>[\s\S]*?<\/tool_result>/g,
  /\[result of [^\]]+\][\s\S]*?\[end of [^\]]+\]/g,
  /^\s*(##DONE##|DONE|PLAN_READY)\s*$/gm,
];

const PLANNER_KEYS = new Set([
  "plan",
  "steps",
  "tool_calls",
  "tool_name",
  "verification",
  "execution_mode",
  "required_outputs",
  "files_to_edit",
  "next_action",
  "reasoning",
  "direction",
  "targets",
  "tasks",
  "unknowns",
]);

const PLANNER_MODES = new Set(["fast_execute", "plan_then_execute", "ask_user"]);

function collectKeys(v: unknown, keys: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) collectKeys(x, keys);
  else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      keys.add(k);
      collectKeys(x, keys);
    }
  }
}

function looksLikePlannerJson(body: string): boolean {
  const trimmed = body.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return false;
  }
  const keys = new Set<string>();
  collectKeys(parsed, keys);
  const mode = (parsed as { mode?: unknown } | null)?.mode;
  return (typeof mode === "string" && PLANNER_MODES.has(mode)) || [...PLANNER_KEYS].some((k) => keys.has(k));
}

function visibleProse(text: string): string {
  const responses = [...text.matchAll(/<user_response>\s*([\s\S]*?)\s*<\/user_response>/g)]
    .map((m) => m[1]!.trim())
    .filter((s) => s !== "");
  if (responses.length > 0) return responses.join("\n\n");
  return text.replace(/<assistant_prose>\s*([\s\S]*?)\s*<\/assistant_prose>/g, "$1");
}

export function sanitizeVisibleText(text: string): string {
  let out = text;
  for (const re of INTERNAL_BLOCKS) out = out.replace(re, "");
  out = visibleProse(out);
  out = out.replace(/```json[^\n]*\n([\s\S]*?)```/g, (whole, body: string) =>
    looksLikePlannerJson(body) ? "" : whole,
  );
  out = out.replace(/\{\s*"mode"\s*:\s*"(?:fast_execute|plan_then_execute|ask_user)"[\s\S]*?\}/g, "");
  return out
    .replace(/\r\n/g, "\n")
    .replace(/\n\n\n/g, "\n\n")
    .trim();
}
