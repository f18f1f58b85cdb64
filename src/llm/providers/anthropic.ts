// The Anthropic provider: Messages API over the shared HTTP exchange,
// with the catalog's `x-api-key` auth and `anthropic-version` header, the
// model's beta features in `anthropic-beta`, and SSE streaming of the
// named events whenever the call streams (the default).

import type { ProviderDef } from "../catalog/providers.ts";
import type { DeltaSink, LlmProvider, LlmRequest, LlmResponse } from "../provider.ts";
import { anthropicRequestBody, betaFeatures } from "./anthropic-request.ts";
import { AnthropicStreamReader, parseAnthropicMessage } from "./anthropic-response.ts";
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

async function complete(
  env: ProviderEnvironment,
  def: ProviderDef,
  request: LlmRequest,
  onDelta: DeltaSink | null,
  signal: AbortSignal,
): Promise<LlmResponse> {
  const streaming = request.stream;
  const headers = requestHeaders(def, request.apiKey, streaming);
  const betas = betaFeatures(request, env.capabilities(request.provider, request.model));
  if (betas.length > 0) headers.push(["anthropic-beta", betas.join(",")]);
  const response = await postJson(env, {
    provider: request.provider,
    url: chatUrl(request, def),
    headers,
    body: anthropicRequestBody(request, streaming),
    timeoutMs: requestTimeoutMs(env, request),
    signal,
  });
  if (!isEventStream(response)) {
    const reply = parseAnthropicMessage(await readJsonObject(request.provider, response), request);
    if (onDelta && reply.text !== "") onDelta(reply.text);
    return reply;
  }
  const reader = new AnthropicStreamReader(request, onDelta ?? (() => {}));
  for await (const event of sseEvents(request.provider, response)) reader.push(event.data);
  return reader.finish();
}

/** The Messages provider named `name` (normally "anthropic"), configured by its catalog entry. */
export function anthropicProvider(name: string, def: ProviderDef, env: ProviderEnvironment): LlmProvider {
  return {
    name,
    generate: (request, signal) => complete(env, def, request, null, signal),
    stream: (request, onDelta, signal) => complete(env, def, request, onDelta, signal),
    healthcheck: (apiKey, signal) => catalogHealthcheck(env, name, def, apiKey, signal),
  };
}
