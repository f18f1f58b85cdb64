// The Ollama provider against a local server speaking `/api/chat` with
// NDJSON streaming (real sockets on 127.0.0.1): the request body (options,
// context window and keep-alive from overrides and environment, think,
// format), content/thinking channels and tool calls, and the failures a
// local server produces (EOF before done, error lines, empty replies).

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
import type { LlmRequest } from "../provider.ts";
import { ollamaProvider } from "./ollama.ts";
import { ollamaRequestBody } from "./ollama-request.ts";

let server: FakeLlmServer;

before(async () => {
  server = await startFakeLlmServer();
});
after(() => server.close());
beforeEach(() => server.reset());

function local(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return request({
    provider: "ollama",
    model: "llama3.2",
    apiKey: "",
    baseUrl: "http://localhost:11434",
    ...overrides,
  });
}

const provider = (vars: Record<string, string> = {}) =>
  ollamaProvider("ollama", catalog("ollama"), environment(server.redirectingTransport(), vars));

const line = (content: string, extra: object = {}) => ({
  model: "llama3.2",
  message: { role: "assistant", content },
  done: false,
  ...extra,
});
const done = (extra: object = {}) => ({
  model: "llama3.2",
  message: { role: "assistant", content: "" },
  done: true,
  done_reason: "stop",
  prompt_eval_count: 11,
  eval_count: 4,
  ...extra,
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

test("the request body: sampling in options, context window and keep-alive, think, format", () => {
  const body = ollamaRequestBody(
    local({
      system: "sys",
      temperature: 0.1,
      topK: 20,
      seed: 3,
      outputFormat: { kind: "json_object" },
      thinking: { mode: "enabled", budgetTokens: null },
      providerOverrides: { keep_alive: "forever", options: { num_gpu: 1 } },
    }),
    (name) => ({ OLLAMA_CONTEXT_LENGTH: "8192" })[name],
  );
  assert.deepEqual(body, {
    model: "llama3.2",
    messages: [
      { role: "system", content: "sys" },
      { role: "user", content: "hello" },
    ],
    stream: true,
    options: {
      min_p: 0.05,
      repeat_penalty: 1.05,
      num_predict: 64,
      temperature: 0.1,
      top_k: 20,
      seed: 3,
      num_gpu: 1,
      num_ctx: 8192,
    },
    format: "json",
    think: true,
    keep_alive: -1,
  });
  const defaults = ollamaRequestBody(local(), () => undefined);
  assert.equal((defaults.options as JsonObject).num_ctx, 32768);
  assert.equal(defaults.keep_alive, "30m");
  assert.equal(defaults.think, false);
});

test("images and tool turns take Ollama's shapes", () => {
  const messages: JsonObject[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "what is this?" },
        { type: "image", base64: "AAAA", media_type: "image/png" },
      ],
    },
    {
      role: "assistant",
      content: "",
      tool_calls: [{ id: "c1", type: "function", function: { name: "look", arguments: '{"zoom":2}' } }],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "a cat" }] },
  ];
  const body = ollamaRequestBody(local({ messages }), () => undefined);
  assert.deepEqual(body.messages, [
    { role: "user", content: "what is this?", images: ["AAAA"] },
    {
      role: "assistant",
      content: "",
      tool_calls: [{ type: "function", function: { index: 0, name: "look", arguments: { zoom: 2 } } }],
    },
    { role: "tool", content: "a cat" },
  ]);
});

test("an NDJSON stream: deltas, thinking channel, tool calls, counts from the done line", async () => {
  server.reply({
    ndjson: [
      { model: "llama3.2", message: { role: "assistant", content: "", thinking: "hmm" }, done: false },
      line("Hel"),
      line("lo", {
        message: {
          role: "assistant",
          content: "lo",
          tool_calls: [{ function: { name: "look", arguments: { at: "x" } } }],
        },
      }),
      done(),
    ],
  });
  const deltas: string[] = [];
  const r = await provider().stream!(local({ stream: true }), (d) => deltas.push(d), never);
  assert.equal(server.intendedUrls[0], "http://localhost:11434/api/chat");
  assert.equal(server.requests[0]?.headers.authorization, undefined);
  assert.deepEqual(deltas, ["Hel", "lo"]);
  assert.equal(r.text, "Hello");
  assert.equal(r.thinking, "hmm");
  assert.deepEqual(r.toolCalls, [{ id: "ollama_tool_0", name: "look", arguments: { at: "x" } }]);
  assert.deepEqual(r.usage, { inputTokens: 11, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 });
  assert.equal(r.stopReason, "stop");
});

test("stream=false still streams (Ollama is always read as NDJSON)", async () => {
  server.reply({ ndjson: [line("ok"), done()] });
  const r = await provider().generate(local({ stream: false }), never);
  assert.equal(r.text, "ok");
  assert.equal((server.requests[0]!.body as JsonObject).stream, true);
});

test("failures: EOF before done, error lines, HTTP errors, an empty reply retried once", async () => {
  server.reply({ ndjson: [line("half")] });
  const eof = await failure(provider().generate(local(), never));
  assert.match(eof.message, /unexpected EOF before done=true after partial content/);

  server.reply({ ndjson: [{ error: "model 'nope' not found" }] });
  const inBand = await failure(provider().generate(local(), never));
  assert.equal(inBand.category, "not_found");

  server.reply({ status: 404, json: { error: "model 'nope' not found, try pulling it first" } });
  const missing = await failure(provider().generate(local(), never));
  assert.equal(missing.category, "not_found");
  assert.match(missing.message, /^ollama HTTP 404 Not Found \[model_unavailable\]/);

  server.reply({ ndjson: [done({ eval_count: 9 })] }, { ndjson: [line("second try"), done()] });
  const retried = await provider().generate(local(), never);
  assert.equal(retried.text, "second try");
  assert.equal(server.requests.length, 5);

  server.reply({ ndjson: [done({ eval_count: 9 })] }, { ndjson: [done({ eval_count: 9 })] });
  const empty = await failure(provider().generate(local(), never));
  assert.match(
    empty.message,
    /eval_count=9 but delivered no content or thinking \[ollama_empty_content_parser_bug\]/,
  );
});
