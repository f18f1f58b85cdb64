// The LLM error taxonomy and the dict llm_call throws.

import assert from "node:assert/strict";
import { test } from "node:test";
import { display } from "../vm/display.ts";
import { categorized, runtimeError, thrown } from "../vm/errors.ts";
import { Dict } from "../vm/values.ts";
import { classifyLlmError, isRetryableLlmError, LlmError, llmErrorDict } from "./errors.ts";

test("messages name the reason before the category does", () => {
  assert.deepEqual(classifyLlmError("overloaded", "529 overloaded"), {
    kind: "transient",
    reason: "server_error",
  });
  assert.deepEqual(classifyLlmError("generic", "HTTP 503 Service Unavailable"), {
    kind: "transient",
    reason: "server_error",
  });
  assert.deepEqual(classifyLlmError("rate_limit", "slow down"), { kind: "transient", reason: "rate_limit" });
  assert.deepEqual(classifyLlmError("auth", "nope"), { kind: "terminal", reason: "auth_failure" });
  assert.deepEqual(classifyLlmError("generic", "maximum context length is 8k"), {
    kind: "terminal",
    reason: "context_overflow",
  });
  assert.deepEqual(classifyLlmError("tool_error", "boom"), { kind: "terminal", reason: "unknown" });
});

test("retryability follows kind, then the category", () => {
  assert.ok(isRetryableLlmError(new LlmError("server_error", "HTTP 503")));
  assert.ok(isRetryableLlmError(new LlmError("transient_network", "connection reset")));
  assert.ok(!isRetryableLlmError(new LlmError("auth", "bad key")));
  assert.ok(!isRetryableLlmError(categorized("schema_validation", "bad json")));
  assert.ok(!isRetryableLlmError(thrown(Dict.of({ kind: "terminal", category: "budget_exceeded" }))));
  assert.ok(isRetryableLlmError(thrown("connection refused")));
});

test("the thrown dict carries category, taxonomy, message, retry hint, provider and model", () => {
  const d = llmErrorDict(new LlmError("rate_limit", "429 Too Many Requests", 2500), "mock", "m");
  assert.equal(
    display(d),
    "{category: rate_limit, kind: transient, message: 429 Too Many Requests, model: m, provider: mock, reason: rate_limit, retry_after_ms: 2500}",
  );
  const plain = llmErrorDict(runtimeError("LLM calls are disabled"), "local", "x");
  assert.equal(plain.get("category"), "generic");
  assert.equal(plain.get("message"), "Runtime error: LLM calls are disabled");
  assert.equal(plain.get("retry_after_ms"), null);
  const nested = llmErrorDict(
    thrown(Dict.of({ category: "budget_exceeded", limit: "max_cost_usd" })),
    "p",
    "q",
  );
  assert.equal(nested.get("limit"), "max_cost_usd", "an already-thrown dict keeps its fields");
  assert.equal(nested.get("provider"), "p");
});
