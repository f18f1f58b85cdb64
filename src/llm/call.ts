// Running an `llm_call` (spec: "llm_call"): one attempt takes a rate-limit
// permit, checks the spending budget, and goes to the mock (when it is the
// provider, or scripted responses are queued) or to a registered provider;
// transient failures are retried `llm_retries` times with backoff; a
// structured call whose reply fails its schema is re-asked up to
// `schema_retries` times with a corrective user turn. Each schema retry
// replays the original messages plus one nudge, never the bad reply.

import { rateLimiterFor } from "../runtime/concurrency/rate-limit.ts";
import { canonicalizeSchema, SchemaError } from "../runtime/schema/canonicalize.ts";
import { categorized, runtimeError, thrown } from "../vm/errors.ts";
import { validateSchemaValue } from "../vm/schema-validate.ts";
import type { Dict, Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { checkPreflight } from "./budget.ts";
import { callCost } from "./catalog/pricing.ts";
import { isRetryableLlmError, LlmError } from "./errors.ts";
import { applyStructuralExperiment, rememberExperiment, taskClosureRunner } from "./experiments/apply.ts";
import { isJsonObject, type JsonObject } from "./json.ts";
import { mockRespond } from "./mock/provider.ts";
import type { LlmCallOptions } from "./options.ts";
import type { DeltaSink, LlmRequest, LlmResponse } from "./provider.ts";
import { resultDict } from "./result.ts";
import type { LlmState } from "./state.ts";
import type { Task } from "../vm/task.ts";

/** What one call runs against: its VM, the LLM state, and the caller's cancellation. */
export interface CallContext {
  readonly vm: Vm;
  readonly state: LlmState;
  readonly signal: AbortSignal;
  /** The calling task, when the call comes from Harn code (active step defaults and budgets). */
  readonly task?: Task | null;
}

const DISABLED_VALUES = new Set(["1", "true", "yes", "on"]);

function ensureRealCallsAllowed(state: LlmState, provider: string): void {
  const flag = state.env("HARN_LLM_CALLS_DISABLED");
  if (flag === undefined || !DISABLED_VALUES.has(flag)) return;
  throw runtimeError(
    `LLM calls are disabled by HARN_LLM_CALLS_DISABLED; provider \`${provider}\` would make a real LLM request`,
  );
}

/** The mock answers for "mock", and for every provider while scripted responses wait. */
export function mockIntercepts(state: LlmState, provider: string): boolean {
  return provider === "mock" || state.mocks.active;
}

async function dispatch(ctx: CallContext, request: LlmRequest, onDelta?: DeltaSink): Promise<LlmResponse> {
  const { state } = ctx;
  if (mockIntercepts(state, request.provider)) {
    const response = mockRespond(state.mocks, request);
    if (onDelta && response.text !== "") onDelta(response.text);
    return response;
  }
  ensureRealCallsAllowed(state, request.provider);
  const provider = state.providers.get(request.provider);
  if (!provider) {
    throw runtimeError(
      `llm_call: provider \`${request.provider}\` has no transport in this runtime (no HTTP provider is registered for it); use provider: "mock" or queue responses with llm_mock(...) for offline runs`,
    );
  }
  if (onDelta && provider.stream) return provider.stream(request, onDelta, ctx.signal);
  return provider.generate(request, ctx.signal);
}

/** Traces a finished call and adds it to the usage totals and the USD budget (exported for llm_completion). */
export function recordUsage(state: LlmState, r: LlmResponse, durationMs: number): void {
  state.trace.emit({
    type: "llm_call",
    call_id: state.trace.nextCallId(),
    model: r.model,
    input_tokens: r.usage.inputTokens,
    output_tokens: r.usage.outputTokens,
    cache_tokens: r.usage.cacheReadTokens,
    duration_ms: durationMs,
    iteration: 0,
  });
  const u = state.usage;
  u.inputTokens += r.usage.inputTokens;
  u.outputTokens += r.usage.outputTokens;
  u.durationMs += durationMs;
  u.calls += 1;
  const cost = callCost(r.provider, r.model, r.usage.inputTokens, r.usage.outputTokens);
  if (cost === 0) return;
  state.spentUsd += cost;
  if (state.budgetUsd !== null && state.spentUsd > state.budgetUsd) {
    throw thrown(
      `LLM budget exceeded: spent $${state.spentUsd.toFixed(4)} of $${state.budgetUsd.toFixed(4)} budget`,
    );
  }
}

/** One request: rate-limit permit, budget preflight, provider, usage bookkeeping. */
export async function attemptOnce(
  ctx: CallContext,
  opts: LlmCallOptions,
  request: LlmRequest,
  onDelta?: DeltaSink,
): Promise<LlmResponse> {
  await rateLimiterFor(ctx.vm).acquire(request.provider, () => !ctx.signal.aborted);
  // The caller may have been cancelled while waiting for the permit.
  if (ctx.signal.aborted) throw new LlmError("cancelled", "llm_call cancelled before the request was sent");
  checkPreflight(request, opts.budget, ctx.state.budgetUsd, ctx.state.spentUsd);
  const started = ctx.state.host.now();
  const response = await dispatch(ctx, request, onDelta);
  recordUsage(ctx.state, response, Math.max(0, ctx.state.host.now() - started));
  return response;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

function retryDelay(ctx: CallContext, e: unknown, opts: LlmCallOptions, attempt: number): number {
  if (mockIntercepts(ctx.state, opts.request.provider)) return 0;
  if (e instanceof LlmError && e.retryAfterMs !== null) return e.retryAfterMs;
  return opts.llmBackoffMs * 2 ** Math.min(attempt, 4);
}

/** `attemptOnce`, retrying transient failures up to `llm_retries` times. */
export async function callWithRetries(
  ctx: CallContext,
  opts: LlmCallOptions,
  request: LlmRequest,
  onDelta?: DeltaSink,
): Promise<LlmResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(ctx, opts, request, onDelta);
    } catch (e) {
      if (attempt >= opts.llmRetries || ctx.signal.aborted || !isRetryableLlmError(e)) throw e;
      await sleep(retryDelay(ctx, e, opts, attempt), ctx.signal);
    }
  }
}

/** Texts that may hold the structured reply: the text, public text blocks, tool-call arguments. */
function structuredCandidates(r: LlmResponse): string[] {
  const publicText = r.blocks
    .filter((b) => b.type === "output_text" && b.visibility !== "private" && typeof b.text === "string")
    .map((b) => b.text as string)
    .join("");
  const fromTools = r.toolCalls.map((c) => JSON.stringify(c.arguments ?? null));
  return [r.text.trim(), publicText.trim(), ...fromTools].filter(
    (c, i, all) => c !== "" && all.indexOf(c) === i,
  );
}

function parseStructured(state: LlmState, r: LlmResponse): { value: Value } | undefined {
  for (const candidate of structuredCandidates(r)) {
    try {
      return { value: state.json.parse(state.json.extract(candidate)) };
    } catch {
      // Not JSON; try the next candidate.
    }
  }
  return undefined;
}

/** Why a structured reply is unusable (empty when it is fine). */
export function structuredErrors(result: Dict, r: LlmResponse, opts: LlmCallOptions): string[] {
  if (result.map.has("data")) {
    if (!opts.outputSchema) return [];
    try {
      const schema = canonicalizeSchema(opts.outputSchema);
      const strict = { applyDefaults: false, numericCompat: false };
      return validateSchemaValue(result.get("data"), schema, strict).errors;
    } catch (e) {
      if (e instanceof SchemaError) return [e.message];
      throw e;
    }
  }
  const errors = ["response did not contain parseable JSON"];
  if (r.stopReason === "length" || r.stopReason === "max_tokens") {
    errors.push("response hit the token limit before producing complete JSON");
  }
  return errors;
}

function keysOf(schema: JsonObject): { required: string[]; properties: string[] } {
  const required = Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : [];
  const properties = isJsonObject(schema.properties) ? Object.keys(schema.properties) : [];
  return { required: required as string[], properties };
}

/** The corrective user turn before a schema retry ("" = retry without one). */
export function schemaNudge(errors: readonly string[], opts: LlmCallOptions): string {
  const listed = errors.length === 0 ? "(no details)" : errors.join("; ");
  if (opts.schemaNudge === false) return "";
  if (typeof opts.schemaNudge === "string") return `${opts.schemaNudge}\n\nValidation errors: ${listed}`;
  const lines = [`Your last reply did not satisfy the required JSON schema. Problems: ${listed}.`];
  const schema =
    opts.request.outputFormat.kind === "json_schema" ? opts.request.outputFormat.schema : undefined;
  if (schema) {
    const { required, properties } = keysOf(schema);
    if (required.length > 0) lines.push(`Keys that must be present: ${required.join(", ")}.`);
    if (properties.length > 0) lines.push(`Keys allowed at the top level: ${properties.join(", ")}.`);
  }
  lines.push("Answer again with only the JSON value: no prose and no markdown fences.");
  return lines.join("\n");
}

/** The final attempt of a structured call, whether or not it validated. */
export interface SchemaOutcome {
  readonly result: Dict;
  readonly response: LlmResponse;
  readonly errors: string[];
  /** Model calls made (1 = first try succeeded or no retries). */
  readonly attempts: number;
}

export async function runSchemaLoop(ctx: CallContext, callOpts: LlmCallOptions): Promise<SchemaOutcome> {
  // A structural experiment rewrites the request once; schema retries replay the rewritten one.
  const { opts, applied } = await applyStructuralExperiment(
    callOpts,
    taskClosureRunner(ctx.vm, ctx.task),
    null,
  );
  const original = opts.request.messages;
  let request = opts.request;
  for (let attempt = 0; ; attempt++) {
    const response = await callWithRetries(ctx, opts, request);
    const data = opts.expectsStructured ? parseStructured(ctx.state, response) : undefined;
    const result = resultDict(response, data);
    if (applied !== null) rememberExperiment(result, { messages: request.messages, experiment: applied });
    const errors = opts.expectsStructured ? structuredErrors(result, response, opts) : [];
    if (errors.length === 0 || attempt >= opts.schemaRetries) {
      return { result, response, errors, attempts: attempt + 1 };
    }
    const nudge = schemaNudge(errors, opts);
    ctx.state.trace.emit({
      type: "schema_retry",
      attempt: attempt + 1,
      errors,
      nudge_used: nudge !== "",
      correction_prompt: nudge,
    });
    request = {
      ...opts.request,
      messages: nudge === "" ? original : [...original, { role: "user", content: nudge }],
    };
  }
}

/** The whole call: the result dict, or the schema failure `output_validation` asks for. */
export async function executeLlmCall(ctx: CallContext, opts: LlmCallOptions): Promise<Dict> {
  const outcome = await runSchemaLoop(ctx, opts);
  if (outcome.errors.length === 0) return outcome.result;
  const hint =
    opts.schemaRetries === 0
      ? " (hint: set `schema_retries: N` in the llm_call options to automatically re-prompt the model with a corrective nudge)"
      : " (hint: schema_retries budget exhausted — the model did not produce conforming output after the configured retries; consider raising `schema_retries` or relaxing the schema)";
  const message = `LLM output failed schema validation: ${outcome.errors.join("; ")}${hint}`;
  if (opts.outputValidation === "error") throw categorized("schema_validation", message);
  if (opts.outputValidation === "warn") ctx.vm.writeError(`warning: ${message}\n`);
  return outcome.result;
}
