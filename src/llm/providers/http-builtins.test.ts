// The LLM builtins on a VM whose HTTP providers send to a local fake
// server: the safe envelope and llm_stream's error chunk, the kill switch
// still winning over a registered provider, cancellation of a call in
// flight, and llm_healthcheck's probe (method, URL, headers, body, and how
// failures are reported).

import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { type FakeLlmServer, startFakeLlmServer } from "../../../tests/fixtures/providers/fake-llm-server.ts";
import {
  catalog,
  environment,
  never,
  request,
} from "../../../tests/fixtures/providers/provider-test-support.ts";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { NULL_HOST } from "../../stdlib/host-api.ts";
import { LlmError } from "../errors.ts";
import { fetchTransport } from "../transport/fetch-transport.ts";
import { catalogHealthcheck } from "./healthcheck-probe.ts";
import { openAiCompatibleProvider } from "./openai-compatible.ts";
import { registerHttpProviders } from "./register-providers.ts";

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer();
});
after(() => server.close());
beforeEach(() => server.reset());

async function run(source: string, env: Record<string, string>): Promise<string> {
  const out: string[] = [];
  const vm = createVm({
    output: (s) => out.push(s),
    errorOutput: () => {},
    host: { ...NULL_HOST, env: (name) => env[name] },
  });
  registerHttpProviders(vm, server.redirectingTransport());
  const compiled = compileSource(source, "http.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}`);
  return out.join("").trimEnd();
}

const KEY = { OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "sk-ant-test" };

test("llm_call_safe wraps a provider failure; llm_stream ends with an error chunk", async () => {
  server.reply({ status: 500, text: "upstream exploded" });
  const safe = await run(
    `let r = llm_call_safe("x", nil, {provider: "openai", model: "gpt-4o", stream: false})
println([r.ok, r.error.category, r.error.kind, r.error.reason])`,
    KEY,
  );
  assert.equal(safe, "[false, server_error, transient, server_error]");

  server.reply({
    sse: [
      { data: { choices: [{ index: 0, delta: { content: "partial " } }] } },
      { data: { error: { type: "server_error", message: "model crashed" } } },
    ],
  });
  const streamed = await run(
    `var got = []
for c in llm_stream("x", nil, {provider: "openai", model: "gpt-4o"}) { got = got + [c] }
println(got)`,
    KEY,
  );
  assert.equal(streamed, "[partial , error: openai stream error: server_error: model crashed]");
});

test("HARN_LLM_CALLS_DISABLED refuses before any request is sent", async () => {
  const out = await run(`llm_call("x", nil, {provider: "openai", model: "gpt-4o"})`, {
    ...KEY,
    HARN_LLM_CALLS_DISABLED: "1",
  });
  assert.match(out, /LLM calls are disabled by HARN_LLM_CALLS_DISABLED; provider `openai`/);
  assert.equal(server.requests.length, 0);
});

test("aborting a call in flight (task cancellation) ends it as cancelled", async () => {
  const openai = openAiCompatibleProvider(
    "openai",
    catalog("openai"),
    environment(server.redirectingTransport()),
  );
  server.reply({ sse: [{ data: { choices: [{ index: 0, delta: { content: "first" } }] } }], stall: true });
  const controller = new AbortController();
  const pending = openai.stream!(request({ stream: true }), () => controller.abort(), controller.signal);
  await assert.rejects(pending, (e: unknown) => e instanceof LlmError && e.category === "cancelled");
});

test("llm_healthcheck probes the catalog's endpoint with the provider's auth", async () => {
  server.reply({ json: { input_tokens: 1 } });
  const ok = await run(
    `let h = llm_healthcheck("anthropic")
println([h.valid, h.message, h.metadata.reason, h.metadata.method, h.metadata.url])`,
    KEY,
  );
  assert.equal(
    ok,
    "[true, anthropic is reachable (HTTP 200), ok, POST, https://api.anthropic.com/v1/messages/count_tokens]",
  );
  const probe = server.requests[0]!;
  assert.equal(probe.headers["x-api-key"], "sk-ant-test");
  assert.equal(probe.headers["anthropic-version"], "2023-06-01");
  assert.deepEqual(probe.body, {
    model: "claude-sonnet-4-20250514",
    messages: [{ role: "user", content: "x" }],
  });

  server.reply({ status: 401, json: { error: "bad key" } });
  const rejected = await run(
    `let h = llm_healthcheck({provider: "openai", api_key: "sk-other"})
println([h.valid, h.message, h.metadata.status, h.metadata.body])`,
    {},
  );
  assert.equal(rejected, '[false, openai returned HTTP 401: {"error":"bad key"}, 401, {"error":"bad key"}]');
  assert.equal(server.requests[1]!.headers.authorization, "Bearer sk-other");
});

test("a probe that cannot connect reports request_failed", async () => {
  const local = catalog("local");
  const env = environment(fetchTransport(), { LOCAL_LLM_BASE_URL: "http://127.0.0.1:9" });
  const result = await catalogHealthcheck(env, "local", local, "", never);
  assert.equal(result.valid, false);
  assert.equal(result.metadata.reason, "request_failed");
  assert.equal(result.metadata.url, "http://127.0.0.1:9/v1/models");
  assert.match(result.message, /^local healthcheck failed: /);
});
