// End-to-end checks of the LLM builtins on a VM: the mock provider, a fake
// registered provider standing in for an HTTP one (what it receives, how
// its failures surface, retries, streaming, cancellation), the refusal to
// call unconfigured or disabled providers, budgets and structured output.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { LlmError } from "../../llm/errors.ts";
import type { LlmProvider, LlmRequest, LlmResponse } from "../../llm/provider.ts";
import { registerLlmProvider } from "../../llm/state.ts";
import { NULL_HOST, type StdlibHost } from "../host-api.ts";
import { registerLlm } from "./index.ts";

function hostWith(env: Record<string, string>): StdlibHost {
  return { ...NULL_HOST, env: (name) => env[name] };
}

async function run(source: string, setup: { env?: Record<string, string>; providers?: LlmProvider[] } = {}) {
  const out: string[] = [];
  const host = hostWith(setup.env ?? {});
  const vm = createVm({ output: (s) => out.push(s), errorOutput: () => {}, host });
  registerLlm(vm, host);
  for (const p of setup.providers ?? []) registerLlmProvider(vm, p);
  const compiled = compileSource(source, "llm.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}`);
  return out.join("").trimEnd();
}

function reply(request: LlmRequest, text: string): LlmResponse {
  return {
    text,
    toolCalls: [],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    model: request.model,
    provider: request.provider,
    thinking: null,
    thinkingSummary: null,
    stopReason: "stop",
    blocks: [{ type: "output_text", text, visibility: "public" }],
  };
}

/** A provider named `openai` that answers from `script` and records each request. */
function fakeProvider(
  script: (request: LlmRequest, call: number) => string,
): LlmProvider & { seen: LlmRequest[] } {
  const seen: LlmRequest[] = [];
  return {
    name: "openai",
    seen,
    generate: async (request) => {
      seen.push(request);
      return reply(request, script(request, seen.length));
    },
    stream: async (request, onDelta) => {
      seen.push(request);
      const text = script(request, seen.length);
      for (const part of text.split(" ")) onDelta(part);
      return reply(request, text);
    },
  };
}

const KEY = { OPENAI_API_KEY: "sk-test" };

test("the mock answers from the queue, then with its default reply, and logs every call", async () => {
  const out = await run(`
llm_mock({text: "queued", input_tokens: 7})
let a = llm_call("first question", "be brief", {provider: "mock"})
println(a.text + " " + to_string(a.usage.input_tokens) + " " + a.model)
let b = llm_call("hello there world", nil, {provider: "mock", model: "m1"})
println(b.text)
let calls = llm_mock_calls()
println(len(calls))
println(calls[0].system)
println(calls[1].thinking)
`);
  assert.equal(
    out,
    "queued 7 mock\nMock response to 3-word prompt: hello there world\n2\nbe brief\n{mode: disabled}",
  );
});

test("a registered provider receives the parsed request and its reply becomes the result", async () => {
  const provider = fakeProvider(() => '{"answer": "yes"}');
  const out = await run(
    `
let schema = {type: "object", required: ["answer"], properties: {answer: {type: "string"}}}
let r = llm_call("q?", "sys", {provider: "openai", model: "gpt-4o", max_tokens: 99, temperature: 0.5,
  output_schema: schema, response_format: "json"})
println(r.data.answer + " " + r.provider + " " + r.model)
`,
    { env: KEY, providers: [provider] },
  );
  assert.equal(out, "yes openai gpt-4o");
  const req = provider.seen[0]!;
  assert.equal(req.apiKey, "sk-test");
  assert.equal(req.baseUrl, "https://api.openai.com/v1");
  assert.equal(req.system, "sys");
  assert.equal(req.maxTokens, 99);
  assert.equal(req.temperature, 0.5);
  assert.deepEqual(req.messages, [{ role: "user", content: "q?" }]);
  // Only json_schema/schema options ask the provider for schema-constrained output.
  assert.equal(req.outputFormat.kind, "json_object");
});

test("provider failures surface as the LLM error dict; transient ones are retried", async () => {
  let calls = 0;
  const flaky: LlmProvider = {
    name: "openai",
    generate: async (request) => {
      calls++;
      if (calls === 1) throw new LlmError("overloaded", "529 overloaded", 0);
      if (calls === 2) throw new LlmError("auth", "invalid api key");
      return reply(request, "never");
    },
  };
  const out = await run(
    `
let r = try { llm_call("x", nil, {provider: "openai", model: "gpt-4o", llm_retries: 3, llm_backoff_ms: 0}) }
let e = unwrap_err(r)
println(e.category + " " + e.kind + " " + e.reason + " " + e.provider)
`,
    { env: KEY, providers: [flaky] },
  );
  assert.equal(out, "auth terminal auth_failure openai");
  assert.equal(calls, 2, "the transient failure was retried, the terminal one was not");
});

test("providers without a transport, disabled calls and missing keys fail clearly", async () => {
  // gemini has no HTTP provider here yet.
  const noTransport = await run(`llm_call("x", nil, {provider: "gemini", model: "gemini-2.0-flash"})`, {
    env: { GEMINI_API_KEY: "test-key" },
  });
  assert.match(noTransport, /provider `gemini` has no transport in this runtime/);
  const disabled = await run(`llm_call("x", nil, {provider: "local", model: "m"})`, {
    env: { HARN_LLM_CALLS_DISABLED: "1" },
  });
  assert.match(disabled, /LLM calls are disabled by HARN_LLM_CALLS_DISABLED; provider `local`/);
  const noKey = await run(`llm_call("x", nil, {provider: "openai"})`);
  assert.match(noKey, /Missing API key: set OPENAI_API_KEY environment variable/);
  const gate = await run(`llm_call("x", nil, {provider: "mock", model: "gpt-3.5-turbo", cache: true})`);
  assert.match(gate, /option `cache` is not supported by `gpt-3.5-turbo` \(provider `mock`\)/);
});

test("a budget envelope stops a call before the provider sees it", async () => {
  const provider = fakeProvider(() => "unused");
  const out = await run(
    `
let r = try { llm_call("a long enough prompt to exceed it", nil,
  {provider: "openai", model: "gpt-4o", budget: {max_input_tokens: 1}}) }
let e = unwrap_err(r)
println(e.category + " " + e.limit + " " + to_string(e.projected_input_tokens > 1))
`,
    { env: KEY, providers: [provider] },
  );
  assert.equal(out, "budget_exceeded max_input_tokens true");
  assert.equal(provider.seen.length, 0);
});

test("structured calls re-ask with a nudge and report a diagnostic envelope", async () => {
  const provider = fakeProvider((_, n) => (n === 1 ? "no json here" : '{"k": "v"}'));
  const out = await run(
    `
let schema = {type: "object", required: ["k"], properties: {k: {type: "string"}}}
let data = llm_call_structured("Q", schema, {provider: "openai", model: "gpt-4o"})
println(data.k)
llm_mock({text: "still prose"})
let env = llm_call_structured_result("Q", schema, {provider: "mock", retries: 0})
println(to_string(env.ok) + " " + env.error_category + " " + env.raw_text)
`,
    { env: KEY, providers: [provider] },
  );
  assert.equal(out, "v\nfalse missing_json still prose");
  const retry = provider.seen[1]!.messages;
  assert.equal(retry.length, 2, "the retry replays the prompt plus one corrective turn");
  assert.match(String(retry[1]!.content), /response did not contain parseable JSON/);
});

test("llm_stream yields a provider's deltas, and a failure as a final error chunk", async () => {
  const provider = fakeProvider(() => "one two three");
  const out = await run(
    `
var parts = []
for chunk in llm_stream("go", nil, {provider: "openai", model: "gpt-4o"}) {
  parts = parts + [chunk]
}
println(parts)
var words = []
for w in llm_stream("a b", nil, {provider: "mock"}) {
  words = words + [w]
}
println(words)
`,
    { env: KEY, providers: [provider] },
  );
  assert.equal(out, "[one, two, three]\n[a, b]");
  const failing: LlmProvider = {
    name: "openai",
    generate: () => Promise.reject(new LlmError("server_error", "HTTP 500")),
  };
  const failed = await run(
    `for c in llm_stream("go", nil, {provider: "openai", model: "gpt-4o"}) { println(c) }`,
    { env: KEY, providers: [failing] },
  );
  assert.equal(failed, "error: HTTP 500");
});

test("cancelling the calling task aborts the provider request", async () => {
  let aborted = false;
  const hanging: LlmProvider = {
    name: "openai",
    generate: (_request, signal) =>
      new Promise((_, reject) => {
        // Stands in for the open socket of a real request, which keeps the process alive.
        const pending = setTimeout(() => reject(new Error("never aborted")), 10_000);
        signal.addEventListener("abort", () => {
          clearTimeout(pending);
          aborted = true;
          reject(new Error("aborted"));
        });
      }),
  };
  const out = await run(
    `
let r = try { deadline 20ms { llm_call("x", nil, {provider: "openai", model: "gpt-4o"}) } }
println(is_err(r))
`,
    { env: KEY, providers: [hanging] },
  );
  assert.equal(out, "true");
  assert.ok(aborted);
});
