// The dict `llm_call` returns (spec: "llm_call result"): text and prose,
// model/provider, token counts and cache accounting (flat and under
// `usage`), parsed `data` for structured calls, `tool_calls` when the model
// made any, thinking fields when present, and the raw content `blocks`.
// Replies that use the tagged text protocol (`<assistant_prose>`, `<done>`)
// expose the prose and the done marker separately.

import { Dict, HFloat, type Value } from "../vm/values.ts";
import { cacheHitRatio, cacheSavingsUsd } from "./catalog/pricing.ts";
import { jsonToValue } from "./json.ts";
import { type LlmResponse, toolCallJson } from "./provider.ts";

const TAGS = ["<assistant_prose>", "<user_response>", "<done>", "<tool_call>"];

function tagBody(text: string, tag: string): string | undefined {
  const open = text.indexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const start = open + tag.length + 2;
  const close = text.indexOf(`</${tag}>`, start);
  return (close < 0 ? text.slice(start) : text.slice(start, close)).trim();
}

/** Prose and done marker of a tagged-protocol reply (prose falls back to the text). */
function taggedParts(text: string): { prose: string; done: string | undefined } {
  if (!TAGS.some((t) => text.includes(t))) return { prose: text, done: undefined };
  const prose = tagBody(text, "assistant_prose") ?? tagBody(text, "user_response");
  return { prose: prose ?? text, done: tagBody(text, "done") };
}

/** Token and cache accounting of a response, as `usage` reports it. */
export function usageDict(r: LlmResponse): Dict {
  const u = r.usage;
  return Dict.of({
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_tokens: u.cacheWriteTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_hit_ratio: new HFloat(cacheHitRatio(u.inputTokens, u.cacheReadTokens, u.cacheWriteTokens)),
    cache_savings_usd: new HFloat(
      cacheSavingsUsd(r.provider, r.model, u.cacheReadTokens, u.cacheWriteTokens),
    ),
  });
}

export const EMPTY_USAGE = Dict.of({
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_hit_ratio: new HFloat(0),
  cache_savings_usd: new HFloat(0),
});

/** The result dict; `data` is set (even to nil) only for structured calls that parsed. */
export function resultDict(r: LlmResponse, data: { value: Value } | undefined): Dict {
  const usage = usageDict(r);
  const m = new Map<string, Value>([
    ["text", r.text],
    ["model", r.model],
    ["provider", r.provider],
    ["input_tokens", r.usage.inputTokens],
    ["output_tokens", r.usage.outputTokens],
    ["cache_read_tokens", r.usage.cacheReadTokens],
    ["cache_write_tokens", r.usage.cacheWriteTokens],
    ["cache_creation_input_tokens", r.usage.cacheWriteTokens],
    ["cache_hit_ratio", usage.get("cache_hit_ratio")],
    ["cache_savings_usd", usage.get("cache_savings_usd")],
    ["usage", usage],
  ]);
  if (data) m.set("data", data.value);
  if (r.toolCalls.length > 0)
    m.set(
      "tool_calls",
      r.toolCalls.map((c) => jsonToValue(toolCallJson(c))),
    );
  const { prose, done } = taggedParts(r.text);
  m.set("prose", prose);
  if (done !== undefined) m.set("done_marker", done);
  if (r.thinking !== null) {
    m.set("thinking", r.thinking);
    m.set("private_reasoning", r.thinking);
  }
  if (r.thinkingSummary !== null) m.set("thinking_summary", r.thinkingSummary);
  if (r.stopReason !== null) m.set("stop_reason", r.stopReason);
  m.set("visible_text", prose);
  m.set("blocks", r.blocks.map(jsonToValue));
  return new Dict(m);
}
