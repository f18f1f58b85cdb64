// Token counts from a provider's `usage` object. Each family names the
// prompt-cache counters differently (Anthropic at the top level, OpenAI
// under `prompt_tokens_details`, OpenRouter and the Responses API under
// yet other names); these readers try every known spelling so cache
// accounting (`cache_read_tokens`, `cache_hit_ratio`, savings) works for
// whichever server answered.

import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { Usage } from "../provider.ts";

const int = (v: JsonValue | undefined): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : undefined;

function nested(usage: JsonObject, outer: string, inner: string): number | undefined {
  const o = usage[outer];
  return isJsonObject(o) ? int(o[inner]) : undefined;
}

/** Prompt tokens served from the provider's cache (0 when not reported). */
export function cacheReadTokens(usage: JsonValue | undefined): number {
  if (!isJsonObject(usage)) return 0;
  return (
    int(usage.cache_read_input_tokens) ??
    nested(usage, "prompt_tokens_details", "cached_tokens") ??
    nested(usage, "input_tokens_details", "cached_tokens") ??
    int(usage.cache_read_tokens) ??
    int(usage.cached_prompt_tokens) ??
    0
  );
}

/** Prompt tokens written to the provider's cache (0 when not reported). */
export function cacheWriteTokens(usage: JsonValue | undefined): number {
  if (!isJsonObject(usage)) return 0;
  return (
    int(usage.cache_creation_input_tokens) ??
    nested(usage, "prompt_tokens_details", "cache_write_tokens") ??
    nested(usage, "prompt_tokens_details", "cache_creation_input_tokens") ??
    nested(usage, "input_tokens_details", "cache_write_tokens") ??
    nested(usage, "input_tokens_details", "cache_creation_input_tokens") ??
    0
  );
}

/** A mutable usage tally streams update as counts arrive. */
export class UsageTally {
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;

  /** Takes the counts `usage` reports under the given field names; absent ones keep their value. */
  update(usage: JsonValue | undefined, inputField: string, outputField: string): void {
    if (!isJsonObject(usage)) return;
    this.inputTokens = int(usage[inputField]) ?? this.inputTokens;
    this.outputTokens = int(usage[outputField]) ?? this.outputTokens;
    const read = cacheReadTokens(usage);
    if (read > 0) this.cacheReadTokens = read;
    const write = cacheWriteTokens(usage);
    if (write > 0) this.cacheWriteTokens = write;
  }

  snapshot(): Usage {
    return {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
    };
  }
}
