// Providers honour the environment's forward proxy as the reference's
// HTTP client does: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY with credentials,
// NO_PROXY bypasses, and a transport that cannot proxy fails clearly. The
// "proxy" here is the fake server itself on 127.0.0.1, which sees the
// absolute-URI request line a proxy receives; nothing leaves the machine.

import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { type FakeLlmServer, startFakeLlmServer } from "../../../tests/fixtures/providers/fake-llm-server.ts";
import {
  catalog,
  environment,
  never,
  request,
} from "../../../tests/fixtures/providers/provider-test-support.ts";
import { nodeHttpHost } from "../../host/http-host.ts";
import { LlmError } from "../errors.ts";
import { fetchTransport } from "../transport/fetch-transport.ts";
import { environmentProxy } from "./http-exchange.ts";
import { openAiCompatibleProvider } from "./openai-compatible.ts";

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer();
});
after(() => server.close());
beforeEach(() => server.reset());

const reply = { json: { choices: [{ index: 0, message: { role: "assistant", content: "via" } }] } };
const local = (baseUrl: string) => request({ provider: "local", model: "m", apiKey: "", baseUrl });

test("which proxy applies to which URL", () => {
  const env = environment(fetchTransport(), {
    HTTPS_PROXY: "http://alice:s%40cret@proxy.corp:3128",
    http_proxy: "proxy.corp:8080",
    NO_PROXY: "localhost,.internal",
  });
  assert.deepEqual(environmentProxy(env, "https://api.openai.com/v1/chat/completions"), {
    url: "http://proxy.corp:3128/",
    username: "alice",
    password: "s@cret",
    noProxy: "localhost,.internal",
  });
  assert.equal(environmentProxy(env, "http://gpu-box:8000/v1")?.url, "http://proxy.corp:8080/");
  assert.equal(environmentProxy(env, "http://localhost:11434/api/chat"), undefined);
  assert.equal(environmentProxy(env, "http://vllm.internal:8000/v1"), undefined);
  assert.equal(environmentProxy(environment(fetchTransport()), "https://api.openai.com/v1"), undefined);
});

test("an HTTP_PROXY request goes to the proxy with the absolute URL and proxy credentials", async () => {
  const env = environment(nodeHttpHost.transport, {
    HTTP_PROXY: `http://bob:pw@127.0.0.1:${new URL(server.baseUrl).port}`,
  });
  const provider = openAiCompatibleProvider("local", catalog("local"), env);
  server.reply(reply);
  const r = await provider.generate(local("http://gpu-box:8000"), never);
  assert.equal(r.text, "via");
  assert.equal(server.requests[0]?.path, "http://gpu-box:8000/v1/chat/completions");
  assert.equal(
    server.requests[0]?.headers["proxy-authorization"],
    `Basic ${Buffer.from("bob:pw").toString("base64")}`,
  );
});

test("NO_PROXY hosts go direct; a transport that cannot proxy says so", async () => {
  const direct = environment(nodeHttpHost.transport, {
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1",
  });
  server.reply(reply);
  const r = await openAiCompatibleProvider("local", catalog("local"), direct).generate(
    local(server.baseUrl),
    never,
  );
  assert.equal(r.text, "via");
  assert.equal(server.requests[0]?.path, "/v1/chat/completions");

  const plain = environment(fetchTransport(), { HTTP_PROXY: "http://127.0.0.1:9" });
  await assert.rejects(
    openAiCompatibleProvider("local", catalog("local"), plain).generate(local(server.baseUrl), never),
    (e: unknown) => e instanceof LlmError && /cannot send through a proxy/.test(e.message),
  );
});
