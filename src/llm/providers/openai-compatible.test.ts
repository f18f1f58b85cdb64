// The OpenAI-compatible provider against a local server speaking Chat
// Completions (real sockets on 127.0.0.1): the request it sends (URL,
// auth, body fields per model and provider), whole and streamed replies
// (text deltas, tool calls assembled from fragments, usage with cached
// tokens, inline <think> reasoning), and failures mapped to LlmErrors.

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
import { fetchTransport } from "../transport/fetch-transport.ts";
import { openAiCompatibleProvider } from "./openai-compatible.ts";

let server: FakeLlmServer;
let openai: LlmProvider;

before(async () => {
  server = await startFakeLlmServer();
  openai = openAiCompatibleProvider("openai", catalog("openai"), environment(server.redirectingTransport()));
});
after(() => server.close());
beforeEach(() => server.reset());

const completion = (message: object, usage: object = { prompt_tokens: 3, completion_tokens: 2 }) => ({
  json: {
    id: "c1",
    object: "chat.completion",
    choices: [{ index: 0, message, finish_reason: "stop" }],
    usage,
  },
});

const chunk = (delta: object, extra: object = {}) => ({
  data: { object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: null }], ...extra },
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

function sent(): Record<string, unknown> {
  return server.requests.at(-1)?.body as Record<string, unknown>;
}

test("a plain completion: URL, bearer auth, body fields, text, usage with cached tokens", async () => {
  server.reply(
    completion(
      { role: "assistant", content: "Hi there" },
      { prompt_tokens: 12, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 8 } },
    ),
  );
  const r = await openai.generate(
    request({
      system: "be brief",
      temperature: 0.2,
      topP: 0.9,
      stop: ["END"],
      seed: 7,
      presencePenalty: 0.5,
    }),
    never,
  );
  assert.equal(server.intendedUrls[0], "https://api.openai.com/v1/chat/completions");
  assert.equal(server.requests[0]?.headers.authorization, "Bearer sk-test");
  assert.deepEqual(sent(), {
    model: "gpt-4o",
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "hello" },
    ],
    max_tokens: 64,
    temperature: 0.2,
    top_p: 0.9,
    stop: ["END"],
    seed: 7,
    presence_penalty: 0.5,
  });
  assert.equal(r.text, "Hi there");
  assert.deepEqual(r.usage, { inputTokens: 12, outputTokens: 4, cacheReadTokens: 8, cacheWriteTokens: 0 });
  assert.equal(r.stopReason, "stop");
  assert.deepEqual(r.blocks, [{ type: "output_text", text: "Hi there", visibility: "public" }]);
});

test("tools, tool_choice, structured output and tool calls in a whole reply", async () => {
  server.reply(
    completion({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } },
        { id: "call_2", type: "function", function: { name: "read", arguments: "{broken" } },
      ],
    }),
  );
  const tools = [{ type: "function", function: { name: "read", description: "Read", parameters: {} } }];
  const schema = { type: "object", properties: { answer: { type: "string" } } };
  const r = await openai.generate(
    request({
      tools,
      toolChoice: { type: "tool", name: "read" },
      outputFormat: { kind: "json_schema", schema, strict: true },
    }),
    never,
  );
  const body = sent();
  assert.deepEqual(body.tools, tools);
  assert.deepEqual(body.tool_choice, { type: "function", function: { name: "read" } });
  assert.deepEqual(body.response_format, {
    type: "json_schema",
    json_schema: { name: "response", schema, strict: true },
  });
  assert.deepEqual(r.toolCalls[0], { id: "call_1", name: "read", arguments: { path: "a.txt" } });
  assert.match(
    String((r.toolCalls[1]!.arguments as Record<string, unknown>).__parse_error),
    /Raw input: \{broken/,
  );
  assert.equal(r.blocks.filter((b) => b.type === "tool_call").length, 2);
});

test("streamed reply: deltas in order, tool calls assembled by index, usage from the last chunk", async () => {
  server.reply({
    sse: [
      chunk({ role: "assistant", content: "Let me " }),
      chunk({ content: "check." }),
      chunk({
        tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "list", arguments: "" } }],
      }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_a", type: "function", function: { name: "read", arguments: '{"pa' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'th":"x"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "{}" } }] }),
      { data: { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] } },
      { data: { choices: [], usage: { prompt_tokens: 20, completion_tokens: 9 } } },
      { data: "[DONE]" },
    ],
  });
  const deltas: string[] = [];
  const r = await openai.stream!(request({ stream: true }), (d) => deltas.push(d), never);
  assert.equal(server.requests[0]?.headers.accept?.includes("text/event-stream"), true);
  assert.equal(sent().stream, true);
  assert.deepEqual(sent().stream_options, { include_usage: true });
  assert.deepEqual(deltas, ["Let me ", "check."]);
  assert.equal(r.text, "Let me check.");
  assert.deepEqual(r.toolCalls, [
    { id: "call_a", name: "read", arguments: { path: "x" } },
    { id: "call_b", name: "list", arguments: {} },
  ]);
  assert.equal(r.stopReason, "tool_calls");
  assert.deepEqual(r.usage, { inputTokens: 20, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 });
  assert.deepEqual(
    r.blocks.map((b) => b.type),
    ["output_text", "tool_call", "tool_call"],
  );
});

test("inline <think> tags and reasoning fields become thinking, split across deltas too", async () => {
  server.reply(
    completion({ role: "assistant", content: "<think>ponder</think>\n\nAnswer", reasoning: "first" }),
  );
  const whole = await openai.generate(request(), never);
  assert.equal(whole.text, "Answer");
  assert.equal(whole.thinking, "first\nponder");

  server.reply({
    sse: [
      chunk({ content: "<thi" }),
      chunk({ content: "nk>deep " }),
      chunk({ content: "thought</th" }),
      chunk({ content: "ink>\nVisible" }),
      chunk({ reasoning_content: " extra" }),
      { data: "[DONE]" },
    ],
  });
  const deltas: string[] = [];
  const streamed = await openai.stream!(request({ stream: true }), (d) => deltas.push(d), never);
  assert.deepEqual(deltas, ["Visible"]);
  assert.equal(streamed.text, "Visible");
  assert.equal(streamed.thinking, "deep thought extra");
});

test("reasoning models get max_completion_tokens and reasoning_effort; OpenRouter gets a reasoning object", async () => {
  server.reply(completion({ role: "assistant", content: "ok" }));
  await openai.generate(request({ model: "o3", thinking: { mode: "effort", level: "high" } }), never);
  assert.equal(sent().max_completion_tokens, 64);
  assert.equal(sent().max_tokens, undefined);
  assert.equal(sent().reasoning_effort, "high");

  const openrouter = openAiCompatibleProvider(
    "openrouter",
    catalog("openrouter"),
    environment(server.redirectingTransport()),
  );
  server.reply(completion({ role: "assistant", content: "ok" }));
  await openrouter.generate(
    request({
      provider: "openrouter",
      model: "qwen/qwen3-32b",
      baseUrl: "https://openrouter.ai/api/v1",
      thinking: { mode: "enabled", budgetTokens: 2048 },
      providerOverrides: { transforms: ["middle-out"], force_native_tool_search: true },
    }),
    never,
  );
  assert.equal(server.intendedUrls.at(-1), "https://openrouter.ai/api/v1/chat/completions");
  assert.deepEqual(sent().reasoning, { max_tokens: 2048 });
  assert.equal(sent().chat_template_kwargs, undefined);
  assert.deepEqual(sent().transforms, ["middle-out"], "provider overrides are merged into the body");
  assert.equal(sent().force_native_tool_search, undefined, "runtime-only overrides stay out of the body");
});

test("images become image_url parts; tool results become tool-role turns", async () => {
  server.reply(completion({ role: "assistant", content: "ok" }));
  const messages: JsonObject[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "caption" },
        { type: "image", base64: "iVBORw0KGgo=", media_type: "image/png", detail: "low" },
      ],
    },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "t1", name: "read", input: { path: "a" } }],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "file text" }] },
  ];
  await openai.generate(request({ messages, vision: true }), never);
  assert.deepEqual(sent().messages, [
    {
      role: "user",
      content: [
        { type: "text", text: "caption" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "t1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } }],
    },
    { role: "tool", tool_call_id: "t1", content: "file text" },
  ]);
});

test("HTTP failures carry the reference's tagged message, a category and retry-after", async () => {
  server.reply({
    status: 429,
    headers: { "retry-after": "2" },
    json: { error: { type: "rate_limit_error", message: "slow down" } },
  });
  const limited = await failure(openai.generate(request(), never));
  assert.equal(limited.category, "rate_limit");
  assert.equal(limited.retryAfterMs, 2000);
  assert.match(
    limited.message,
    /^openai HTTP 429 Too Many Requests \[rate_limited\]: .*slow down.* \(retry-after: 2\)$/,
  );

  server.reply({
    status: 400,
    json: {
      error: {
        code: "context_length_exceeded",
        message: "maximum context length is 8192 tokens, you sent 10234",
      },
    },
  });
  const overflow = await failure(openai.generate(request(), never));
  assert.equal(overflow.category, "generic");
  assert.match(overflow.message, /\[context_overflow\].*\(offending_tokens: 10234\)/);

  const cases: [number, string, string][] = [
    [401, "auth", "auth_failure"],
    [404, "not_found", "model_unavailable"],
    [503, "overloaded", "http_error"],
    [500, "server_error", "http_error"],
    [504, "timeout", "timeout"],
  ];
  for (const [status, category, tag] of cases) {
    server.reply({ status, text: "nope" });
    const e = await failure(openai.generate(request({ stream: true }), never));
    assert.equal(e.category, category, `status ${status}`);
    assert.ok(e.message.includes(`[${tag}]`), e.message);
  }
});

test("errors inside a 200 reply or a stream, and empty replies, are failures too", async () => {
  server.reply({ json: { error: { message: "upstream exploded", type: "server_error" } } });
  const inBody = await failure(openai.generate(request(), never));
  assert.equal(inBody.category, "server_error");
  assert.match(inBody.message, /openai API error: server_error: upstream exploded/);

  server.reply({
    sse: [
      chunk({ content: "par" }),
      { data: { error: { message: "overloaded", type: "overloaded_error" } } },
    ],
  });
  const midStream = await failure(openai.stream!(request({ stream: true }), () => {}, never));
  assert.equal(midStream.category, "overloaded");

  server.reply(completion({ role: "assistant", content: "" }, { prompt_tokens: 3, completion_tokens: 5 }));
  const empty = await failure(openai.generate(request(), never));
  assert.match(empty.message, /reported completion_tokens=5 but delivered no content/);
});

test("a stream that breaks off, a refused connection and the deadline are transport failures", async () => {
  server.reply({
    sse: [chunk({ content: "partial answer" }), chunk({ content: "more" })],
    cutAfterBytes: 40,
  });
  const cut = await failure(openai.stream!(request({ stream: true }), () => {}, never));
  assert.equal(cut.category, "transient_network");
  assert.match(cut.message, /^openai stream error: /);

  const refused = openAiCompatibleProvider("local", catalog("local"), environment(fetchTransport()));
  const e = await failure(
    refused.generate(request({ provider: "local", baseUrl: "http://127.0.0.1:9" }), never),
  );
  assert.equal(e.category, "transient_network");
  assert.match(e.message, /^local API error: /);

  // The server sends headers and a first chunk, then nothing: only the deadline ends the call.
  server.reply({ sse: [chunk({ content: "started" })], stall: true });
  const late = await failure(openai.stream!(request({ stream: true, timeoutMs: 200 }), () => {}, never));
  assert.equal(late.category, "timeout");
  assert.match(late.message, /^openai stream error: .*timed out/);

  const aborted = new AbortController();
  aborted.abort();
  server.reply(completion({ role: "assistant", content: "late" }));
  const cancelled = await failure(openai.generate(request(), aborted.signal));
  assert.equal(cancelled.category, "cancelled");
});

test("a missing base URL names the setting that provides it", async () => {
  const local = openAiCompatibleProvider(
    "local",
    catalog("local"),
    environment(server.redirectingTransport()),
  );
  const e = await failure(local.generate(request({ provider: "local", baseUrl: "" }), never));
  assert.equal(e.message, "local: no base URL is configured (set LOCAL_LLM_BASE_URL)");
});

test("keyless local servers get no Authorization header and the /v1 endpoint", async () => {
  const vllm = openAiCompatibleProvider("vllm", catalog("vllm"), environment(server.redirectingTransport()));
  server.reply(completion({ role: "assistant", content: "ok" }));
  const req: LlmRequest = request({
    provider: "vllm",
    model: "Qwen/Qwen3-8B",
    apiKey: "",
    baseUrl: "http://gpu-box:8000",
  });
  await vllm.generate(req, never);
  assert.equal(server.intendedUrls[0], "http://gpu-box:8000/v1/chat/completions");
  assert.equal(server.requests[0]?.headers.authorization, undefined);
});
