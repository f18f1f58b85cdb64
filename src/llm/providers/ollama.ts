// The Ollama provider: native `/api/chat` with NDJSON streaming (one JSON
// object per line; the last has `done: true` and the token counts), at
// OLLAMA_HOST or http://localhost:11434, no key. Content and thinking
// arrive on separate channels; tool calls arrive whole, with arguments as
// objects. A stream that ends before `done` is an error, and so is a
// reply that counted generated tokens but delivered nothing (a known
// server-side parser failure), which is retried once before giving up.

import type { ProviderDef } from "../catalog/providers.ts";
import { LlmError } from "../errors.ts";
import { isJsonObject, type JsonValue } from "../json.ts";
import type { DeltaSink, LlmProvider, LlmRequest, LlmResponse } from "../provider.ts";
import { catalogHealthcheck } from "./healthcheck-probe.ts";
import { inBandFailure } from "./http-errors.ts";
import {
  bodyLines,
  chatUrl,
  frameJson,
  type ProviderEnvironment,
  postJson,
  requestHeaders,
  requestTimeoutMs,
} from "./http-exchange.ts";
import { ollamaRequestBody } from "./ollama-request.ts";
import { ResponseBuilder } from "./response-builder.ts";

const EMPTY_CONTENT_TAG = "[ollama_empty_content_parser_bug]";
const str = (v: JsonValue | undefined): string => (typeof v === "string" ? v : "");

function toolArguments(args: JsonValue | undefined): JsonValue {
  if (typeof args !== "string") return args ?? {};
  try {
    return JSON.parse(args) as JsonValue;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      __parse_error: `Could not parse tool arguments as JSON: ${detail}. Raw input: ${args.slice(0, 200)}`,
    };
  }
}

/** Accumulates an `/api/chat` NDJSON stream; `finish` yields the response. */
export class OllamaStreamReader {
  private readonly builder = new ResponseBuilder();
  private model: string;
  private inputTokens = 0;
  private outputTokens = 0;
  private stopReason: string | null = null;
  private done = false;
  private sawFrame = false;

  constructor(
    private readonly request: LlmRequest,
    private readonly onDelta: DeltaSink,
  ) {
    this.model = request.model;
  }

  /** Takes one line; a line that is not JSON means the stream is corrupt. */
  push(line: string): void {
    if (this.done) return;
    const data = line.startsWith("data: ") ? line.slice(6) : line;
    if (data.trim() === "[DONE]") return;
    const frame = frameJson(data);
    if (!frame) {
      throw new LlmError(
        "transient_network",
        `ollama stream parse error: partial or invalid NDJSON frame before done=true; line=${data.slice(0, 200)}`,
      );
    }
    if (frame.error !== undefined) {
      throw inBandFailure(
        this.request.provider,
        "stream",
        "",
        str(frame.error) || JSON.stringify(frame.error),
      );
    }
    this.sawFrame = true;
    const message = isJsonObject(frame.message) ? frame.message : {};
    const content = str(message.content);
    this.builder.appendThinking(str(message.thinking));
    if (content !== "") {
      this.builder.appendText(content);
      this.onDelta(content);
    }
    this.addToolCalls(message.tool_calls);
    if (typeof frame.model === "string" && frame.model !== "") this.model = frame.model;
    if (frame.done === true) {
      if (typeof frame.prompt_eval_count === "number") this.inputTokens = frame.prompt_eval_count;
      if (typeof frame.eval_count === "number") this.outputTokens = frame.eval_count;
      if (typeof frame.done_reason === "string") this.stopReason = frame.done_reason;
      this.done = true;
    }
  }

  finish(): LlmResponse {
    if (!this.done) {
      const where = this.sawFrame ? "after partial content" : "before any chunks";
      throw new LlmError(
        "transient_network",
        `ollama stream error: unexpected EOF before done=true ${where}`,
      );
    }
    const response = this.builder.build({
      provider: this.request.provider,
      model: this.model,
      usage: {
        inputTokens: this.inputTokens,
        outputTokens: this.outputTokens,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      },
      stopReason: this.stopReason,
    });
    if (response.text === "" && response.toolCalls.length === 0 && this.outputTokens > 0) {
      throw new LlmError(
        "generic",
        `ollama model ${this.request.model} reported eval_count=${this.outputTokens} but delivered no content or thinking ${EMPTY_CONTENT_TAG}`,
      );
    }
    return response;
  }

  private addToolCalls(calls: JsonValue | undefined): void {
    if (!Array.isArray(calls)) return;
    for (const call of calls) {
      if (!isJsonObject(call)) continue;
      const fn = isJsonObject(call.function) ? call.function : call;
      const name = str(fn.name);
      if (name === "") continue;
      const id =
        str(call.id) ||
        (typeof fn.index === "number"
          ? `ollama_tool_${fn.index}`
          : `ollama_tool_${this.builder.toolCalls.length}`);
      this.builder.addToolCall(id, name, toolArguments(fn.arguments));
    }
  }
}

async function completeOnce(
  env: ProviderEnvironment,
  def: ProviderDef,
  request: LlmRequest,
  onDelta: DeltaSink,
  signal: AbortSignal,
): Promise<LlmResponse> {
  const response = await postJson(env, {
    provider: request.provider,
    url: chatUrl(request, def),
    headers: requestHeaders(def, request.apiKey, true),
    body: ollamaRequestBody(request, (name) => env.env(name)),
    timeoutMs: requestTimeoutMs(env, request),
    signal,
  });
  const reader = new OllamaStreamReader(request, onDelta);
  for await (const line of bodyLines(request.provider, response)) reader.push(line);
  return reader.finish();
}

async function complete(
  env: ProviderEnvironment,
  def: ProviderDef,
  request: LlmRequest,
  onDelta: DeltaSink | null,
  signal: AbortSignal,
): Promise<LlmResponse> {
  const sink = onDelta ?? (() => {});
  try {
    return await completeOnce(env, def, request, sink, signal);
  } catch (error) {
    // The empty-content parser failure is intermittent; one more try usually succeeds.
    if (!(error instanceof LlmError) || !error.message.includes(EMPTY_CONTENT_TAG)) throw error;
    return completeOnce(env, def, request, sink, signal);
  }
}

/** The Ollama provider named `name`, configured by its catalog entry. */
export function ollamaProvider(name: string, def: ProviderDef, env: ProviderEnvironment): LlmProvider {
  return {
    name,
    generate: (request, signal) => complete(env, def, request, null, signal),
    stream: (request, onDelta, signal) => complete(env, def, request, onDelta, signal),
    healthcheck: (apiKey, signal) => catalogHealthcheck(env, name, def, apiKey, signal),
  };
}
