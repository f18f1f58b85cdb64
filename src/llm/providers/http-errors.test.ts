// Failure classification (tags, categories, retry-after, the taxonomy the
// error dict reports) and the inline <think> splitter: pure functions,
// checked on the inputs real servers produce.

import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyLlmError, isRetryableLlmError, LlmError } from "../errors.ts";
import { TransportError } from "../transport/errors.ts";
import { failureTag, httpFailure, inBandFailure, transportFailure } from "./http-errors.ts";
import { splitThinkTags, ThinkTagSplitter } from "./think-tags.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

test("the body's explanation wins over the status, as some servers send 429 for a too-long prompt", () => {
  assert.equal(failureTag(429, "prompt is too long"), "context_overflow");
  assert.equal(failureTag(400, '{"error":{"code":"content_policy_violation"}}'), "content_policy");
  assert.equal(failureTag(200, "invalid_api_key"), "auth_failure");
  assert.equal(failureTag(403, ""), "auth_failure");
  assert.equal(failureTag(400, "insufficient_quota"), "rate_limited");
  assert.equal(failureTag(500, "upstream timeout"), "timeout");
  assert.equal(failureTag(410, ""), "model_unavailable");
  assert.equal(failureTag(529, ""), "http_error");
  assert.equal(failureTag(422, "bad request: field x"), "invalid_request");
  assert.equal(failureTag(418, "teapot"), "unknown");
});

test("HTTP failures: message shape, category, retryability and the error-dict taxonomy", () => {
  const overflow = httpFailure(
    "local",
    400,
    undefined,
    '{"message":"maximum context length is 8192; you sent 10234"}',
    NOW,
  );
  assert.equal(
    overflow.message,
    'local HTTP 400 Bad Request [context_overflow]: {"message":"maximum context length is 8192; you sent 10234"} (offending_tokens: 10234)',
  );
  assert.deepEqual(classifyLlmError(overflow.category, overflow.message), {
    kind: "terminal",
    reason: "context_overflow",
  });
  assert.equal(isRetryableLlmError(overflow), false);

  const limited = httpFailure("openai", 429, "1.5", "slow down", NOW);
  assert.equal(limited.category, "rate_limit");
  assert.equal(limited.retryAfterMs, 1500);
  assert.ok(limited.message.endsWith("(retry-after: 1.5)"));
  assert.equal(isRetryableLlmError(limited), true);

  const capped = httpFailure("openai", 503, "3600", "", NOW);
  assert.equal(capped.retryAfterMs, 60_000, "no wait longer than a minute");
  assert.equal(capped.category, "overloaded");
  assert.equal(isRetryableLlmError(capped), true);

  const junk = httpFailure("openai", 503, "soon", "", NOW);
  assert.equal(junk.retryAfterMs, null, "an unreadable retry-after is reported but not honoured");

  const forbidden = httpFailure("groq", 403, undefined, "", NOW);
  assert.equal(forbidden.category, "auth");
  assert.deepEqual(classifyLlmError(forbidden.category, forbidden.message), {
    kind: "terminal",
    reason: "auth_failure",
  });
});

test("transport and in-band failures get the category of what happened", () => {
  const cases: [TransportError["kind"], string][] = [
    ["timeout", "timeout"],
    ["connect", "transient_network"],
    ["protocol", "transient_network"],
    ["aborted", "cancelled"],
    ["invalid_request", "generic"],
  ];
  for (const [kind, category] of cases) {
    const e = transportFailure("openai", "API", new TransportError(kind, "detail"));
    assert.equal(e.category, category, kind);
    assert.equal(e.message, "openai API error: detail");
  }
  const passthrough = new LlmError("auth", "kept");
  assert.equal(transportFailure("x", "stream", passthrough), passthrough);
  assert.equal(inBandFailure("anthropic", "stream", "rate_limit_error", "slow").category, "rate_limit");
  assert.equal(inBandFailure("anthropic", "stream", "api_error", "boom").category, "server_error");
  assert.equal(inBandFailure("anthropic", "stream", "invalid_request_error", "bad").category, "generic");
});

test("<think> blocks: whole replies and tags split anywhere across deltas", () => {
  assert.deepEqual(splitThinkTags("plain"), ["plain", ""]);
  assert.deepEqual(splitThinkTags("<think> a </think>\n\nB<think>c</think>D"), ["BD", "a c"]);
  assert.deepEqual(splitThinkTags("x<think>never closed"), ["x", "never closed"]);

  const text = "<think>reason</think>\nAnswer with a < sign";
  for (let size = 1; size <= text.length; size++) {
    const splitter = new ThinkTagSplitter();
    let visible = "";
    let thinking = "";
    for (let i = 0; i < text.length; i += size) {
      const [v, t] = splitter.push(text.slice(i, i + size));
      visible += v;
      thinking += t;
    }
    const [v, t] = splitter.flush();
    assert.equal(visible + v, "Answer with a < sign", `chunk size ${size}`);
    assert.equal(thinking + t, "reason", `chunk size ${size}`);
  }
});
