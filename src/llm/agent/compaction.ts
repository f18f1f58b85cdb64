// Keeping an agent's conversation inside its context window (spec:
// "Transcript compaction"). Two tiers: when the estimate passes
// `token_threshold`, the middle of the conversation (after `keep_first`,
// before `keep_last`) is replaced by one summary turn, made by the
// configured strategy — `observation_mask` (deterministic: keep prose,
// mask long tool output), `truncate`, `llm` (a model-written summary) or
// `custom` (a Harn callback); if the result still passes
// `hard_limit_tokens`, the summary itself is compacted again. Oversized
// single tool results are shortened by `microcompact`, which keeps the
// head, the tail and any diagnostic lines in between.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { JsonObject } from "../json.ts";
import { type Options, optBool, optInt, optStr, optValue } from "../option-values.ts";
import { contentText } from "./messages.ts";

export type CompactStrategy = "llm" | "truncate" | "custom" | "observation_mask";

export interface AutoCompactConfig {
  keepFirst: number;
  tokenThreshold: number;
  toolOutputMaxChars: number;
  keepLast: number;
  strategy: CompactStrategy;
  hardLimitTokens: number | null;
  hardLimitStrategy: CompactStrategy;
  customCompactor: Value | null;
  maskCallback: Value | null;
  compressCallback: Value | null;
  /** The user-facing policy label (`hybrid`, `truncate`, ...), reported in compaction events. */
  policyStrategy: string;
  /** A prompt template asset for `llm` summaries (bindings: formatted_messages, archived_count). */
  summarizePrompt: string | null;
}

export function defaultCompaction(): AutoCompactConfig {
  return {
    keepFirst: 0,
    tokenThreshold: 48_000,
    toolOutputMaxChars: 16_000,
    keepLast: 12,
    strategy: "observation_mask",
    hardLimitTokens: null,
    hardLimitStrategy: "llm",
    customCompactor: null,
    maskCallback: null,
    compressCallback: null,
    policyStrategy: "observation_mask",
    summarizePrompt: null,
  };
}

export function parseCompactStrategy(v: string): CompactStrategy {
  if (v === "llm" || v === "truncate" || v === "custom" || v === "observation_mask") return v;
  throw runtimeError(
    `unknown compact_strategy '${v}' (expected 'llm', 'truncate', 'custom', or 'observation_mask')`,
  );
}

/** The `compaction:` policy labels and how each lowers onto the two tiers. */
function applyPolicyLabel(
  ac: AutoCompactConfig,
  label: string,
  keepFirst: number,
  keepLast: number,
  builtin: string,
): boolean {
  const tiers: Record<string, [CompactStrategy, CompactStrategy, number | null]> = {
    truncate: ["truncate", "truncate", keepLast],
    summarize_middle: ["llm", "llm", keepLast],
    summarize: ["llm", "llm", keepLast],
    llm: ["llm", "llm", keepLast],
    summarize_all: ["llm", "llm", 0],
    hybrid: ["llm", "truncate", keepLast],
  };
  if (label === "none") return false;
  const tier = tiers[label];
  if (!tier) {
    throw runtimeError(
      `${builtin}: unknown compaction strategy '${label}' (expected none, truncate, summarize_middle, summarize_all, or hybrid)`,
    );
  }
  ac.policyStrategy = label === "summarize" || label === "llm" ? "summarize_middle" : label;
  ac.keepFirst = keepFirst;
  ac.keepLast = tier[2] ?? keepLast;
  ac.strategy = tier[0];
  ac.hardLimitStrategy = tier[1];
  return true;
}

function nonNegative(o: Options, key: string, builtin: string): number | undefined {
  const v = optInt(o, key);
  if (v !== undefined && v < 0) throw runtimeError(`${builtin}: ${key} must be >= 0`);
  return v;
}

/** `compaction:` (a label, bool or `{strategy, keep_first_n, keep_last_n}`) as a policy; false means off. */
function applyCompactionOption(ac: AutoCompactConfig, o: Options, builtin: string): boolean {
  const v = optValue(o, "compaction");
  if (v === undefined || v === true) return applyPolicyLabel(ac, "hybrid", 0, 10, builtin);
  if (v === false) return false;
  if (typeof v === "string") return applyPolicyLabel(ac, v, 0, 10, builtin);
  if (!(v instanceof Dict)) throw runtimeError(`${builtin}: compaction must be a string, dict, bool, or nil`);
  const label = [v.get("type"), v.get("kind"), v.get("strategy")].find((x) => typeof x === "string") as
    | string
    | undefined;
  const int = (x: Value): number | undefined => (typeof x === "number" ? x : undefined);
  const keepFirst =
    int(v.get("keep_first_n")) ?? int(v.get("keep_first")) ?? optInt(o, "compact_keep_first") ?? 0;
  const keepLast =
    int(v.get("keep_last_n")) ?? int(v.get("keep_last")) ?? optInt(o, "compact_keep_last") ?? 10;
  if (keepFirst < 0 || keepLast < 0) throw runtimeError(`${builtin}: compaction keep counts must be >= 0`);
  return applyPolicyLabel(ac, label ?? "hybrid", keepFirst, keepLast, builtin);
}

/** The legacy `auto_compact: true` knobs: `compact_strategy`, `hard_limit_strategy`, `compact_callback`. */
function applyLegacyOptions(ac: AutoCompactConfig, o: Options): void {
  const strategy = optStr(o, "compact_strategy");
  if (strategy !== undefined) {
    ac.policyStrategy = strategy;
    ac.strategy = parseCompactStrategy(strategy);
  }
  const hard = optStr(o, "hard_limit_strategy");
  if (hard !== undefined) ac.hardLimitStrategy = parseCompactStrategy(hard);
  const callback = optValue(o, "compact_callback");
  if (callback !== undefined) {
    ac.customCompactor = callback;
    if (strategy === undefined) {
      ac.strategy = "custom";
      ac.policyStrategy = "custom";
    }
  }
}

/** The loop's compaction config, or null when compaction is switched off. Default: hybrid, on. */
export function parseLoopCompaction(o: Options, builtin: string): AutoCompactConfig | null {
  const ac = defaultCompaction();
  const hasCompaction = o?.map.has("compaction") ?? false;
  const hasAuto = o?.map.has("auto_compact") ?? false;
  if (hasCompaction) {
    if (!applyCompactionOption(ac, o, builtin)) return null;
  } else if (hasAuto) {
    if (!optBool(o, "auto_compact")) return null;
    applyLegacyOptions(ac, o);
  } else {
    applyPolicyLabel(ac, "hybrid", 0, 10, builtin);
  }
  const threshold = nonNegative(o, "compact_threshold", builtin);
  if (threshold !== undefined) ac.tokenThreshold = threshold;
  const maxChars = nonNegative(o, "tool_output_max_chars", builtin);
  if (maxChars !== undefined) ac.toolOutputMaxChars = maxChars;
  const keepFirst = nonNegative(o, "compact_keep_first", builtin);
  if (keepFirst !== undefined) ac.keepFirst = keepFirst;
  const keepLast = nonNegative(o, "compact_keep_last", builtin);
  if (keepLast !== undefined) ac.keepLast = keepLast;
  const hardLimit = nonNegative(o, "hard_limit_tokens", builtin);
  if (hardLimit !== undefined) ac.hardLimitTokens = hardLimit;
  ac.summarizePrompt = optStr(o, "summarize_prompt") ?? null;
  ac.maskCallback = optValue(o, "mask_callback") ?? null;
  ac.compressCallback = optValue(o, "compress_callback") ?? null;
  if (!hasCompaction && hasAuto) applyLegacyOptions(ac, o);
  return ac;
}

/** Tokens of a message list, estimated at four characters of string content each. */
export function estimateTokens(messages: readonly JsonObject[]): number {
  return Math.floor(messages.reduce((n, m) => n + contentText(m).length, 0) / 4);
}

const DIAGNOSTIC_WEAK = [
  "cannot find",
  "not found",
  "no such",
  "unresolved",
  "missing",
  "declared but not used",
  "unused",
  "mismatch",
];

function isDiagnosticLine(line: string): boolean {
  const t = line.trim();
  const lower = t.toLowerCase();
  const fileLine = /:\d/.test(t);
  const strong = t.includes("FAIL") || t.includes("panic") || t.includes("Panic");
  const weak =
    ["error", "undefined", "expected", "got"].some((w) => t.includes(w)) ||
    DIAGNOSTIC_WEAK.some((w) => lower.includes(w));
  const positional =
    lower.includes(" error ") ||
    lower.startsWith("error:") ||
    lower.startsWith("warning:") ||
    lower.startsWith("note:") ||
    lower.includes("panic:");
  return strong || (fileLine && weak) || positional;
}

function headUpTo(s: string, max: number): string {
  if (max >= s.length) return s;
  const nl = s.lastIndexOf("\n", max - 1);
  return nl >= 0 ? s.slice(0, nl + 1) : s.slice(0, max);
}

function tailFrom(s: string, start: number): string {
  if (start <= 0) return s;
  if (start >= s.length) return "";
  const nl = s.indexOf("\n", start);
  return nl >= 0 && nl + 1 < s.length ? s.slice(nl + 1) : s.slice(start);
}

/** Shortens a tool result to about `maxChars`, keeping head, tail and diagnostic lines. */
export function microcompact(output: string, maxChars: number): string {
  if (output.length <= maxChars || maxChars < 200) return output;
  const diagnostics = output.split("\n").filter(isDiagnosticLine).slice(0, 32);
  if (diagnostics.length > 0) {
    const joined = diagnostics.join("\n");
    const keep = Math.floor(Math.max(0, maxChars - joined.length - 64) / 2);
    if (keep >= 80 && output.length > keep * 2) {
      const head = headUpTo(output, keep);
      const tail = tailFrom(output, output.length - keep);
      return `${head}\n\n[diagnostic lines preserved]\n${joined}\n\n[... output compacted ...]\n\n${tail}`;
    }
  }
  const keep = Math.floor(maxChars / 2);
  const head = headUpTo(output, keep);
  const tail = tailFrom(output, output.length - keep);
  const snipped = Math.max(0, output.length - head.length - tail.length);
  return `${head}\n\n[... ${snipped} characters snipped ...]\n\n${tail}`;
}

/** What compaction needs from its caller: a model summary and Harn callbacks. */
export interface CompactionServices {
  summarize?(prompt: string): Promise<string>;
  /** Renders a prompt template asset with the summary bindings; absent when templates are unavailable. */
  renderPrompt?(path: string, bindings: Dict): string;
  call(fn: Value, args: Value[]): Promise<Value>;
  toValue(messages: readonly JsonObject[]): Value;
}

const roleOf = (m: JsonObject): string => (typeof m.role === "string" ? m.role : "user");

function truncateSummary(old: readonly JsonObject[], archived: number, llmFallback: boolean): string {
  const parts = old
    .filter((m) => contentText(m) !== "")
    .slice(0, 15)
    .map((m) => {
      const c = contentText(m);
      const text = c.length > 500 ? `${c.slice(0, 500)}... [truncated from ${c.length} chars]` : c;
      return `[${roleOf(m)}] ${text}`;
    });
  const header = llmFallback
    ? `[auto-compact fallback: LLM summarizer returned empty; ${archived} older messages abbreviated to ~500 chars each]`
    : `[auto-compacted ${archived} older messages via truncate strategy]`;
  const more = archived > 15 ? `\n... and ${archived - 15} more` : "";
  return `${header}\n${parts.join("\n")}${more}`;
}

function maskedLine(role: string, content: string): string {
  const lines = content.split("\n");
  if (lines.length <= 3) return `[${role}] ${content}`;
  return `[${role}] ${lines[0]!.slice(0, 120)}... [${lines.length} lines, ${content.length} chars masked]`;
}

function observationMask(
  old: readonly JsonObject[],
  archived: number,
  custom: readonly (string | null)[],
): string {
  const parts = [`[auto-compacted ${archived} older messages via observation masking]`];
  old.forEach((m, i) => {
    const content = contentText(m);
    if (content === "") return;
    const role = roleOf(m);
    if (role === "assistant" || content.length < 500) parts.push(`[${role}] ${content}`);
    else parts.push(custom[i] ?? maskedLine(role, content));
  });
  return parts.join("\n");
}

function summaryText(v: Value): string {
  if (v instanceof Dict) {
    const s = v.map.get("summary") ?? v.map.get("text");
    if (s !== undefined) return display(s);
  }
  if (typeof v === "string") return v;
  if (v === null) return "";
  return display(v);
}

async function applyStrategy(
  strategy: CompactStrategy,
  old: readonly JsonObject[],
  archived: number,
  config: AutoCompactConfig,
  services: CompactionServices,
  allowMask: boolean,
): Promise<string> {
  switch (strategy) {
    case "truncate":
      return truncateSummary(old, archived, false);
    case "llm": {
      if (!services.summarize)
        throw runtimeError("LLM transcript compaction requires active LLM call options");
      const formatted = old.map((m) => `${roleOf(m).toUpperCase()}: ${contentText(m)}`).join("\n");
      const template = config.summarizePrompt;
      const prompt =
        template !== null && template.trim() !== "" && services.renderPrompt
          ? services.renderPrompt(
              template,
              Dict.of({ formatted_messages: formatted, archived_count: archived }),
            )
          : `Summarize these archived conversation messages for a follow-on agent. Keep goals, constraints, decisions, completed tool work, open issues and next actions. Reply with the summary only.\n\nArchived message count: ${archived}\n\nConversation:\n${formatted}`;
      const summary = (await services.summarize(prompt)).trim();
      return summary === ""
        ? truncateSummary(old, archived, true)
        : `[auto-compacted ${archived} older messages]\n${summary}`;
    }
    case "custom": {
      if (config.customCompactor === null) {
        throw runtimeError("compact_callback is required when compact_strategy is 'custom'");
      }
      const summary = summaryText(await services.call(config.customCompactor, [services.toValue(old)]));
      return summary.trim() === ""
        ? truncateSummary(old, archived, false)
        : `[auto-compacted ${archived} older messages]\n${summary}`;
    }
    case "observation_mask": {
      let custom: (string | null)[] = [];
      if (allowMask && config.maskCallback !== null) {
        const r = await services.call(config.maskCallback, [services.toValue(old)]);
        custom = Array.isArray(r) ? r.map((x) => (typeof x === "string" ? x : null)) : [];
      }
      return observationMask(old, archived, custom);
    }
  }
}

const isToolTurn = (m: JsonObject): boolean =>
  m.role === "tool" || m.tool_calls !== undefined || (m.reasoning !== undefined && m.reasoning !== null);

/** Where the archived middle ends: a user-turn boundary that does not orphan tool results. */
function splitPoint(messages: readonly JsonObject[], start: number, keepLast: number): number {
  const naive = Math.max(0, messages.length - keepLast);
  let split = naive;
  while (split > start && split < messages.length && messages[split]!.role !== "user") split--;
  if (split === start) split = naive;
  const volatile = messages.slice(split).findIndex(isToolTurn);
  if (volatile >= 0) {
    for (let i = split + volatile - 1; i >= 0; i--) {
      if (messages[i]!.role === "user") {
        if (i > start) split = i;
        break;
      }
    }
  }
  return split;
}

/**
 * Compacts `messages` in place; returns the summary turn's text, or null
 * when there was nothing to archive.
 */
export async function autoCompactMessages(
  messages: JsonObject[],
  config: AutoCompactConfig,
  services: CompactionServices,
): Promise<string | null> {
  if (messages.length <= config.keepFirst + config.keepLast) return null;
  const start = Math.min(config.keepFirst, messages.length);
  const split = splitPoint(messages, start, config.keepLast);
  if (split <= start) return null;
  const old = messages.splice(start, split - start);
  let summary = await applyStrategy(config.strategy, old, old.length, config, services, true);
  if (config.hardLimitTokens !== null) {
    const estimated = estimateTokens([{ role: "user", content: summary }, ...messages]);
    if (estimated > config.hardLimitTokens) {
      summary = await applyStrategy(
        config.hardLimitStrategy,
        [{ role: "user", content: summary }],
        old.length,
        config,
        services,
        false,
      );
    }
  }
  messages.splice(start, 0, { role: "user", content: summary });
  return summary;
}
