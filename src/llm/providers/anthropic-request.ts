// The Anthropic Messages request (`POST /v1/messages`). `max_tokens` is
// required (8192 when the call gives none); system text sits outside the
// messages; `cache: true` asks for automatic prompt caching with a
// top-level `cache_control`. Generation-specific rules follow Anthropic's
// model migration notes: Claude 4.7+ rejects non-default sampling
// parameters and the `enabled` thinking type (adaptive replaces it), so
// those are dropped or rewritten rather than failing with HTTP 400.
// Structured output is forced through a `json_response` tool whose input
// schema is the requested schema. Beta features ride in `anthropic-beta`.

import { type Capabilities, claudeGeneration } from "../catalog/capabilities.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { LlmRequest, ThinkingConfig } from "../provider.ts";
import { anthropicMessages } from "./message-shapes.ts";
import { RUNTIME_ONLY_OVERRIDES } from "./openai-request.ts";

export const INTERLEAVED_THINKING_BETA = "interleaved-thinking-2025-05-14";
const DEFAULT_MAX_TOKENS = 8192;
const DEFAULT_THINKING_BUDGET = 10_000;

/** Claude 4.7 and later: no custom sampling, adaptive thinking only. */
function isClaude47OrLater(model: string): boolean {
  const g = claudeGeneration(model);
  return g !== undefined && (g[0] > 4 || (g[0] === 4 && g[1] >= 7));
}

function thinkingField(thinking: ThinkingConfig, model: string): JsonObject | undefined {
  switch (thinking.mode) {
    case "disabled":
      return undefined;
    case "adaptive":
    case "effort":
      return { type: "adaptive" };
    case "enabled":
      if (isClaude47OrLater(model)) return { type: "adaptive" };
      return { type: "enabled", budget_tokens: thinking.budgetTokens ?? DEFAULT_THINKING_BUDGET };
  }
}

/**
 * `tool_choice` in Anthropic's form: OpenAI strings and function objects
 * are translated (`required` means any tool), a bare name forces that tool.
 */
export function anthropicToolChoice(choice: JsonValue): JsonValue {
  if (typeof choice === "string") {
    if (choice === "auto" || choice === "none" || choice === "any") return { type: choice };
    if (choice === "required") return { type: "any" };
    return { type: "tool", name: choice };
  }
  if (isJsonObject(choice) && choice.type === "function") {
    const fn = isJsonObject(choice.function) ? choice.function : {};
    if (typeof fn.name === "string") return { type: "tool", name: fn.name };
  }
  return choice;
}

/** Adds the `json_response` tool and forces it, so the reply's tool input is the structured answer. */
function forceJsonTool(body: JsonObject, schema: JsonObject): void {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.push({
    name: "json_response",
    description: "Return a structured JSON response matching the schema.",
    input_schema: schema,
  });
  body.tools = tools;
  body.tool_choice = { type: "tool", name: "json_response" };
}

function samplingFields(request: LlmRequest): JsonObject {
  const body: JsonObject = {};
  // Claude 4.7+ answers custom sampling values with HTTP 400.
  if (!isClaude47OrLater(request.model)) {
    if (request.temperature !== null) body.temperature = request.temperature;
    if (request.topP !== null) body.top_p = request.topP;
    if (request.topK !== null) body.top_k = request.topK;
  }
  if (request.stop.length > 0) body.stop_sequences = [...request.stop];
  return body;
}

/** The Messages request body; `streaming` adds `stream: true`. */
export function anthropicRequestBody(request: LlmRequest, streaming: boolean): JsonObject {
  const { messages, system } = anthropicMessages(request.messages, request.system);
  const body: JsonObject = {
    model: request.model,
    messages,
    max_tokens: request.maxTokens > 0 ? request.maxTokens : DEFAULT_MAX_TOKENS,
  };
  if (request.cache) body.cache_control = { type: "ephemeral" };
  if (system !== null) body.system = system;
  Object.assign(body, samplingFields(request));
  if (request.tools && request.tools.length > 0) body.tools = [...request.tools];
  if (request.toolChoice !== null) body.tool_choice = anthropicToolChoice(request.toolChoice);
  const format = request.outputFormat;
  if (format.kind === "json_object") forceJsonTool(body, { type: "object", additionalProperties: true });
  else if (format.kind === "json_schema") forceJsonTool(body, format.schema);
  const thinking = thinkingField(request.thinking, request.model);
  if (thinking) body.thinking = thinking;
  for (const [key, value] of Object.entries(request.providerOverrides ?? {})) {
    if (!RUNTIME_ONLY_OVERRIDES.has(key)) body[key] = value;
  }
  if (streaming) body.stream = true;
  return body;
}

/** The `anthropic-beta` features for a request: the model's own, plus interleaved thinking when it applies. */
export function betaFeatures(request: LlmRequest, caps: Capabilities): string[] {
  const features = [...caps.anthropicBetaFeatures];
  const thinks = request.thinking.mode === "enabled" || request.thinking.mode === "adaptive";
  if (thinks && caps.interleavedThinking && !features.includes(INTERLEAVED_THINKING_BETA)) {
    features.push(INTERLEAVED_THINKING_BETA);
  }
  return features;
}
