// The OpenAI-compatible provider: one implementation, parameterised by
// the provider name, for every catalog entry that speaks Chat Completions
// (OpenAI, OpenRouter, Together, Groq, DeepSeek, Fireworks, DashScope,
// Hugging Face, and keyless local servers: local, vllm, tgi, mlx). The
// catalog supplies the endpoint, auth style and headers; the request
// brings the resolved key and base URL. As in the reference, a call whose
// `stream` option is on (the default, HARN_LLM_STREAM) goes over SSE even
// when nobody watches the deltas, so every call shares one code path.

import type { ProviderDef } from "../catalog/providers.ts";
import type { DeltaSink, LlmProvider, LlmRequest, LlmResponse } from "../provider.ts";
import { catalogHealthcheck } from "./healthcheck-probe.ts";
import {
  chatUrl,
  isEventStream,
  type ProviderEnvironment,
  postJson,
  readJsonObject,
  requestHeaders,
  requestTimeoutMs,
  sseEvents,
} from "./http-exchange.ts";
import { openAiRequestBody } from "./openai-request.ts";
import { OpenAiStreamReader, parseOpenAiCompletion } from "./openai-response.ts";

async function complete(
  env: ProviderEnvironment,
  def: ProviderDef,
  request: LlmRequest,
  onDelta: DeltaSink | null,
  signal: AbortSignal,
): Promise<LlmResponse> {
  const streaming = request.stream;
  const caps = env.capabilities(request.provider, request.model);
  const response = await postJson(env, {
    provider: request.provider,
    url: chatUrl(request, def),
    headers: requestHeaders(def, request.apiKey, streaming),
    body: openAiRequestBody(request, caps, streaming),
    timeoutMs: requestTimeoutMs(env, request),
    signal,
  });
  // A server may ignore `stream: true` and answer with one JSON body; both are read.
  if (!isEventStream(response)) {
    const reply = parseOpenAiCompletion(await readJsonObject(request.provider, response), request);
    if (onDelta && reply.text !== "") onDelta(reply.text);
    return reply;
  }
  const reader = new OpenAiStreamReader(request, onDelta ?? (() => {}));
  for await (const event of sseEvents(request.provider, response)) reader.push(event.data);
  return reader.finish();
}

/** A Chat Completions provider named `name`, configured by its catalog entry `def`. */
export function openAiCompatibleProvider(
  name: string,
  def: ProviderDef,
  env: ProviderEnvironment,
): LlmProvider {
  return {
    name,
    generate: (request, signal) => complete(env, def, request, null, signal),
    stream: (request, onDelta, signal) => complete(env, def, request, onDelta, signal),
    healthcheck: (apiKey, signal) => catalogHealthcheck(env, name, def, apiKey, signal),
  };
}
