// The model call of one agent turn: send the conversation (with transient
// retries, and schema retries for structured output), record the
// provider payload, read the reply through the tagged text protocol,
// decide which tool calls to run (native calls, or text calls — also as a
// fallback from native mode, under `native_tool_fallback`), and decide
// whether the reply completes the task (the done sentinel, gated on the
// model having acted and on verification).

import type { Value } from "../../vm/values.ts";
import { mockIntercepts, attemptOnce, type CallContext, schemaNudge, structuredErrors } from "../call.ts";
import { isRetryableLlmError, LlmError, llmThrown } from "../errors.ts";
import { appliedJson, applyStructuralExperiment } from "../experiments/apply.ts";
import type { AppliedExperiment } from "../experiments/structural-experiment.ts";
import type { JsonObject } from "../json.ts";
import type { LlmRequest, LlmResponse } from "../provider.ts";
import { resultDict } from "../result.ts";
import { feedbackMessage, type AgentToolCall } from "./messages.ts";
import { callInLoop, type LoopEnv, type LoopState, offersTools } from "./loop-state.ts";
import { parseTaggedReply } from "./text-protocol.ts";
import { transcriptEvent } from "./transcript.ts";
import { chargeStepForResponse } from "../step-usage.ts";

export interface TurnReply {
  readonly text: string;
  readonly calls: AgentToolCall[];
  readonly parseErrors: string[];
  readonly canonical: string | null;
  readonly proseTooLong: boolean;
  readonly sentinelHit: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const isEmptyCompletion = (e: unknown): boolean =>
  e instanceof LlmError &&
  e.message.toLowerCase().includes("completion_tokens=") &&
  e.message.toLowerCase().includes("delivered no content");

/** One request with the loop's transient-failure retries (`llm_retries`, `llm_backoff_ms`). */
async function callWithLoopRetries(
  env: LoopEnv,
  request: LlmRequest,
  iteration: number,
): Promise<LlmResponse> {
  const ctx: CallContext = { vm: env.vm, state: env.llm, signal: env.signal };
  // The loop enforces its own budget envelope before each turn; the session budget still applies.
  const opts = { ...env.call, budget: null, request };
  const { llmRetries, llmBackoffMs } = env.config;
  for (let attempt = 0; ; attempt++) {
    let response: LlmResponse;
    try {
      response = await attemptOnce(ctx, opts, request);
    } catch (e) {
      if (attempt >= llmRetries || env.signal.aborted || !isRetryableLlmError(e)) {
        throw llmThrown(e, request.provider, request.model);
      }
      if (isEmptyCompletion(e)) {
        env.llm.trace.emit({
          type: "empty_completion_retry",
          iteration,
          attempt: attempt + 1,
          error: (e as Error).message,
        });
      }
      const delay = mockIntercepts(env.llm, request.provider)
        ? 0
        : e instanceof LlmError && e.retryAfterMs !== null
          ? e.retryAfterMs
          : llmBackoffMs * 2 ** Math.min(attempt + 1, 5);
      await sleep(delay, env.signal);
      continue;
    }
    // Outside the retry guard: a step budget crossed by this turn fails the loop as is.
    chargeStepForResponse(env.host.owner, response);
    return response;
  }
}

function parseData(env: LoopEnv, r: LlmResponse): { value: Value } | undefined {
  for (const candidate of [r.text.trim(), ...r.toolCalls.map((c) => JSON.stringify(c.arguments ?? null))]) {
    if (candidate === "") continue;
    try {
      return { value: env.llm.json.parse(env.llm.json.extract(candidate)) };
    } catch {
      // Not JSON; try the next candidate.
    }
  }
  return undefined;
}

/** Calls the model, re-asking with a corrective turn while structured output fails its schema. */
async function callModel(
  env: LoopEnv,
  state: LoopState,
  request: LlmRequest,
  iteration: number,
): Promise<LlmResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await callWithLoopRetries(env, request, iteration);
    if (attempt >= env.config.schemaRetries || !env.call.expectsStructured) return response;
    const errors = structuredErrors(resultDict(response, parseData(env, response)), response, env.call);
    if (errors.length === 0) return response;
    const nudge = schemaNudge(errors, env.call);
    env.llm.trace.emit({
      type: "schema_retry",
      attempt: attempt + 1,
      errors,
      nudge_used: nudge !== "",
      correction_prompt: nudge,
    });
    if (nudge !== "") state.append(feedbackMessage("schema_retry", nudge));
    request = { ...request, messages: [...state.visible] };
  }
}

function recordPayload(
  env: LoopEnv,
  state: LoopState,
  r: LlmResponse,
  applied: AppliedExperiment | null,
): void {
  state.event(
    transcriptEvent("provider_payload", "assistant", "internal", "", {
      model: r.model,
      input_tokens: r.usage.inputTokens,
      output_tokens: r.usage.outputTokens,
      tool_calls: r.toolCalls.map((c) => ({
        id: c.id,
        type: "tool_call",
        name: c.name,
        arguments: c.arguments,
      })),
      thinking_summary: r.thinkingSummary,
      tool_calling_mode: env.config.toolFormat,
      structural_experiment: applied === null ? null : appliedJson(applied),
    }),
  );
  if (r.thinking) state.event(transcriptEvent("private_reasoning", "assistant", "private", r.thinking));
  if (r.thinkingSummary)
    state.event(transcriptEvent("thinking_summary", "assistant", "private", r.thinkingSummary));
}

/** Text-mode calls a native-mode turn produced: kept or refused by `native_tool_fallback`. */
function acceptFallback(
  env: LoopEnv,
  state: LoopState,
  calls: AgentToolCall[],
  errors: number,
  iteration: number,
): AgentToolCall[] {
  const policy = env.config.nativeToolFallback;
  state.nativeFallbacks++;
  const index = state.nativeFallbacks;
  const accepted = policy === "allow" || (policy === "allow_once" && index === 1);
  if (!accepted) {
    state.nativeFallbackRejections++;
    state.append(
      feedbackMessage(
        "native_tool_contract",
        `This stage runs in native tool mode, but your last reply wrote tool calls as text. Re-issue the same action through the provider's tool channel only: no <tool_call> tags, bare name({ ... }) calls, fences or JSON envelopes in assistant text.\n\nPolicy: \`${policy}\`. Observed fallback turn: ${index}.`,
      ),
    );
  }
  state.event(
    transcriptEvent("native_tool_fallback", "assistant", "internal", "", {
      accepted,
      policy,
      fallback_index: index,
      tool_call_count: calls.length,
      tool_parse_error_count: errors,
    }),
  );
  env.llm.trace.emit({
    type: "native_tool_fallback",
    iteration,
    accepted,
    policy,
    fallback_index: index,
    tool_call_count: calls.length,
  });
  return accepted ? calls : [];
}

function doneGate(
  env: LoopEnv,
  state: LoopState,
  reply: { text: string; prose: string; doneMarker: string | null; userResponse: string | null },
  hasCalls: boolean,
): boolean {
  const { config } = env;
  const hasTools = offersTools(env);
  const tagged = reply.doneMarker === config.doneSentinel;
  const plain =
    config.toolFormat === "native"
      ? reply.text.includes(config.doneSentinel)
      : !hasTools && reply.prose.includes(config.doneSentinel);
  const allowDone = config.turnPolicy?.allowDoneSentinel ?? true;
  const requested = (hasTools && tagged) || plain || (allowDone && reply.userResponse !== null);
  const verified = !config.exitWhenVerified || state.lastRunExitCode === 0;
  const acted = state.allTools.length > 0 || hasCalls;
  if (requested && !verified && config.persistent) {
    state.append(
      feedbackMessage(
        "verification_gate",
        `You signalled completion but verification has not passed (last run exit code: ${state.lastRunExitCode ?? "none"}). The loop continues: run the verification and fix any failures first.`,
      ),
    );
  }
  if (requested && !acted && config.persistent && hasTools) {
    const signal = config.toolFormat === "native" ? `\`${config.doneSentinel}\`` : "a <done> block";
    state.append(
      feedbackMessage(
        "sentinel_without_action",
        `You emitted ${signal} without taking any tool action. The task is not complete: act with an available tool first.`,
      ),
    );
  }
  return config.persistent && requested && verified && (acted || !hasTools);
}

/** The prompt-facing message list of a turn (the ledger and other transient parts are not kept). */
export function turnRequest(
  env: LoopEnv,
  state: LoopState,
  system: string | null,
  tools: JsonObject[] | null,
): LlmRequest {
  return {
    ...env.call.request,
    messages: [...state.visible],
    system,
    tools,
    toolChoice: tools ? env.call.request.toolChoice : null,
  };
}

export async function runTurnCall(
  env: LoopEnv,
  state: LoopState,
  request: LlmRequest,
  iteration: number,
): Promise<TurnReply> {
  // A structural experiment rewrites each turn's request (the conversation itself is kept as is).
  const { opts: sent, applied } = await applyStructuralExperiment(
    { ...env.call, request },
    (fn, args) => callInLoop(env, fn, args),
    iteration,
  );
  const response = await callModel(env, state, sent.request, iteration);
  const text = response.text;
  state.totalText += text;
  recordPayload(env, state, response, applied);
  const known = state.offeredNames;
  const parsed = parseTaggedReply(text, known, (name) => state.nextCallId(name));
  const prose = parsed.prose === "" ? text : parsed.prose;
  const hasTools = offersTools(env);
  let calls: AgentToolCall[] = response.toolCalls.map((c) => ({
    id: c.id,
    name: c.name,
    arguments: c.arguments,
  }));
  let parseErrors: string[] = [];
  if (calls.length === 0 && hasTools) {
    parseErrors = parsed.errors;
    calls = parsed.calls;
    if (env.config.toolFormat === "native" && calls.length > 0) {
      calls = acceptFallback(env, state, calls, parseErrors.length, iteration);
    }
    if (parseErrors.length > 0) {
      state.append(
        feedbackMessage(
          "parse_guidance",
          `Your tool call could not be parsed: ${parseErrors.slice(0, 2).join("; ")}\n\nWrite each call as name({ key: value }) inside <tool_call> tags; use <<EOF heredocs for multi-line text.`,
        ),
      );
    }
  }
  const maxProse = env.config.turnPolicy?.maxProseChars ?? null;
  const trimmed = prose.trim();
  const proseTooLong = maxProse !== null && Array.from(trimmed).length > maxProse;
  const shaped = proseTooLong
    ? `${Array.from(trimmed).slice(0, maxProse!).join("")}\n\n<assistant prose truncated by turn policy; keep prose brief and act>`
    : trimmed;
  state.lastIterationText =
    parsed.doneMarker === null
      ? shaped
      : shaped === ""
        ? `<done>${parsed.doneMarker}</done>`
        : `${shaped}\n\n<done>${parsed.doneMarker}</done>`;
  if (parsed.violations.length > 0 && hasTools && env.config.toolFormat !== "native") {
    state.append(
      feedbackMessage(
        "protocol_violation",
        `Your reply broke the tagged response protocol:\n- ${parsed.violations.join("\n- ")}\n\nUse only <assistant_prose>, <user_response>, <tool_call> and <done>${env.config.doneSentinel}</done> blocks at the top level.`,
      ),
    );
  }
  const sentinelHit = doneGate(
    env,
    state,
    { text, prose, doneMarker: parsed.doneMarker, userResponse: parsed.userResponse },
    calls.length > 0,
  );
  return {
    text,
    calls,
    parseErrors,
    canonical: parsed.canonical === "" ? null : parsed.canonical,
    proseTooLong,
    sentinelHit,
    inputTokens: response.usage.inputTokens,
    outputTokens: response.usage.outputTokens,
  };
}
