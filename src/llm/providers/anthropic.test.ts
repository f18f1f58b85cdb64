// The Anthropic provider against a local server speaking the Messages API
// (real sockets on 127.0.0.1): headers and body (system, max_tokens,
// caching, thinking per model generation, sampling rules, forced JSON
// tool, beta features), whole and SSE-streamed replies (text, signed
// thinking, tool_use input assembled from JSON deltas, cache usage), and
// failures: statuses with retry-after, error events inside a stream.

import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { type FakeLlmServer, startFakeLlmServer } from "../../../tests/fixtures/providers/fake-llm-server.ts";
import {
  catalog,
  environment,
  never,
  request,
} from "../../../tests/fixtures/providers/provider-test-support.ts";
import { LlmError } from "../errors.ts";
import type { JsonObject } from "../json.ts";
import type { LlmProvider, LlmRequest } from "../provider.ts";
import { anthropicProvider } from "./anthropic.ts";
import { anthropicRequestBody } from "./anthropic-request.ts";

let server: FakeLlmServer;
let anthropic: LlmProvider;

before(async () => {
  server = await startFakeLlmServer();
  anthropic = anthropicProvider(
    "anthropic",
    catalog("anthropic"),
    environment(server.redirectingTransport()),
  );
});
after(() => server.close());
beforeEach(() => server.reset());

function claude(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return request({
    provider: "anthropic",
    model: "claude-sonnet-4-20250514",
    apiKey: "sk-ant-test",
    baseUrl: "https://api.anthropic.com/v1",
    ...overrides,
  });
}

const message = (content: object[], usage: object = { input_tokens: 10, output_tokens: 3 }) => ({
  json: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-20250514",
    content,
    stop_reason: "end_turn",
    usage,
  },
});

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof LlmError, `expected an LlmError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the call to fail");
}

const sent = (): Record<string, unknown> => server.requests.at(-1)?.body as Record<string, unknown>;

test("a whole message: URL, headers, body, text and cache usage", async () => {
  server.reply(
    message([{ type: "text", text: "Hello!" }], {
      input_tokens: 50,
      output_tokens: 7,
      cache_read_input_tokens: 40,
      cache_creation_input_tokens: 5,
    }),
  );
  const r = await anthropic.generate(
    claude({
      system: "be kind",
      temperature: 0.5,
      topK: 40,
      stop: ["\n\nHuman:"],
      cache: true,
      maxTokens: 0,
    }),
    never,
  );
  assert.equal(server.intendedUrls[0], "https://api.anthropic.com/v1/messages");
  const headers = server.requests[0]!.headers;
  assert.equal(headers["x-api-key"], "sk-ant-test");
  assert.equal(headers["anthropic-version"], "2023-06-01");
  assert.equal(headers.authorization, undefined);
  assert.deepEqual(sent(), {
    model: "claude-sonnet-4-20250514",
    messages: [{ role: "user", content: "hello" }],
    max_tokens: 8192,
    cache_control: { type: "ephemeral" },
    system: "be kind",
    temperature: 0.5,
    top_k: 40,
    stop_sequences: ["\n\nHuman:"],
  });
  assert.equal(r.text, "Hello!");
  assert.equal(r.stopReason, "end_turn");
  assert.deepEqual(r.usage, { inputTokens: 50, outputTokens: 7, cacheReadTokens: 40, cacheWriteTokens: 5 });
});

test("thinking, tool use and signatures in a whole message", async () => {
  server.reply(
    message([
      { type: "thinking", thinking: "Let me look.", signature: "sig-1" },
      { type: "text", text: "Reading." },
      { type: "tool_use", id: "toolu_1", name: "read", input: { path: "a" } },
    ]),
  );
  const r = await anthropic.generate(claude({ thinking: { mode: "enabled", budgetTokens: 2048 } }), never);
  assert.deepEqual(sent().thinking, { type: "enabled", budget_tokens: 2048 });
  assert.equal(r.thinking, "Let me look.");
  assert.equal(r.text, "Reading.");
  assert.deepEqual(r.toolCalls, [{ id: "toolu_1", name: "read", arguments: { path: "a" } }]);
  assert.deepEqual(r.blocks[0], {
    type: "reasoning",
    text: "Let me look.",
    visibility: "private",
    signature: "sig-1",
  });
});

test("request rules by model generation, structured output and tool_choice", () => {
  const old = anthropicRequestBody(claude({ thinking: { mode: "enabled", budgetTokens: null } }), false);
  assert.deepEqual(old.thinking, { type: "enabled", budget_tokens: 10000 });

  const newest = anthropicRequestBody(
    claude({
      model: "claude-opus-4-7",
      temperature: 0.3,
      topP: 0.5,
      thinking: { mode: "enabled", budgetTokens: 900 },
    }),
    false,
  );
  assert.deepEqual(newest.thinking, { type: "adaptive" }, "4.7 has no extended-thinking surface");
  assert.equal(newest.temperature, undefined, "4.7 rejects custom sampling");
  assert.equal(newest.top_p, undefined);

  const schema = { type: "object", properties: { n: { type: "integer" } } };
  const structured = anthropicRequestBody(
    claude({
      tools: [{ name: "read", description: "Read", input_schema: {} }],
      outputFormat: { kind: "json_schema", schema, strict: true },
    }),
    true,
  );
  assert.equal(structured.stream, true);
  assert.deepEqual((structured.tools as JsonObject[]).at(-1), {
    name: "json_response",
    description: "Return a structured JSON response matching the schema.",
    input_schema: schema,
  });
  assert.deepEqual(structured.tool_choice, { type: "tool", name: "json_response" });

  assert.deepEqual(anthropicRequestBody(claude({ toolChoice: "required" }), false).tool_choice, {
    type: "any",
  });
  assert.deepEqual(anthropicRequestBody(claude({ toolChoice: "auto" }), false).tool_choice, { type: "auto" });
});

test("OpenAI-shaped tool turns and system turns are rewritten for the Messages API", () => {
  const messages: JsonObject[] = [
    { role: "system", content: "extra rules" },
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "a", arguments: '{"x":1}' } },
        { id: "c2", type: "function", function: { name: "b", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: "one" },
    { role: "tool", tool_call_id: "c2", content: "two" },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "hidden", visibility: "private" },
        { type: "output_text", text: "done", visibility: "public" },
      ],
    },
  ];
  const body = anthropicRequestBody(claude({ system: "base", messages }), false);
  assert.equal(body.system, "base\n\nextra rules");
  assert.deepEqual(body.messages, [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "c1", name: "a", input: { x: 1 } },
        { type: "tool_use", id: "c2", name: "b", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "c1", content: "one" },
        { type: "tool_result", tool_use_id: "c2", content: "two" },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: "done" }] },
  ]);
});

test("a streamed message: text deltas, signed thinking, tool input from JSON deltas, usage", async () => {
  const ev = (type: string, data: object) => ({ event: type, data: { type, ...data } });
  server.reply({
    sse: [
      ev("message_start", {
        message: { id: "m", usage: { input_tokens: 30, output_tokens: 1, cache_read_input_tokens: 20 } },
      }),
      ev("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "" } }),
      ev("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "Plan: " } }),
      ev("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "read." } }),
      ev("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "sig-x" } }),
      ev("content_block_stop", { index: 0 }),
      ev("ping", {}),
      ev("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
      ev("content_block_delta", { index: 1, delta: { type: "text_delta", text: "On " } }),
      ev("content_block_delta", { index: 1, delta: { type: "text_delta", text: "it." } }),
      ev("content_block_stop", { index: 1 }),
      ev("content_block_start", {
        index: 2,
        content_block: { type: "tool_use", id: "toolu_9", name: "read", input: {} },
      }),
      ev("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '{"path":' } }),
      ev("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '"b.txt"}' } }),
      ev("content_block_stop", { index: 2 }),
      ev("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 42 } }),
      ev("message_stop", {}),
    ],
  });
  const deltas: string[] = [];
  const r = await anthropic.stream!(
    claude({ stream: true, thinking: { mode: "enabled", budgetTokens: 1024 } }),
    (d) => deltas.push(d),
    never,
  );
  assert.equal(sent().stream, true);
  assert.deepEqual(deltas, ["On ", "it."]);
  assert.equal(r.text, "On it.");
  assert.equal(r.thinking, "Plan: read.");
  assert.deepEqual(r.toolCalls, [{ id: "toolu_9", name: "read", arguments: { path: "b.txt" } }]);
  assert.equal(r.stopReason, "tool_use");
  assert.deepEqual(r.usage, { inputTokens: 30, outputTokens: 42, cacheReadTokens: 20, cacheWriteTokens: 0 });
  assert.deepEqual(r.blocks, [
    { type: "reasoning", text: "Plan: read.", visibility: "private", signature: "sig-x" },
    { type: "output_text", text: "On it.", visibility: "public" },
    { type: "tool_call", id: "toolu_9", name: "read", arguments: { path: "b.txt" }, visibility: "internal" },
  ]);
});

test("interleaved thinking is asked for with anthropic-beta on models that support it", async () => {
  server.reply(message([{ type: "text", text: "ok" }]), message([{ type: "text", text: "ok" }]));
  await anthropic.generate(
    claude({ model: "claude-opus-4-6", thinking: { mode: "enabled", budgetTokens: 2000 } }),
    never,
  );
  assert.equal(server.requests[0]!.headers["anthropic-beta"], "interleaved-thinking-2025-05-14");
  await anthropic.generate(claude({ model: "claude-opus-4-6" }), never);
  assert.equal(server.requests[1]!.headers["anthropic-beta"], undefined, "no thinking, no beta");
});

test("failures: overloaded 529, rate limit with retry-after, auth, an error event mid-stream", async () => {
  server.reply({
    status: 529,
    json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  });
  const overloaded = await failure(anthropic.generate(claude(), never));
  assert.equal(overloaded.category, "overloaded");
  assert.match(overloaded.message, /^anthropic HTTP 529 \[http_error\]: /);

  server.reply({
    status: 429,
    headers: { "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" },
    json: { type: "error", error: { type: "rate_limit_error", message: "quota" } },
  });
  const limited = await failure(anthropic.generate(claude(), never));
  assert.equal(limited.category, "rate_limit");
  assert.equal(limited.retryAfterMs, 3000, "an HTTP-date retry-after counts from the provider clock");

  server.reply({
    status: 401,
    json: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } },
  });
  const auth = await failure(anthropic.generate(claude(), never));
  assert.equal(auth.category, "auth");

  server.reply({
    sse: [
      { event: "message_start", data: { type: "message_start", message: { usage: { input_tokens: 1 } } } },
      { event: "error", data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } },
    ],
  });
  const midStream = await failure(anthropic.stream!(claude({ stream: true }), () => {}, never));
  assert.equal(midStream.category, "overloaded");
  assert.equal(midStream.message, "anthropic stream error: overloaded_error: Overloaded");
});
