// The `/chat/completions` request body (OpenAI's Chat Completions wire
// format, which OpenRouter, Together, Groq, DeepSeek, Fireworks, vLLM,
// TGI and llama.cpp servers also speak). Sampling options go out only when
// the call set them; the token limit is `max_completion_tokens` for models
// that require it (o-series, GPT-5); reasoning maps to `reasoning_effort`,
// or OpenRouter's `reasoning` object; Qwen/DeepSeek templates get
// `chat_template_kwargs` so thinking is switched on or off explicitly.
// `options[<provider>]` overrides are merged in last, so a script can set
// any field the server accepts.

import type { Capabilities } from "../catalog/capabilities.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { LlmRequest, OutputFormat, ThinkingConfig } from "../provider.ts";
import { openAiMessages } from "./message-shapes.ts";

/** `options[<provider>]` keys the runtime itself reads; they are not request fields. */
export const RUNTIME_ONLY_OVERRIDES: ReadonlySet<string> = new Set(["force_native_tool_search"]);

function responseFormat(format: OutputFormat): JsonObject | undefined {
  switch (format.kind) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return {
        type: "json_schema",
        json_schema: { name: "response", schema: format.schema, strict: format.strict },
      };
  }
}

/** OpenRouter's unified `reasoning` object for a thinking setting. */
function openRouterReasoning(thinking: ThinkingConfig): JsonObject | undefined {
  switch (thinking.mode) {
    case "disabled":
      return undefined;
    case "enabled":
      return thinking.budgetTokens === null ? { enabled: true } : { max_tokens: thinking.budgetTokens };
    case "adaptive":
      return { enabled: true };
    case "effort":
      return { effort: thinking.level };
  }
}

/**
 * `tool_choice` in OpenAI's form. Strings (`auto`, `none`, `required`)
 * pass; Anthropic-style objects are translated, so one script can drive
 * either family: `{type: "any"}` means required, `{type: "tool", name}`
 * names a function. A bare tool name selects that function.
 */
export function openAiToolChoice(choice: JsonValue): JsonValue {
  if (typeof choice === "string") {
    if (["auto", "none", "required"].includes(choice)) return choice;
    if (choice === "any") return "required";
    return { type: "function", function: { name: choice } };
  }
  if (isJsonObject(choice)) {
    if (choice.type === "any") return "required";
    if (choice.type === "auto" || choice.type === "none") return choice.type;
    if (choice.type === "tool" && typeof choice.name === "string") {
      return { type: "function", function: { name: choice.name } };
    }
  }
  return choice;
}

function samplingFields(request: LlmRequest, caps: Capabilities): JsonObject {
  const body: JsonObject = {};
  if (request.maxTokens > 0) {
    body[caps.requiresCompletionTokens ? "max_completion_tokens" : "max_tokens"] = request.maxTokens;
  }
  if (request.temperature !== null) body.temperature = request.temperature;
  if (request.topP !== null) body.top_p = request.topP;
  if (request.stop.length > 0) body.stop = [...request.stop];
  if (request.seed !== null) body.seed = request.seed;
  if (request.frequencyPenalty !== null) body.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== null) body.presence_penalty = request.presencePenalty;
  return body;
}

function reasoningFields(request: LlmRequest, caps: Capabilities): JsonObject {
  const body: JsonObject = {};
  const isOpenRouter = request.provider.toLowerCase().includes("openrouter");
  if (isOpenRouter) {
    const reasoning = openRouterReasoning(request.thinking);
    if (reasoning) body.reasoning = reasoning;
  } else if (caps.reasoningEffortSupported && request.thinking.mode === "effort") {
    body.reasoning_effort = request.thinking.level;
  }
  // OpenRouter does not reliably accept template arguments, so they are never sent there.
  if (caps.honorsChatTemplateKwargs && !isOpenRouter) {
    const kwargs: JsonObject = { enable_thinking: request.thinking.mode !== "disabled" };
    if (caps.preserveThinking) kwargs.preserve_thinking = true;
    body.chat_template_kwargs = kwargs;
  }
  return body;
}

/** The request body; `streaming` adds `stream` and asks for usage in the final chunk. */
export function openAiRequestBody(request: LlmRequest, caps: Capabilities, streaming: boolean): JsonObject {
  const messages: JsonObject[] = request.system === null ? [] : [{ role: "system", content: request.system }];
  messages.push(...openAiMessages(request.messages, request.provider === "openai"));
  const body: JsonObject = {
    model: request.model,
    messages,
    ...samplingFields(request, caps),
    ...reasoningFields(request, caps),
  };
  const format = responseFormat(request.outputFormat);
  if (format) body.response_format = format;
  if (request.tools && request.tools.length > 0) body.tools = [...request.tools];
  if (request.toolChoice !== null) body.tool_choice = openAiToolChoice(request.toolChoice);
  for (const [key, value] of Object.entries(request.providerOverrides ?? {})) {
    if (!RUNTIME_ONLY_OVERRIDES.has(key)) body[key] = value;
  }
  if (streaming) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}
