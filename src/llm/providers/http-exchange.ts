// The HTTP exchange every provider shares: where a request goes (base URL
// plus the catalog's endpoint), which headers authenticate it (the
// catalog's auth style, header and extra headers), how long it may take
// (the call's `timeout`, else HARN_LLM_TIMEOUT seconds, else 120 s, for the
// whole exchange including a streamed body, as the reference's per-request
// timeout), and how the reply is read: one JSON document, SSE events or
// NDJSON lines. Failures leave here as `LlmError`s (http-errors.ts).

import type { Capabilities } from "../catalog/capabilities.ts";
import type { ProviderDef } from "../catalog/providers.ts";
import { LlmError } from "../errors.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import type { LlmRequest } from "../provider.ts";
import { SseDecoder, type SseEvent } from "../transport/sse.ts";
import {
  bypassesProxy,
  type HeaderList,
  headerValue,
  type ProxyConfig,
  type Transport,
  type TransportResponse,
} from "../transport/types.ts";
import { httpFailure, transportFailure } from "./http-errors.ts";

/** What an HTTP provider needs from the runtime: the network, the environment and a clock. */
export interface ProviderEnvironment {
  readonly transport: Transport;
  /** An environment variable, undefined when unset or empty. */
  env(name: string): string | undefined;
  /** Milliseconds since the epoch (for HTTP-date retry-after values). */
  now(): number;
  /** The model's capabilities, with any overrides the script installed. */
  capabilities(provider: string, model: string): Capabilities;
}

const DEFAULT_TIMEOUT_SECONDS = 120;

/** The whole-exchange deadline for `request`, in ms. */
export function requestTimeoutMs(env: ProviderEnvironment, request: LlmRequest): number {
  if (request.timeoutMs !== null && request.timeoutMs > 0) return request.timeoutMs;
  const fromEnv = Number(env.env("HARN_LLM_TIMEOUT"));
  const seconds = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_SECONDS;
  return seconds * 1000;
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  if (path === "") return base;
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** The chat endpoint URL, or a clear error naming the setting that would provide the base URL. */
export function chatUrl(request: LlmRequest, def: ProviderDef): string {
  if (request.baseUrl.trim() === "") {
    const hint = def.baseUrlEnv ? ` (set ${def.baseUrlEnv})` : "";
    throw new LlmError("generic", `${request.provider}: no base URL is configured${hint}`);
  }
  return joinUrl(request.baseUrl, def.chatEndpoint);
}

/** Authentication headers for `apiKey` in the provider's catalog style (none when the key is empty). */
export function authHeaders(def: ProviderDef, apiKey: string): [string, string][] {
  if (apiKey === "") return [];
  switch (def.authStyle) {
    case "none":
      return [];
    case "header":
      return [[def.authHeader ?? "x-api-key", apiKey]];
    default:
      return [["Authorization", `Bearer ${apiKey}`]];
  }
}

/** Content type, authentication and the catalog's extra headers for a JSON POST. */
export function requestHeaders(def: ProviderDef, apiKey: string, streaming: boolean): [string, string][] {
  return [
    ["Content-Type", "application/json"],
    ["Accept", streaming ? "text/event-stream, application/x-ndjson, application/json" : "application/json"],
    ...authHeaders(def, apiKey),
    ...Object.entries(def.extraHeaders ?? {}),
  ];
}

function firstSet(env: ProviderEnvironment, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = env.env(name)?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * The forward proxy the environment sets for `url`, read as reqwest (the
 * reference's HTTP client) reads it: HTTPS_PROXY for https URLs,
 * HTTP_PROXY for http ones, ALL_PROXY for both (upper or lower case), and
 * NO_PROXY's hosts bypass it. Credentials in the proxy URL become basic
 * auth for the proxy. A transport that cannot proxy (plain fetch) then
 * fails clearly instead of silently going direct.
 */
export function environmentProxy(env: ProviderEnvironment, url: string): ProxyConfig | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = target.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
  const value = firstSet(env, [scheme, scheme.toLowerCase(), "ALL_PROXY", "all_proxy"]);
  if (value === undefined) return undefined;
  const noProxy = firstSet(env, ["NO_PROXY", "no_proxy"]);
  if (bypassesProxy(noProxy, target.hostname)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw new LlmError("generic", `invalid proxy URL in the environment: ${JSON.stringify(value)}`);
  }
  const username = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  proxy.username = "";
  proxy.password = "";
  return {
    url: proxy.toString(),
    ...(username !== "" && { username }),
    ...(password !== "" && { password }),
    ...(noProxy !== undefined && { noProxy }),
  };
}

export interface JsonPost {
  readonly provider: string;
  readonly url: string;
  readonly headers: HeaderList;
  readonly body: JsonObject;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Sends `post`; resolves with a 2xx response, rejects with an LlmError otherwise. */
export async function postJson(env: ProviderEnvironment, post: JsonPost): Promise<TransportResponse> {
  let response: TransportResponse;
  try {
    const proxy = environmentProxy(env, post.url);
    response = await env.transport.send({
      method: "POST",
      url: post.url,
      headers: post.headers,
      body: JSON.stringify(post.body),
      timeoutMs: post.timeoutMs,
      signal: post.signal,
      ...(proxy && { proxy }),
    });
  } catch (error) {
    throw transportFailure(post.provider, "API", error);
  }
  if (response.status >= 200 && response.status < 300) return response;
  let body = "";
  try {
    body = await response.text();
  } catch {
    // The status already says what went wrong; a body that breaks off adds nothing.
  }
  throw httpFailure(
    post.provider,
    response.status,
    headerValue(response.headers, "retry-after"),
    body,
    env.now(),
  );
}

/** The response body as one JSON object. */
export async function readJsonObject(provider: string, response: TransportResponse): Promise<JsonObject> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transportFailure(provider, "API", error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new LlmError("generic", `${provider} response parse error: ${detail}`);
  }
  if (!isJsonObject(parsed as JsonObject | null)) {
    throw new LlmError("generic", `${provider} response parse error: expected a JSON object`);
  }
  return parsed as JsonObject;
}

/** True when the response declares an SSE body. */
export function isEventStream(response: TransportResponse): boolean {
  return (headerValue(response.headers, "content-type") ?? "").includes("text/event-stream");
}

async function* bodyChunks(provider: string, response: TransportResponse): AsyncIterable<Uint8Array> {
  try {
    yield* response.chunks();
  } catch (error) {
    throw transportFailure(provider, "stream", error);
  }
}

/** The SSE events of a streamed body, in order. */
export async function* sseEvents(provider: string, response: TransportResponse): AsyncIterable<SseEvent> {
  const decoder = new SseDecoder();
  for await (const chunk of bodyChunks(provider, response)) yield* decoder.pushBytes(chunk);
  yield* decoder.end();
}

/** The non-blank lines of a streamed body (NDJSON), in order; a final unterminated line counts. */
export async function* bodyLines(provider: string, response: TransportResponse): AsyncIterable<string> {
  const text = new TextDecoder("utf-8");
  let pending = "";
  for await (const chunk of bodyChunks(provider, response)) {
    pending += text.decode(chunk, { stream: true });
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") yield line;
  }
  pending += text.decode();
  if (pending.trim() !== "") yield pending;
}

/** Parses one stream frame's JSON; frames that are not JSON objects are skipped (undefined). */
export function frameJson(data: string): JsonObject | undefined {
  try {
    const parsed = JSON.parse(data) as JsonObject;
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
