// Reading Anthropic Messages replies: a whole `message` body, or the named
// SSE events of a stream (message_start, content_block_start/_delta/_stop,
// message_delta, message_stop, ping, error). Content blocks map onto the
// canonical ones: `text` -> output_text, `thinking` -> reasoning (with its
// signature kept, so the block can be replayed), `tool_use` -> tool_call.
// Server-side tool search (`server_tool_use`, `tool_search_tool_result`)
// is recorded for transcripts but never dispatched. Input and cache token
// counts come with message_start, output tokens with message_delta.

import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { DeltaSink, LlmRequest, LlmResponse } from "../provider.ts";
import { inBandFailure } from "./http-errors.ts";
import { ResponseBuilder } from "./response-builder.ts";
import { UsageTally } from "./usage-fields.ts";

const str = (v: JsonValue | undefined): string => (typeof v === "string" ? v : "");

function searchResultBlock(block: JsonObject): JsonObject {
  const content = isJsonObject(block.content) ? block.content : {};
  return {
    type: "tool_search_result",
    tool_use_id: block.tool_use_id ?? null,
    tool_references: Array.isArray(content.tool_references) ? content.tool_references : [],
    visibility: "internal",
  };
}

function searchQueryBlock(id: string, name: string, query: JsonValue): JsonObject {
  return { type: "tool_search_query", id, name, query, visibility: "internal" };
}

function errorEvent(provider: string, phase: "API" | "stream", json: JsonObject): Error | undefined {
  const error = json.error;
  if (json.type !== "error" && !isJsonObject(error)) return undefined;
  const e = isJsonObject(error) ? error : {};
  return inBandFailure(provider, phase, str(e.type), str(e.message) || JSON.stringify(error ?? json));
}

/** A whole Messages body as a response. */
export function parseAnthropicMessage(json: JsonObject, request: LlmRequest): LlmResponse {
  const failure = errorEvent(request.provider, "API", json);
  if (failure) throw failure;
  const builder = new ResponseBuilder();
  for (const block of Array.isArray(json.content) ? json.content : []) {
    if (!isJsonObject(block)) continue;
    switch (block.type) {
      case "text":
        builder.appendText(str(block.text));
        break;
      case "thinking":
        builder.appendThinking(str(block.thinking));
        builder.signReasoning(str(block.signature));
        break;
      case "tool_use":
        builder.addToolCall(str(block.id), str(block.name), block.input ?? {});
        break;
      case "server_tool_use":
        builder.addBlock(searchQueryBlock(str(block.id), str(block.name), block.input ?? null));
        break;
      case "tool_search_tool_result":
        builder.addBlock(searchResultBlock(block));
        break;
      default:
        break;
    }
    // Each wire block stays its own canonical block, as in a stream.
    builder.closeBlock();
  }
  const usage = new UsageTally();
  usage.update(json.usage, "input_tokens", "output_tokens");
  return builder.build({
    provider: request.provider,
    model: request.model,
    usage: usage.snapshot(),
    stopReason: typeof json.stop_reason === "string" ? json.stop_reason : null,
  });
}

/** A content block being streamed: which kind, and the JSON input collected so far. */
interface OpenBlock {
  readonly kind: "text" | "thinking" | "tool_use" | "server_tool_use" | "other";
  readonly id: string;
  readonly name: string;
  input: string;
}

/** Accumulates a Messages stream's events; `finish` yields the response. */
export class AnthropicStreamReader {
  private readonly builder = new ResponseBuilder();
  private readonly open = new Map<number, OpenBlock>();
  private readonly usage = new UsageTally();
  private stopReason: string | null = null;

  constructor(
    private readonly request: LlmRequest,
    private readonly onDelta: DeltaSink,
  ) {}

  /** Takes one SSE event (its `data` payload carries the type as well). */
  push(data: string): void {
    let event: JsonValue;
    try {
      event = JSON.parse(data) as JsonValue;
    } catch {
      return;
    }
    if (!isJsonObject(event)) return;
    const index = typeof event.index === "number" ? event.index : 0;
    switch (event.type) {
      case "message_start": {
        const message = isJsonObject(event.message) ? event.message : {};
        this.usage.update(message.usage, "input_tokens", "output_tokens");
        break;
      }
      case "content_block_start":
        this.startBlock(index, isJsonObject(event.content_block) ? event.content_block : {});
        break;
      case "content_block_delta":
        this.delta(index, isJsonObject(event.delta) ? event.delta : {});
        break;
      case "content_block_stop":
        this.stopBlock(index);
        break;
      case "message_delta": {
        this.usage.update(event.usage, "input_tokens", "output_tokens");
        const delta = isJsonObject(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === "string") this.stopReason = delta.stop_reason;
        break;
      }
      case "error":
        throw errorEvent(this.request.provider, "stream", event)!;
      default:
        break; // ping, message_stop and future event types carry nothing we keep.
    }
  }

  finish(): LlmResponse {
    for (const index of [...this.open.keys()]) this.stopBlock(index);
    return this.builder.build({
      provider: this.request.provider,
      model: this.request.model,
      usage: this.usage.snapshot(),
      stopReason: this.stopReason,
    });
  }

  private startBlock(index: number, block: JsonObject): void {
    const type = str(block.type);
    if (type === "tool_search_tool_result") {
      this.builder.addBlock(searchResultBlock(block));
      return;
    }
    const kind =
      type === "text" || type === "thinking" || type === "tool_use" || type === "server_tool_use"
        ? type
        : "other";
    this.open.set(index, { kind, id: str(block.id), name: str(block.name), input: "" });
    // A text block may open with text already in it.
    if (kind === "text") this.emitText(str(block.text));
  }

  private delta(index: number, delta: JsonObject): void {
    const block = this.open.get(index);
    switch (delta.type) {
      case "text_delta":
        this.emitText(str(delta.text));
        break;
      case "thinking_delta":
        this.builder.appendThinking(str(delta.thinking));
        break;
      case "signature_delta":
        this.builder.signReasoning(str(delta.signature));
        break;
      case "input_json_delta":
        if (block) block.input += str(delta.partial_json);
        break;
      default:
        break;
    }
  }

  private stopBlock(index: number): void {
    const block = this.open.get(index);
    if (!block) return;
    this.open.delete(index);
    const input = parseInput(block.input);
    if (block.kind === "tool_use") this.builder.addToolCall(block.id, block.name, input);
    else if (block.kind === "server_tool_use")
      this.builder.addBlock(searchQueryBlock(block.id, block.name, input));
    this.builder.closeBlock();
  }

  private emitText(text: string): void {
    if (text === "") return;
    this.builder.appendText(text);
    this.onDelta(text);
  }
}

/** Streamed tool input; empty or broken JSON counts as `{}`, as the API's own default input is. */
function parseInput(json: string): JsonValue {
  if (json.trim() === "") return {};
  try {
    return JSON.parse(json) as JsonValue;
  } catch {
    return {};
  }
}
