// The mock registry: glob matching, queue order, consumption, scopes.

import assert from "node:assert/strict";
import { test } from "node:test";
import { type MockSpec, MockRegistry, mockGlobMatch } from "./registry.ts";

function spec(text: string, match: string | null = null, consumeMatch = false): MockSpec {
  return {
    text,
    toolCalls: [],
    match,
    consumeMatch,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    thinking: null,
    thinkingSummary: null,
    stopReason: null,
    model: "mock",
    error: null,
  };
}

test("globs anchor the first and last pieces and find middle pieces in order", () => {
  assert.ok(mockGlobMatch("*", "anything"));
  assert.ok(mockGlobMatch("exact", "exact"));
  assert.ok(!mockGlobMatch("exact", "exactly"));
  assert.ok(mockGlobMatch("*hello*", "say hello please"));
  assert.ok(mockGlobMatch("pre*", "prefix"));
  assert.ok(!mockGlobMatch("pre*", "a prefix"));
  assert.ok(mockGlobMatch("*fix", "prefix"));
  assert.ok(mockGlobMatch("a*b*c", "a-x-b-y-c"));
  assert.ok(!mockGlobMatch("a*c*b", "a-x-b-y-c"));
});

test("unpatterned mocks are consumed first in, first out, before any pattern", () => {
  const r = new MockRegistry();
  r.push(spec("patterned", "*x*"));
  r.push(spec("first"));
  r.push(spec("second"));
  assert.equal(r.take("x")?.text, "first");
  assert.equal(r.take("x")?.text, "second");
  assert.equal(r.take("x")?.text, "patterned");
  assert.equal(r.take("x")?.text, "patterned", "a patterned mock stays unless consume_match");
  assert.equal(r.take("y"), undefined);
  assert.ok(r.active);
});

test("consume_match mocks are used once each, in queue order", () => {
  const r = new MockRegistry();
  r.push(spec("one", "*step*", true));
  r.push(spec("two", "*step*", true));
  assert.equal(r.take("step a")?.text, "one");
  assert.equal(r.take("step b")?.text, "two");
  assert.equal(r.take("step c"), undefined);
  assert.ok(!r.active);
});

test("scopes save and restore the queue, call log and prompt cache", () => {
  const r = new MockRegistry();
  r.push(spec("outer"));
  r.record({ messages: [], system: null, tools: null, thinking: { mode: "disabled" } });
  assert.ok(r.cacheWrite("k"));
  r.pushScope();
  assert.ok(!r.active);
  assert.equal(r.recordedCalls().length, 0);
  assert.ok(r.cacheWrite("k"), "the inner scope has its own cache");
  assert.ok(r.popScope());
  assert.equal(r.recordedCalls().length, 1);
  assert.equal(r.take("")?.text, "outer");
  assert.ok(!r.cacheWrite("k"));
  assert.ok(!r.popScope(), "nothing left to pop");
});
