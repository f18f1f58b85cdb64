// Reading Chat Completions replies: a whole `chat.completion` body, or the
// `chat.completion.chunk` frames of an SSE stream. Text may come with
// reasoning in `reasoning`/`reasoning_content` (OpenRouter, DeepSeek,
// vLLM, Ollama's compatibility endpoint) or inline `<think>` tags; tool
// calls arrive whole, or streamed as fragments keyed by `index` whose id
// and name come first and whose JSON arguments arrive piecewise. Server-
// side tool search records become transcript blocks, never dispatchable
// calls. A reply that bills completion tokens but delivers nothing is an
// error, so an agent loop does not spin on empty turns.

import { LlmError } from "../errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { DeltaSink, LlmRequest, LlmResponse } from "../provider.ts";
import { inBandFailure } from "./http-errors.ts";
import { ResponseBuilder } from "./response-builder.ts";
import { splitThinkTags, ThinkTagSplitter } from "./think-tags.ts";
import { UsageTally } from "./usage-fields.ts";

const str = (v: JsonValue | undefined): string => (typeof v === "string" ? v : "");

/** Text of a content value (a string, or parts with `text`), as one string. */
function contentText(content: JsonValue | undefined): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isJsonObject(part) ? str(part.text) : typeof part === "string" ? part : ""))
    .join("");
}

/** Paragraphs joined by newlines, each trimmed, blanks skipped. */
function paragraphs(parts: readonly string[]): string {
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .join("\n");
}

/** Reasoning summaries come as strings, lists, or objects with `text`/`summary`/`content`. */
function summaryText(value: JsonValue | undefined): string {
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return paragraphs(value.map(summaryText));
  if (isJsonObject(value)) {
    if (typeof value.text === "string") return value.text.trim();
    return summaryText(value.summary ?? value.content);
  }
  return "";
}

function reasoningSummary(json: JsonObject, message: JsonObject): string {
  const reasoning = message.reasoning;
  const parts = [
    summaryText(message.reasoning_summary),
    summaryText(message.thinking_summary),
    isJsonObject(reasoning) ? summaryText(reasoning.summary) : "",
    summaryText(json.reasoning_summary),
  ];
  if (Array.isArray(json.output)) {
    for (const item of json.output) {
      if (isJsonObject(item) && item.type === "reasoning") parts.push(summaryText(item.summary));
    }
  }
  return paragraphs(parts);
}

/** Records a server-side tool-search entry; true when `call` was one. */
function recordToolSearch(builder: ResponseBuilder, call: JsonObject): boolean {
  if (call.type === "tool_search_call") {
    builder.addBlock({
      type: "tool_search_query",
      id: str(call.id),
      name: "tool_search",
      query: call.query ?? call.input ?? null,
      visibility: "internal",
    });
    return true;
  }
  if (call.type === "tool_search_output") {
    builder.addBlock({
      type: "tool_search_result",
      tool_use_id: str(call.call_id) || str(call.id),
      tool_references: Array.isArray(call.tool_references) ? call.tool_references : [],
      visibility: "internal",
    });
    return true;
  }
  return false;
}

/** Tool arguments from JSON text; unparsable text is kept visible under `__parse_error`. */
function parseArguments(text: string): JsonValue {
  try {
    return JSON.parse(text === "" ? "{}" : text) as JsonValue;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      __parse_error: `Could not parse tool arguments as JSON: ${detail}. Raw input: ${text.slice(0, 200)}`,
    };
  }
}

function emptyReplyError(model: string, outputTokens: number): LlmError {
  return new LlmError(
    "generic",
    `openai-compatible model ${model} reported completion_tokens=${outputTokens} but delivered no content, reasoning, or tool calls`,
  );
}

function deliveredNothing(r: LlmResponse): boolean {
  const searched = r.blocks.some((b) => b.type === "tool_search_query" || b.type === "tool_search_result");
  return (
    r.text === "" &&
    r.thinking === null &&
    r.thinkingSummary === null &&
    r.toolCalls.length === 0 &&
    !searched
  );
}

/** An error object a server put in the body instead of (or inside) a completion. */
function errorIn(json: JsonObject, provider: string, phase: "API" | "stream"): LlmError | undefined {
  const error = json.error;
  if (isJsonObject(error) && typeof error.message === "string") {
    return inBandFailure(provider, phase, str(error.type) || str(error.code), error.message);
  }
  if (typeof error === "string" && error !== "") return inBandFailure(provider, phase, "", error);
  return undefined;
}

/** A whole `chat.completion` body as a response. */
export function parseOpenAiCompletion(json: JsonObject, request: LlmRequest): LlmResponse {
  const failure = errorIn(json, request.provider, "API");
  if (failure) throw failure;
  const choice = Array.isArray(json.choices) && isJsonObject(json.choices[0]) ? json.choices[0] : {};
  const message = isJsonObject(choice.message) ? choice.message : {};
  const [visible, inlineThinking] = splitThinkTags(contentText(message.content).trim());
  const reasoning = [message.reasoning, message.reasoning_content].map((r) =>
    typeof r === "string" ? r : isJsonObject(r) ? "" : contentText(r),
  );
  const builder = new ResponseBuilder();
  builder.appendThinking(paragraphs([...reasoning, inlineThinking]));
  builder.appendText(visible);
  const summary = reasoningSummary(json, message);
  if (summary !== "") builder.addBlock({ type: "reasoning_summary", text: summary, visibility: "private" });
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (!isJsonObject(call) || recordToolSearch(builder, call)) continue;
    const fn = isJsonObject(call.function) ? call.function : {};
    const args = typeof fn.arguments === "string" ? parseArguments(fn.arguments) : (fn.arguments ?? {});
    builder.addToolCall(str(call.id), str(fn.name), args);
  }
  const usage = new UsageTally();
  usage.update(json.usage, "prompt_tokens", "completion_tokens");
  const response = builder.build({
    provider: request.provider,
    model: request.model,
    usage: usage.snapshot(),
    stopReason: typeof choice.finish_reason === "string" ? choice.finish_reason : null,
    thinkingSummary: summary === "" ? null : summary,
  });
  if (usage.outputTokens > 0 && deliveredNothing(response))
    throw emptyReplyError(request.model, usage.outputTokens);
  return response;
}

interface StreamedCall {
  id: string;
  name: string;
  args: string;
}

/** Accumulates the frames of a streamed completion; `finish` yields the response. */
export class OpenAiStreamReader {
  private readonly builder = new ResponseBuilder();
  private readonly splitter = new ThinkTagSplitter();
  private readonly calls = new Map<number, StreamedCall>();
  private readonly usage = new UsageTally();
  private stopReason: string | null = null;

  constructor(
    private readonly request: LlmRequest,
    private readonly onDelta: DeltaSink,
  ) {}

  /** Takes one SSE `data` payload. */
  push(data: string): void {
    if (data.trim() === "[DONE]") return;
    let frame: JsonValue;
    try {
      frame = JSON.parse(data) as JsonValue;
    } catch {
      return; // Keep-alive noise and comments carry no completion data.
    }
    if (!isJsonObject(frame)) return;
    const failure = errorIn(frame, this.request.provider, "stream");
    if (failure) throw failure;
    const choice =
      Array.isArray(frame.choices) && isJsonObject(frame.choices[0]) ? frame.choices[0] : undefined;
    if (choice) this.pushChoice(choice);
    if (isJsonObject(frame.usage)) this.usage.update(frame.usage, "prompt_tokens", "completion_tokens");
  }

  finish(): LlmResponse {
    const [visible, thinking] = this.splitter.flush();
    this.builder.appendThinking(thinking);
    this.emitText(visible);
    for (const index of [...this.calls.keys()].sort((a, b) => a - b)) {
      const call = this.calls.get(index)!;
      this.builder.addToolCall(call.id, call.name, parseArguments(call.args));
    }
    const response = this.builder.build({
      provider: this.request.provider,
      model: this.request.model,
      usage: this.usage.snapshot(),
      stopReason: this.stopReason,
    });
    if (this.usage.outputTokens > 0 && deliveredNothing(response)) {
      throw emptyReplyError(this.request.model, this.usage.outputTokens);
    }
    return response;
  }

  private pushChoice(choice: JsonObject): void {
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === "string") {
      const [visible, thinking] = this.splitter.push(delta.content);
      this.builder.appendThinking(thinking);
      this.emitText(visible);
    }
    // Reasoning fragments are token-sized; they concatenate verbatim.
    this.builder.appendThinking(str(delta.reasoning) || str(delta.reasoning_content));
    // Only the first finish_reason counts: some routers repeat it mid-stream.
    if (this.stopReason === null && typeof choice.finish_reason === "string")
      this.stopReason = choice.finish_reason;
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (isJsonObject(call) && !recordToolSearch(this.builder, call)) this.pushToolCall(call);
    }
  }

  private pushToolCall(call: JsonObject): void {
    const index = typeof call.index === "number" ? call.index : 0;
    const fn = isJsonObject(call.function) ? call.function : {};
    let entry = this.calls.get(index);
    if (!entry) {
      entry = { id: "", name: "", args: "" };
      this.calls.set(index, entry);
    }
    // Id and name usually come with the first fragment, but may come later.
    if (entry.id === "" && str(call.id) !== "") entry.id = str(call.id);
    if (entry.name === "" && str(fn.name) !== "") entry.name = str(fn.name);
    if (typeof fn.arguments === "string") entry.args += fn.arguments;
    else if (isJsonObject(fn.arguments)) entry.args = JSON.stringify(fn.arguments);
  }

  private emitText(text: string): void {
    if (text === "") return;
    this.builder.appendText(text);
    this.onDelta(text);
  }
}
