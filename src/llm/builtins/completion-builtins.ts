// `llm_completion(prefix, suffix?, system?, options?)` (spec: "Text
// completion"): continue `prefix`, or fill in the middle when a `suffix` is
// given, and return the same result dict as `llm_call`.
//
// The `mock` provider answers with a fixed description of the request
// (`Mock completion after <n> chars[ before <m> chars]`) so programs can
// test the plumbing offline. Other providers go through the chat path
// with the continuation instruction the reference uses for providers
// without a completion endpoint; the native `/completions` and
// `/api/generate` endpoints some catalog entries declare are not wired in
// this runtime, so those providers get the chat form too.

import { display } from "../../vm/display.ts";
import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type CallContext, executeLlmCall, recordUsage } from "../call.ts";
import { llmThrown } from "../errors.ts";
import { utf8Length } from "../json.ts";
import { type LlmCallOptions, parseCallOptions } from "../options.ts";
import type { LlmResponse } from "../provider.ts";
import { resultDict } from "../result.ts";
import type { LlmState } from "../state.ts";
import { runCall } from "./call-builtins.ts";

const CONTINUE =
  "Continue the user's text. Return only the missing continuation with no commentary, fences, or quoting.";
const RESPECT_SUFFIX =
  "Respect the required suffix exactly and produce only the text that belongs between PREFIX and SUFFIX.";

function mockCompletion(prefix: string, suffix: string): LlmResponse {
  const before = suffix === "" ? "" : ` before ${[...suffix].length} chars`;
  const text = `Mock completion after ${[...prefix].length} chars${before}`;
  return {
    text,
    toolCalls: [],
    usage: {
      inputTokens: utf8Length(prefix) + utf8Length(suffix),
      outputTokens: 16,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    },
    model: "mock",
    provider: "mock",
    thinking: null,
    thinkingSummary: null,
    stopReason: "stop",
    blocks: [{ type: "output_text", text, visibility: "public" }],
  };
}

/** The chat form of a completion: one user turn holding the prefix (and suffix), plus the instruction. */
function asChat(opts: LlmCallOptions, prefix: string, suffix: string): LlmCallOptions {
  const content =
    suffix === ""
      ? `PREFIX:\n${prefix}\n\nReturn only the next continuation text.`
      : `PREFIX:\n${prefix}\n\nSUFFIX:\n${suffix}\n\nReturn only the missing text between PREFIX and SUFFIX.`;
  const instruction = suffix === "" ? CONTINUE : `${CONTINUE}\n${RESPECT_SUFFIX}`;
  const system = opts.request.system === null ? instruction : `${opts.request.system}\n\n${instruction}`;
  return { ...opts, request: { ...opts.request, system, messages: [{ role: "user", content }] } };
}

async function complete(ctx: CallContext, args: readonly Value[]): Promise<Value> {
  const prefix = args[0] === undefined || args[0] === null ? "" : display(args[0]);
  const suffix = args[1] === undefined || args[1] === null ? "" : display(args[1]);
  const opts = parseCallOptions(ctx.state, [prefix, args[2] ?? null, args[3] ?? null]);
  if (opts.request.provider === "mock") {
    const response = mockCompletion(prefix, suffix);
    recordUsage(ctx.state, response, 0);
    return resultDict(response, undefined);
  }
  try {
    return await executeLlmCall(ctx, asChat(opts, prefix, suffix));
  } catch (e) {
    throw llmThrown(e, opts.request.provider, opts.request.model);
  }
}

export function registerCompletionBuiltins(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("llm_completion", (args, b) => runCall(vm, state, (ctx) => complete(ctx, args), b.task));
}
