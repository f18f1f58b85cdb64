// The provider interface (DESIGN §8): one shape for every backend, so the
// deterministic mock and the HTTP providers (OpenAI-compatible, Anthropic,
// built in llm/transport) are interchangeable behind `llm_call`. Requests and
// responses are plain JSON data; a provider never sees Harn values. A
// provider signals failure by throwing an `LlmError` (llm/errors.ts) whose
// category drives retries and the error dict scripts catch.

import type { JsonObject, JsonValue } from "./json.ts";

/** Typed `thinking` option; serialised into mock call records as `{mode, ...}`. */
export type ThinkingConfig =
  | { readonly mode: "disabled" }
  | { readonly mode: "enabled"; readonly budgetTokens: number | null }
  | { readonly mode: "adaptive" }
  | { readonly mode: "effort"; readonly level: "low" | "medium" | "high" };

/** Structured-output request shape; providers map it onto their wire format. */
export type OutputFormat =
  | { readonly kind: "text" }
  | { readonly kind: "json_object" }
  | { readonly kind: "json_schema"; readonly schema: JsonObject; readonly strict: boolean };

/** Everything a provider needs for one chat completion. */
export interface LlmRequest {
  readonly provider: string;
  readonly model: string;
  /** Resolved credential ("" when the provider needs none). */
  readonly apiKey: string;
  /** Base URL from the catalog or its `*_BASE_URL` environment override ("" when unknown). */
  readonly baseUrl: string;
  readonly messages: readonly JsonObject[];
  readonly system: string | null;
  readonly maxTokens: number;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly topK: number | null;
  readonly stop: readonly string[];
  readonly seed: number | null;
  readonly frequencyPenalty: number | null;
  readonly presencePenalty: number | null;
  /** Native tool definitions (`{name, description, parameters}` or a provider's own shape). */
  readonly tools: readonly JsonObject[] | null;
  readonly toolChoice: JsonValue;
  readonly thinking: ThinkingConfig;
  readonly outputFormat: OutputFormat;
  /** The messages carry images (or `vision: true` was asked for). */
  readonly vision: boolean;
  /** Ask the provider to cache the prompt prefix. */
  readonly cache: boolean;
  readonly stream: boolean;
  readonly timeoutMs: number | null;
  /** Provider-specific overrides from `options[<provider>]`. */
  readonly providerOverrides: JsonObject | null;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonValue;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** One completed response. `blocks` are the canonical content blocks (`output_text`, `tool_call`, ...). */
export interface LlmResponse {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: Usage;
  readonly model: string;
  readonly provider: string;
  readonly thinking: string | null;
  readonly thinkingSummary: string | null;
  readonly stopReason: string | null;
  readonly blocks: readonly JsonObject[];
}

/** Receives text deltas while a streamed response is produced. */
export type DeltaSink = (text: string) => void;

export interface LlmProvider {
  readonly name: string;
  /** Runs one completion; rejects with an `LlmError` on provider failure. */
  generate(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse>;
  /** Streams text deltas to `onDelta`, then resolves with the full response. */
  stream?(request: LlmRequest, onDelta: DeltaSink, signal: AbortSignal): Promise<LlmResponse>;
  /** Probes the provider with `apiKey` for `llm_healthcheck`. */
  healthcheck?(apiKey: string, signal: AbortSignal): Promise<HealthcheckResult>;
}

export interface HealthcheckResult {
  readonly valid: boolean;
  readonly message: string;
  readonly metadata: JsonObject;
}

export function toolCallJson(call: ToolCall): JsonObject {
  return { id: call.id, type: "tool_call", name: call.name, arguments: call.arguments };
}

export function thinkingJson(t: ThinkingConfig): JsonObject {
  switch (t.mode) {
    case "disabled":
    case "adaptive":
      return { mode: t.mode };
    case "enabled":
      return { mode: t.mode, budget_tokens: t.budgetTokens };
    case "effort":
      return { mode: t.mode, level: t.level };
  }
}
