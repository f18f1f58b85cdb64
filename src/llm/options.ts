// `llm_call(prompt, system?, options?)` options parsed into one provider
// request plus the loop settings around it (spec: "llm_call options"):
// provider and model selection, sampling, content and tools, thinking and
// structured output, each checked against the model's capabilities, and
// the retry, validation and budget settings `call.ts` applies.

import { display, truthy } from "../vm/display.ts";
import { thrown } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import { type BudgetEnvelope, parseBudget } from "./budget.ts";
import { CapabilityGate } from "./capability-gate.ts";
import { lookupCapabilities } from "./catalog/capabilities.ts";
import { defaultToolFormat } from "./catalog/models.ts";
import { dictToJson, valueToJson } from "./json.ts";
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
import { parseStructuralExperiment, type StructuralExperiment } from "./experiments/structural-experiment.ts";
import { parseStructuredOptions } from "./output-format.ts";
import type { LlmRequest } from "./provider.ts";
import { containsImages, parseMessages } from "./request-content.ts";
import { callToolsPayload } from "./tools/call-tools.ts";
import { resolveApiKey, resolveBaseUrl, resolveModelName, resolveProviderName } from "./selection.ts";
import type { LlmState } from "./state.ts";
import { parseThinking } from "./thinking.ts";

/** A parsed call: the provider request and how `llm_call` drives it. */
export interface LlmCallOptions {
  readonly request: LlmRequest;
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
  /** `structural_experiment` (or HARN_STRUCTURAL_EXPERIMENT): a request rewrite to run under; null for none. */
  readonly structuralExperiment: StructuralExperiment | null;
}

function parseNudge(o: Options): boolean | string {
  const v = optValue(o, "schema_retry_nudge");
  if (v === undefined || v === true) return true;
  if (v === false) return false;
  return display(v);
}

function streamDefault(state: LlmState): boolean {
  const v = state.env("HARN_LLM_STREAM");
  return v === undefined || (v !== "0" && v.toLowerCase() !== "false");
}

const REMOVED_TRANSCRIPT =
  "llm_call / agent_loop: the `transcript` option was removed. Open or open-and-resume a session with agent_session_open(id) and pass `session_id: id` instead.";

/** Options that pass straight through to the provider. */
function samplingOptions(o: Options) {
  const timeoutSeconds = optInt(o, "timeout");
  return {
    maxTokens: optInt(o, "max_tokens") ?? 16384,
    temperature: optFloat(o, "temperature") ?? null,
    topP: optFloat(o, "top_p") ?? null,
    topK: optInt(o, "top_k") ?? null,
    stop: optStrList(o, "stop"),
    seed: optInt(o, "seed") ?? null,
    frequencyPenalty: optFloat(o, "frequency_penalty") ?? null,
    presencePenalty: optFloat(o, "presence_penalty") ?? null,
    // `timeout` is in seconds, as in the reference.
    timeoutMs: timeoutSeconds === undefined ? null : timeoutSeconds * 1000,
  };
}

/** Messages, media flags and tools, checked against the model's capabilities. */
function contentOptions(o: Options, prompt: string, gate: CapabilityGate) {
  const messages = parseMessages(o, prompt);
  const vision = optBool(o, "vision") || containsImages(messages);
  const cache = optBool(o, "cache");
  gate.require("vision", vision, gate.caps.visionSupported);
  gate.require("audio", optTruthy(o, "audio"), gate.caps.audio);
  gate.require("pdf", optTruthy(o, "pdf"), gate.caps.pdf);
  gate.require("cache", cache, gate.caps.promptCaching);
  const toolsValue = optValue(o, "tools");
  const toolFormat = optStr(o, "tool_format") ?? defaultToolFormat(gate.model, gate.provider);
  gate.require("tools", toolsValue !== undefined && toolFormat === "native", gate.caps.nativeTools);
  const toolChoice = optValue(o, "tool_choice");
  gate.require("tool_choice", toolChoice !== undefined, gate.caps.nativeTools);
  return {
    messages,
    vision,
    cache,
    tools: callToolsPayload({
      tools: toolsValue,
      toolSearch: optValue(o, "tool_search"),
      provider: gate.provider,
      model: gate.model,
      deferLoading: gate.caps.deferLoading,
      nativeVariants: gate.caps.toolSearch,
      providerOverrides: optValue(o, gate.provider),
    }).tools,
    toolChoice: toolChoice === undefined ? null : valueToJson(toolChoice),
  };
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
  const gate = new CapabilityGate(provider, model, caps, !state.mocks.active);
  const thinking = parseThinking(o);
  if (thinking.fromReasoningEffort) gate.require("reasoning_effort", true, caps.reasoningEffortSupported);
  gate.thinking(thinking.config, thinking.fromReasoningEffort ? "reasoning_effort" : "thinking");
  const structured = parseStructuredOptions(o);
  gate.outputFormat(structured.format);
  if (o?.map.has("transcript")) throw thrown(REMOVED_TRANSCRIPT);
  const overrides = optValue(o, provider);
  const request: LlmRequest = {
    provider,
    model,
    apiKey,
    baseUrl: resolveBaseUrl(state, provider),
    system,
    ...samplingOptions(o),
    ...contentOptions(o, prompt, gate),
    thinking: thinking.config,
    outputFormat: structured.format,
    stream: o?.map.has("stream") ? truthy(o.get("stream")) : streamDefault(state),
    providerOverrides: overrides instanceof Dict ? dictToJson(overrides) : null,
  };
  return {
    request,
    outputSchema: structured.schema,
    outputValidation: optStr(o, "output_validation") ?? "off",
    expectsStructured: structured.format.kind !== "text" || structured.schema !== null,
    budget: parseBudget(o),
    llmRetries: Math.max(0, optInt(o, "llm_retries") ?? 0),
    llmBackoffMs: Math.max(0, optInt(o, "llm_backoff_ms") ?? 250),
    schemaRetries: Math.max(0, optInt(o, "schema_retries") ?? 1),
    schemaNudge: parseNudge(o),
    structuralExperiment: parseStructuralExperiment(
      // An explicit nil turns the experiment off (the environment's included), so not optValue.
      o?.map.get("structural_experiment"),
      state.env("HARN_STRUCTURAL_EXPERIMENT"),
    ),
  };
}
