// The request body for Ollama's native `POST /api/chat`. Sampling goes in
// `options` (where Ollama reads it), with the reference's defaults for
// local models (min_p 0.05, repeat_penalty 1.05) and a context window of
// `num_ctx` (options[ollama].num_ctx, else HARN_OLLAMA_NUM_CTX /
// OLLAMA_CONTEXT_LENGTH / OLLAMA_NUM_CTX, else 32768) so long agent
// transcripts are not silently truncated at Ollama's small default.
// `keep_alive` keeps the model loaded between turns (options[ollama]
// .keep_alive, else HARN_OLLAMA_KEEP_ALIVE / OLLAMA_KEEP_ALIVE, else 30m).
// `think` is always explicit, since some templates default it on.
// Structured output uses `format` (`"json"` or a JSON schema). Ollama
// always streams NDJSON here, as in the reference.

import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { LlmRequest } from "../provider.ts";
import { ollamaMessages } from "./message-shapes.ts";
import { RUNTIME_ONLY_OVERRIDES } from "./openai-request.ts";

const DEFAULT_NUM_CTX = 32_768;
const DEFAULT_KEEP_ALIVE = "30m";
const NUM_CTX_ENV = ["HARN_OLLAMA_NUM_CTX", "OLLAMA_CONTEXT_LENGTH", "OLLAMA_NUM_CTX"];
const KEEP_ALIVE_ENV = ["HARN_OLLAMA_KEEP_ALIVE", "OLLAMA_KEEP_ALIVE"];

type Env = (name: string) => string | undefined;

function positiveInt(v: JsonValue | undefined): number | undefined {
  const n = typeof v === "string" ? Number(v.trim()) : v;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A keep-alive setting: "default" is 30m, "forever"/"infinite"/"-1" is -1, integers are seconds. */
export function keepAliveValue(v: JsonValue | undefined): JsonValue | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const text = v.trim();
  const lower = text.toLowerCase();
  if (lower === "default") return DEFAULT_KEEP_ALIVE;
  if (lower === "forever" || lower === "infinite" || lower === "-1") return -1;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function numCtx(overrides: JsonObject, env: Env): number {
  const options = isJsonObject(overrides.options) ? overrides.options : {};
  for (const v of [overrides.num_ctx, options.num_ctx]) {
    const n = positiveInt(v);
    if (n !== undefined) return n;
  }
  for (const name of NUM_CTX_ENV) {
    const n = positiveInt(env(name));
    if (n !== undefined) return n;
  }
  return DEFAULT_NUM_CTX;
}

function keepAlive(overrides: JsonObject, env: Env): JsonValue {
  const explicit = keepAliveValue(overrides.keep_alive);
  if (explicit !== undefined) return explicit;
  for (const name of KEEP_ALIVE_ENV) {
    const v = keepAliveValue(env(name));
    if (v !== undefined) return v;
  }
  return DEFAULT_KEEP_ALIVE;
}

function samplingOptions(request: LlmRequest): JsonObject {
  const options: JsonObject = { min_p: 0.05, repeat_penalty: 1.05 };
  if (request.maxTokens > 0) options.num_predict = request.maxTokens;
  if (request.temperature !== null) options.temperature = request.temperature;
  if (request.topP !== null) options.top_p = request.topP;
  if (request.topK !== null) options.top_k = request.topK;
  if (request.seed !== null) options.seed = request.seed;
  if (request.stop.length > 0) options.stop = [...request.stop];
  if (request.frequencyPenalty !== null) options.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== null) options.presence_penalty = request.presencePenalty;
  return options;
}

/** The `/api/chat` body for `request`; `env` reads the context-window and keep-alive settings. */
export function ollamaRequestBody(request: LlmRequest, env: Env): JsonObject {
  const overrides = request.providerOverrides ?? {};
  const messages: JsonObject[] = request.system === null ? [] : [{ role: "system", content: request.system }];
  messages.push(...ollamaMessages(request.messages));
  const options = samplingOptions(request);
  const body: JsonObject = { model: request.model, messages, stream: true, options };
  if (request.tools && request.tools.length > 0) body.tools = [...request.tools];
  const format = request.outputFormat;
  if (format.kind === "json_object") body.format = "json";
  else if (format.kind === "json_schema") body.format = format.schema;
  body.think = request.thinking.mode !== "disabled";
  for (const [key, value] of Object.entries(overrides)) {
    if (key === "num_ctx" || key === "keep_alive" || RUNTIME_ONLY_OVERRIDES.has(key)) continue;
    if (key === "options" && isJsonObject(value)) Object.assign(options, value);
    else body[key] = value;
  }
  options.num_ctx = numCtx(overrides, env);
  body.keep_alive = keepAlive(overrides, env);
  return body;
}
