// Capability lookups: version gates, provider families, the mock's
// impersonation, and script-installed overrides.

import assert from "node:assert/strict";
import { test } from "node:test";
import { capabilityFileFrom, claudeGeneration, gptGeneration, lookupCapabilities } from "./capabilities.ts";

test("model ids yield a [major, minor] version; date stamps are not minors", () => {
  assert.deepEqual(claudeGeneration("claude-opus-4-7"), [4, 7]);
  assert.deepEqual(claudeGeneration("claude-sonnet-4.6-fast"), [4, 6]);
  assert.deepEqual(claudeGeneration("claude-sonnet-4-20250514"), [4, 0]);
  assert.deepEqual(claudeGeneration("anthropic/claude-haiku-4-5"), [4, 5]);
  assert.equal(claudeGeneration("gpt-4o"), undefined);
  assert.deepEqual(gptGeneration("gpt-5.4-preview"), [5, 4]);
  assert.deepEqual(gptGeneration("openai/gpt-5-4"), [5, 4]);
  assert.deepEqual(gptGeneration("gpt-5-20260115"), [5, 0]);
  assert.equal(gptGeneration("gpt-4o"), undefined);
});

test("version gates pick the newest matching rule", () => {
  const opus47 = lookupCapabilities("anthropic", "claude-opus-4-7", null);
  assert.deepEqual(opus47.thinkingModes, ["adaptive"]);
  assert.deepEqual(opus47.toolSearch, ["bm25", "regex"]);
  assert.equal(opus47.maxTools, 10000);
  const opus46 = lookupCapabilities("anthropic", "claude-opus-4-6", null);
  assert.deepEqual(opus46.thinkingModes, ["enabled"]);
  assert.ok(opus46.interleavedThinking);
  assert.ok(!lookupCapabilities("anthropic", "claude-haiku-4-4", null).deferLoading);
  assert.ok(lookupCapabilities("anthropic", "claude-haiku-4-5", null).deferLoading);
  const legacy = lookupCapabilities("anthropic", "claude-opus-3-5", null);
  assert.ok(legacy.nativeTools && legacy.promptCaching && !legacy.deferLoading);
});

test("providers without their own rule inherit their family's; unknown ones get nothing", () => {
  assert.ok(lookupCapabilities("groq", "gpt-5.4", null).deferLoading);
  assert.deepEqual(lookupCapabilities("openrouter", "gpt-5.4", null).toolSearch, ["hosted", "client"]);
  const unknown = lookupCapabilities("my-proxy", "mystery-7b", null);
  assert.ok(!unknown.nativeTools);
  assert.equal(unknown.maxTools, null);
  assert.deepEqual(unknown.thinkingModes, []);
});

test("the mock impersonates Anthropic for Claude ids and OpenAI otherwise", () => {
  assert.deepEqual(lookupCapabilities("mock", "claude-opus-4-7", null).toolSearch, ["bm25", "regex"]);
  assert.deepEqual(lookupCapabilities("mock", "gpt-5.4-preview", null).toolSearch, ["hosted", "client"]);
  assert.ok(!lookupCapabilities("mock", "gpt-3.5-turbo", null).visionSupported);
  assert.ok(!lookupCapabilities("mock", "mystery", null).nativeTools);
});

test("overrides win over the shipped matrix and can add providers", () => {
  const overrides = capabilityFileFrom({
    provider: {
      anthropic: [
        { model_match: "claude-opus-*", native_tools: true, defer_loading: false, tool_search: [] },
      ],
      "my-proxy": [{ model_match: "*", native_tools: true, tool_search: ["hosted"] }],
    },
  });
  assert.ok(!lookupCapabilities("anthropic", "claude-opus-4-7", overrides).deferLoading);
  assert.deepEqual(lookupCapabilities("my-proxy", "x", overrides).toolSearch, ["hosted"]);
  assert.throws(() => capabilityFileFrom({ provider: { p: [{ native_tools: true }] } }), /model_match/);
  assert.throws(() => capabilityFileFrom({ provider: { p: { model_match: "*" } } }), /array of tables/);
});
