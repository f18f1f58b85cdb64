// `llm_mock` and friends (spec: "Mock LLM provider"): queue scripted
// responses or injected failures, inspect what the mock received, and
// save/restore the whole mock state around a test body.

import { parseCategory } from "../../runtime/error-category.ts";
import { display, typeName } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { jsonToValue, valueToJson } from "../json.ts";
import type { MockError, MockSpec } from "../mock/registry.ts";
import { asInt } from "../option-values.ts";
import type { LlmState } from "../state.ts";

/** The value at `key` unless missing or nil. */
function field(d: Dict, key: string): Value | undefined {
  const v = d.map.get(key);
  return v === undefined || v === null ? undefined : v;
}

function text(d: Dict, key: string): string | null {
  const v = field(d, key);
  return v === undefined ? null : display(v);
}

function int(d: Dict, key: string): number | null {
  return asInt(field(d, key)) ?? null;
}

function parseMockError(v: Value | undefined): MockError | null {
  if (v === undefined) return null;
  if (!(v instanceof Dict))
    throw runtimeError("llm_mock: error must be a dict {category, message, retry_after_ms?}");
  const name = text(v, "category") ?? "";
  if (name === "") throw runtimeError("llm_mock: error.category is required");
  const category = parseCategory(name);
  if (category !== name) throw runtimeError(`llm_mock: unknown error category \`${name}\``);
  const retry = field(v, "retry_after_ms");
  const retryAfterMs = retry === undefined ? null : (asInt(retry) ?? -1);
  if (retryAfterMs !== null && retryAfterMs < 0) {
    throw runtimeError("llm_mock: error.retry_after_ms must be a non-negative int");
  }
  return { category, message: text(v, "message") ?? "", retryAfterMs };
}

export function parseMockSpec(config: Value | undefined): MockSpec {
  if (!(config instanceof Dict)) {
    throw runtimeError(`llm_mock: expected a dict argument, got ${typeName(config ?? null)}`);
  }
  const calls = field(config, "tool_calls");
  return {
    text: text(config, "text") ?? "",
    toolCalls: Array.isArray(calls) ? calls.map(valueToJson) : [],
    match: text(config, "match"),
    consumeMatch: config.map.get("consume_match") === true,
    inputTokens: int(config, "input_tokens"),
    outputTokens: int(config, "output_tokens"),
    cacheReadTokens: int(config, "cache_read_tokens"),
    cacheWriteTokens: int(config, "cache_write_tokens") ?? int(config, "cache_creation_input_tokens"),
    thinking: text(config, "thinking"),
    thinkingSummary: text(config, "thinking_summary"),
    stopReason: text(config, "stop_reason"),
    model: text(config, "model") ?? "mock",
    error: parseMockError(field(config, "error")),
  };
}

export function registerMockBuiltins(vm: Vm, state: LlmState): void {
  const mocks = state.mocks;
  vm.registerBuiltin("llm_mock", (args) => {
    mocks.push(parseMockSpec(args[0]));
    return null;
  });
  vm.registerBuiltin("llm_mock_calls", () =>
    mocks.recordedCalls().map((c) =>
      Dict.of({
        messages: c.messages.map(jsonToValue),
        system: c.system,
        tools: c.tools === null ? null : c.tools.map(jsonToValue),
        thinking: jsonToValue(c.thinking),
      }),
    ),
  );
  vm.registerBuiltin("llm_mock_clear", () => {
    mocks.clear();
    return null;
  });
  vm.registerBuiltin("llm_mock_push_scope", () => {
    mocks.pushScope();
    return null;
  });
  vm.registerBuiltin("llm_mock_pop_scope", () => {
    if (!mocks.popScope()) throw thrown("llm_mock_pop_scope: no scope to pop");
    return null;
  });
}
