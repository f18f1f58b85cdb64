// The request path of the `http_*` client builtins: options become a
// request, the egress policy is checked, and each attempt first consults
// the mock registry, then the transport. Retries follow the options'
// policy (retry-after honoured on 429/503). A response is the dict
// `{status, headers, body, ok}`; failures below HTTP (refused, timed out)
// throw `http: request failed: <reason>`.

import { TransportError } from "../../llm/transport/errors.ts";
import { type AttemptOutcome, withRetries } from "../../llm/transport/retry.ts";
import type { TransportRequest, TransportResponse } from "../../llm/transport/types.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import { readPartFile } from "./http-files.ts";
import type { HttpRuntime } from "./http-runtime.ts";
import type { MockResponse } from "./mock-registry.ts";
import { fail, findHeader, handleId, mergeDicts } from "./options.ts";
import {
  type HttpConfig,
  multipartBody,
  parseHttpConfig,
  parseRequestParts,
  type RequestParts,
  urlWithQuery,
} from "./request-options.ts";

export function responseDict(status: number, headers: Dict, body: string): Dict {
  return Dict.of({ status, headers, body, ok: status >= 200 && status < 300 });
}

export function headersDict(headers: ReadonlyMap<string, string>): Dict {
  return new Dict(new Map<string, Value>(headers));
}

export function isHttpUrl(url: string): boolean {
  return url.startsWith("http://") || url.startsWith("https://");
}

/** Everything one request needs after its options are read. */
export interface PreparedRequest {
  readonly method: string;
  readonly url: string;
  readonly config: HttpConfig;
  readonly parts: RequestParts;
  readonly options: Dict;
}

/** Merges a `session` option's stored options under the call's own. */
export function sessionOptions(rt: HttpRuntime, options: Dict, builtin: string): Dict {
  const session = options.map.get("session");
  if (session === undefined || session === null) return options;
  const id = handleId(session, builtin);
  const stored = rt.sessions.get(id);
  if (stored === undefined) throw fail(`${builtin}: unknown HTTP session '${id}'`);
  return mergeDicts(stored, options);
}

export function prepareRequest(
  rt: HttpRuntime,
  ctx: BuiltinContext,
  method: string,
  url: string,
  options: Dict,
  builtin: string,
): PreparedRequest {
  const parts = parseRequestParts(method, options, (p) => readPartFile(ctx, rt.system, p));
  return {
    method,
    url: urlWithQuery(url, options, builtin),
    config: parseHttpConfig(options),
    parts,
    options,
  };
}

/** The transport request for a prepared call (a random multipart boundary on the wire). */
export function transportRequest(
  req: PreparedRequest,
  signal: AbortSignal,
  rt: HttpRuntime,
): TransportRequest {
  const headers = [...req.parts.headers];
  let body: string | Uint8Array | undefined = req.parts.body ?? undefined;
  if (req.parts.multipart) {
    const boundary = `harn-${Math.random().toString(16).slice(2)}${Math.random().toString(16).slice(2)}`;
    body = multipartBody(req.parts.multipart, boundary);
    headers.push(["Content-Type", `multipart/form-data; boundary=${boundary}`]);
  }
  if (!req.config.decompress) headers.push(["Accept-Encoding", "identity"]);
  return {
    method: req.method,
    url: req.url,
    headers,
    ...(body !== undefined && { body }),
    timeoutMs: req.config.timeoutMs,
    ...(req.config.connectTimeoutMs !== undefined && { connectTimeoutMs: req.config.connectTimeoutMs }),
    followRedirects: req.config.followRedirects,
    maxRedirects: req.config.maxRedirects,
    allowRedirect: (target) => rt.egress.check("http_redirect", target) === undefined,
    ...(req.config.proxy !== undefined && { proxy: req.config.proxy }),
    signal,
  };
}

/** The mock registry's answer for a prepared call, if a mock matches. */
export function consumeMock(rt: HttpRuntime, req: PreparedRequest): MockResponse | undefined {
  return rt.mocks.consume(req.method, req.url, req.parts.recorded, req.parts.body);
}

type Outcome = AttemptOutcome & ({ mock: MockResponse } | { real: TransportResponse });

/** Runs a prepared request with retries; resolves to the response dict. */
async function run(
  rt: HttpRuntime,
  req: PreparedRequest,
  signal: AbortSignal,
  prefix: string,
): Promise<Value> {
  const attempt = async (): Promise<Outcome> => {
    const mock = consumeMock(rt, req);
    if (mock) {
      const after = findHeader(mock.headers, "retry-after");
      return { status: mock.status, retryAfter: after === null ? undefined : String(after), mock };
    }
    const real = await rt.transport.send(transportRequest(req, signal, rt));
    return {
      status: real.status,
      retryAfter: real.headers.get("retry-after"),
      discard: () => real.cancel(),
      real,
    };
  };
  try {
    const outcome = await withRetries(req.config.retry, req.method, attempt, {
      sleep: (ms) => rt.host.sleep(ms),
      now: () => rt.host.now(),
    });
    if ("mock" in outcome) return responseDict(outcome.mock.status, outcome.mock.headers, outcome.mock.body);
    const body = await outcome.real.text();
    return responseDict(outcome.real.status, headersDict(outcome.real.headers), body);
  } catch (e) {
    if (e instanceof TransportError) throw fail(`${prefix}: request failed: ${e.message}`);
    throw e;
  }
}

/**
 * Performs `method url` for the calling task. The task parks until the
 * response arrives; cancelling the task aborts the request.
 */
export function executeRequest(
  rt: HttpRuntime,
  ctx: BuiltinContext,
  method: string,
  url: string,
  rawOptions: Dict,
  builtin = "http_request",
): Promise<Value> {
  const options = sessionOptions(rt, rawOptions, builtin);
  const req = prepareRequest(rt, ctx, method, url, options, "http");
  if (!isHttpUrl(req.url)) throw fail(`http: URL must start with http:// or https://, got '${url}'`);
  rt.egress.enforce("http_request", req.url);
  const controller = new AbortController();
  return cancellable(run(rt, req, controller.signal, "http"), () => controller.abort());
}
