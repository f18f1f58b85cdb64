// `llm_call(prompt, system?, options?)` options parsed into one request
// plus the loop settings around it (spec: "llm_call options"). Capability
// gates (vision, cache, thinking, structured output, tools) reject options
// the chosen model cannot honour with the reference's message, except
// while scripted mocks are queued: a mock answers regardless of model.

import { display, truthy } from "../vm/display.ts";
import { thrown, type VmError } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import { type BudgetEnvelope, parseBudget } from "./budget.ts";
import { type Capabilities, lookupCapabilities } from "./catalog/capabilities.ts";
import { defaultToolFormat } from "./catalog/models.ts";
import { dictToJson, isJsonObject, type JsonObject, type JsonValue, valueToJson } from "./json.ts";
import {
  type Options,
  optBool,
  optFloat,
  optInt,
  optionsArg,
  optStr,
  optStrList,
  optTruthy,
  optValue,
} from "./option-values.ts";
import type { LlmRequest, OutputFormat, ThinkingConfig } from "./provider.ts";
import { resolveApiKey, resolveBaseUrl, resolveModelName, resolveProviderName } from "./selection.ts";
import type { LlmState } from "./state.ts";
import { parseThinking } from "./thinking.ts";

/** A parsed call: the provider request and how `llm_call` drives it. */
export interface LlmCallOptions {
  readonly request: LlmRequest;
  /** The raw options dict (nil-free reads go through option-values). */
  readonly raw: Options;
  /** Schema the parsed JSON must satisfy (a Harn schema or JSON Schema dict). */
  readonly outputSchema: Dict | null;
  readonly outputValidation: string;
  readonly expectsStructured: boolean;
  readonly budget: BudgetEnvelope | null;
  readonly llmRetries: number;
  readonly llmBackoffMs: number;
  readonly schemaRetries: number;
  /** `true`/absent: built-in nudge; `false`: bare retry; a string: the caller's nudge. */
  readonly schemaNudge: boolean | string;
  readonly toolsGiven: boolean;
}

function unsupported(option: string, provider: string, model: string): VmError {
  return thrown(
    `option \`${option}\` is not supported by \`${model}\` (provider \`${provider}\`). See \`harn check --provider-matrix\` for compatibility.`,
  );
}

function schemaOption(v: Value | undefined, field: string): Dict | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Dict) return v;
  throw thrown(`${field}: expected a JSON Schema object`);
}

function firstPresent(o: Options, keys: readonly string[]): Value | undefined {
  for (const k of keys) {
    const v = optValue(o, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

function formatKind(raw: string): "text" | "json_object" | "json_schema" {
  const k = raw.trim().toLowerCase();
  if (k === "text" || k === "none" || k === "off") return "text";
  if (k === "json" || k === "json_object") return "json_object";
  if (k === "json_schema" || k === "schema") return "json_schema";
  throw thrown(`output_format.kind: expected "text" | "json_object" | "json_schema", got "${k}"`);
}

function parseOutputFormat(
  o: Options,
  responseFormat: string | undefined,
  legacySchema: Dict | null,
): OutputFormat {
  const raw = o?.map.get("output_format");
  const needsSchema = (): never => {
    throw thrown('output_format: kind "json_schema" requires a `schema` field');
  };
  if (raw === undefined) {
    if (legacySchema) return { kind: "json_schema", schema: dictToJson(legacySchema), strict: true };
    if (responseFormat === undefined || responseFormat === "text") return { kind: "text" };
    if (responseFormat === "json" || responseFormat === "json_object") return { kind: "json_object" };
    throw thrown(`response_format: expected "json", "json_object", or "text", got "${responseFormat}"`);
  }
  if (raw === null) return { kind: "text" };
  if (typeof raw === "string") {
    const kind = formatKind(raw);
    if (kind !== "json_schema") return { kind };
    return legacySchema ? { kind, schema: dictToJson(legacySchema), strict: true } : needsSchema();
  }
  if (!(raw instanceof Dict)) throw thrown("output_format: expected string or dict");
  const kind = formatKind(raw.map.has("kind") ? display(raw.get("kind")) : "text");
  if (kind !== "json_schema") return { kind };
  const schema =
    schemaOption(firstPresent(raw, ["schema", "json_schema"]), "output_format.schema") ?? needsSchema();
  const strict = raw.map.has("strict") ? truthy(raw.get("strict")) : true;
  return { kind, schema: dictToJson(schema), strict };
}

function checkOutputFormat(format: OutputFormat, provider: string, model: string, caps: Capabilities): void {
  if (format.kind === "text" || provider === "mock") return;
  const strategy = caps.structuredOutput;
  if (strategy === null) throw unsupported("output_format", provider, model);
  if (format.kind === "json_schema" && !["native", "tool_use", "format_kw"].includes(strategy)) {
    throw thrown(
      `output_format: provider "${provider}" model "${model}" declares unsupported structured_output strategy "${strategy}"`,
    );
  }
}

function checkThinking(
  t: ThinkingConfig,
  option: string,
  provider: string,
  model: string,
  caps: Capabilities,
): void {
  const modes = caps.thinkingModes;
  const ok =
    t.mode === "disabled" ||
    (t.mode === "enabled" && (modes.includes("enabled") || modes.includes("adaptive"))) ||
    (t.mode !== "enabled" && modes.includes(t.mode));
  if (!ok) throw unsupported(option, provider, model);
}

/** Messages from `options.messages`, else one user turn holding the prompt. */
function parseMessages(o: Options, prompt: string): JsonObject[] {
  const list = optValue(o, "messages");
  if (!Array.isArray(list)) return [{ role: "user", content: prompt }];
  const out: JsonObject[] = [];
  for (const m of list) {
    if (!(m instanceof Dict)) continue;
    const role = m.map.has("role") ? display(m.get("role")) : "user";
    const content = m.map.has("content") ? valueToJson(m.get("content")) : "";
    if (role === "tool_result") {
      const rendered = typeof content === "string" ? content : JSON.stringify(content);
      const id = m.map.has("tool_use_id") ? display(m.get("tool_use_id")) : "";
      out.push({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: rendered }] });
    } else {
      out.push({ ...dictToJson(m), role, content });
    }
  }
  return out;
}

function isImageBlock(j: JsonValue | undefined): boolean {
  return isJsonObject(j) && (j.type === "image" || j.type === "image_url" || j.type === "input_image");
}

function containsImages(messages: readonly JsonObject[]): boolean {
  return messages.some((m) => {
    if (Array.isArray(m.images) && m.images.length > 0) return true;
    const c = m.content;
    return Array.isArray(c) ? c.some(isImageBlock) : isImageBlock(c);
  });
}

/** Tool definitions as JSON: a list of tool dicts, or a registry dict holding `tools`. */
function parseTools(v: Value | undefined): JsonObject[] | null {
  const list = v instanceof Dict ? v.map.get("tools") : v;
  if (!Array.isArray(list)) return null;
  return list.filter((t): t is Dict => t instanceof Dict).map(toolJson);
}

function toolJson(tool: Dict): JsonObject {
  const out: JsonObject = {};
  for (const key of tool.keys()) {
    const v = tool.get(key);
    // Handlers and other callables stay on the Harn side.
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Dict)) continue;
    out[key] = valueToJson(v);
  }
  return out;
}

function parseNudge(o: Options): boolean | string {
  const v = optValue(o, "schema_retry_nudge");
  if (v === undefined || v === true) return true;
  if (v === false) return false;
  return display(v);
}

/** Parses `(prompt, system, options)`; option errors are thrown strings, as in the reference. */
export function parseCallOptions(state: LlmState, args: readonly Value[]): LlmCallOptions {
  const prompt = args[0] === undefined ? "" : display(args[0]);
  const system = args[1] === undefined || args[1] === null ? null : display(args[1]);
  const o = optionsArg(args[2]);
  const provider = resolveProviderName(state, o);
  const model = resolveModelName(state, o, provider);
  const apiKey = resolveApiKey(state, provider);
  const caps = lookupCapabilities(provider, model, state.capabilityOverrides);
  const gated = !state.mocks.active;

  const thinking = parseThinking(o);
  if (gated && thinking.fromReasoningEffort && !caps.reasoningEffortSupported) {
    throw unsupported("reasoning_effort", provider, model);
  }
  if (gated) {
    checkThinking(
      thinking.config,
      thinking.fromReasoningEffort ? "reasoning_effort" : "thinking",
      provider,
      model,
      caps,
    );
  }

  const responseFormat = optStr(o, "response_format");
  const legacySchema = schemaOption(firstPresent(o, ["json_schema", "schema"]), "json_schema");
  const explicitSchema = schemaOption(
    firstPresent(o, ["output_schema", "json_schema", "schema"]),
    "output_schema",
  );
  const outputFormat = parseOutputFormat(o, responseFormat, legacySchema);
  if (gated) checkOutputFormat(outputFormat, provider, model, caps);
  const formatSchema = outputFormat.kind === "json_schema" ? optFormatSchema(o) : null;
  const outputSchema = explicitSchema ?? formatSchema;

  if (o?.map.has("transcript")) {
    throw thrown(
      "llm_call / agent_loop: the `transcript` option was removed. Open or open-and-resume a session with agent_session_open(id) and pass `session_id: id` instead.",
    );
  }

  const messages = parseMessages(o, prompt);
  const vision = optBool(o, "vision") || containsImages(messages);
  const cache = optBool(o, "cache");
  if (gated && vision && !caps.visionSupported) throw unsupported("vision", provider, model);
  if (gated && optTruthy(o, "audio") && !caps.audio) throw unsupported("audio", provider, model);
  if (gated && optTruthy(o, "pdf") && !caps.pdf) throw unsupported("pdf", provider, model);
  if (gated && cache && !caps.promptCaching) throw unsupported("cache", provider, model);

  const toolsValue = optValue(o, "tools");
  const tools = parseTools(toolsValue);
  const toolFormat = optStr(o, "tool_format") ?? defaultToolFormat(model, provider);
  if (gated && toolsValue !== undefined && toolFormat === "native" && !caps.nativeTools) {
    throw unsupported("tools", provider, model);
  }
  const toolChoiceValue = optValue(o, "tool_choice");
  if (gated && toolChoiceValue !== undefined && !caps.nativeTools)
    throw unsupported("tool_choice", provider, model);
  const overrides = optValue(o, provider);

  const request: LlmRequest = {
    provider,
    model,
    apiKey,
    baseUrl: resolveBaseUrl(state, provider),
    messages,
    system,
    maxTokens: optInt(o, "max_tokens") ?? 16384,
    temperature: optFloat(o, "temperature") ?? null,
    topP: optFloat(o, "top_p") ?? null,
    topK: optInt(o, "top_k") ?? null,
    stop: optStrList(o, "stop"),
    seed: optInt(o, "seed") ?? null,
    frequencyPenalty: optFloat(o, "frequency_penalty") ?? null,
    presencePenalty: optFloat(o, "presence_penalty") ?? null,
    tools,
    toolChoice: toolChoiceValue === undefined ? null : valueToJson(toolChoiceValue),
    thinking: thinking.config,
    outputFormat,
    vision,
    cache,
    stream: o?.map.has("stream") ? truthy(o.get("stream")) : streamDefault(state),
    timeoutMs: optInt(o, "timeout") ?? null,
    providerOverrides: overrides instanceof Dict ? dictToJson(overrides) : null,
  };
  return {
    request,
    raw: o,
    outputSchema,
    outputValidation: optStr(o, "output_validation") ?? "off",
    expectsStructured: outputFormat.kind !== "text" || outputSchema !== null,
    budget: parseBudget(o),
    llmRetries: Math.max(0, optInt(o, "llm_retries") ?? 0),
    llmBackoffMs: Math.max(0, optInt(o, "llm_backoff_ms") ?? 250),
    schemaRetries: Math.max(0, optInt(o, "schema_retries") ?? 1),
    schemaNudge: parseNudge(o),
    toolsGiven: toolsValue !== undefined,
  };
}

/** The Harn-side schema of a dict `output_format` (kept as a value so validation sees it unconverted). */
function optFormatSchema(o: Options): Dict | null {
  const f = optValue(o, "output_format");
  if (!(f instanceof Dict)) return null;
  const s = firstPresent(f, ["schema", "json_schema"]);
  return s instanceof Dict ? s : null;
}

function streamDefault(state: LlmState): boolean {
  const v = state.env("HARN_LLM_STREAM");
  return v === undefined || (v !== "0" && v.toLowerCase() !== "false");
}
