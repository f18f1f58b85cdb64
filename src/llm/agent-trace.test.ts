// The agent trace summary folds events into the reference's counters.

import assert from "node:assert/strict";
import { test } from "node:test";
import { AgentTrace } from "./agent-trace.ts";

test("the summary counts calls and tools and takes status from the last loop_complete", () => {
  const t = new AgentTrace();
  assert.equal(t.nextCallId(), "llm_call_1");
  t.emit({ type: "llm_call", input_tokens: 10, output_tokens: 3, duration_ms: 5 });
  t.emit({ type: "schema_retry", attempt: 1, errors: ["x"], nudge_used: true, correction_prompt: "fix" });
  t.emit({ type: "llm_call", input_tokens: 4, output_tokens: 1, duration_ms: 2 });
  t.emit({ type: "tool_execution", tool_name: "read", duration_ms: 7 });
  t.emit({ type: "tool_execution", tool_name: "read", duration_ms: 1 });
  t.emit({ type: "native_tool_fallback", accepted: false });
  t.emit({ type: "loop_complete", status: "done", iterations: 2, total_duration_ms: 30 });
  const s = t.summary();
  assert.equal(s.status, "done");
  assert.equal(s.llm_calls, 2);
  assert.equal(s.total_input_tokens, 14);
  assert.equal(s.total_llm_duration_ms, 7);
  assert.equal(s.tool_executions, 2);
  assert.equal(s.total_tool_duration_ms, 8);
  assert.deepEqual(s.tools_used, ["read"]);
  assert.equal(s.native_text_tool_fallback_rejections, 1);
  assert.equal(t.events().length, 7);
  assert.equal(new AgentTrace().summary().status, "unknown");
});
