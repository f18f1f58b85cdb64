// The `http_mock` registry: scripted responses per (method, URL pattern)
// and a log of the requests that hit a mock. Registering the same method
// and pattern again replaces the earlier mock, so a test can override one
// case without clearing the rest. A mock with several scripted responses
// hands them out in order and then keeps repeating the last one. The log
// redacts credentials (sensitive headers and query parameters) unless the
// caller asks for raw values.

import { Dict, type Value } from "../../vm/values.ts";
import { display } from "../../vm/display.ts";
import { dictOption, intOption } from "./options.ts";
import { urlMatches } from "./url-glob.ts";

export interface MockResponse {
  readonly status: number;
  readonly body: string;
  /** As registered (names keep their spelling). */
  readonly headers: Dict;
}

interface HttpMock {
  readonly method: string;
  readonly pattern: string;
  readonly responses: readonly MockResponse[];
  next: number;
}

export interface MockCall {
  readonly method: string;
  readonly url: string;
  /** Lower-cased names. */
  readonly headers: Dict;
  readonly body: string | null;
}

const SENSITIVE_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-csrf-token",
  "x-xsrf-token",
]);

const SENSITIVE_PARAMS = new Set([
  "api_key",
  "apikey",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "password",
  "secret",
  "token",
]);

export function isSensitiveParam(name: string): boolean {
  const n = name.toLowerCase();
  return SENSITIVE_PARAMS.has(n) || n.endsWith("_token") || n.endsWith("_secret");
}

/** `url` with the values of credential-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const pairs = [...parsed.searchParams];
  if (!pairs.some(([k]) => isSensitiveParam(k))) return url;
  const redacted = new URLSearchParams();
  for (const [k, v] of pairs) redacted.append(k, isSensitiveParam(k) ? "[redacted]" : v);
  parsed.search = redacted.toString();
  return parsed.toString();
}

function parseResponse(spec: Dict): MockResponse {
  const body = spec.map.get("body");
  return {
    status: intOption(spec, "status") ?? 200,
    body: body === undefined ? "" : display(body),
    headers: dictOption(spec, "headers") ?? new Dict(),
  };
}

/** The scripted responses of a mock spec: its `responses` list, else the spec itself. */
export function parseMockResponses(spec: Dict): MockResponse[] {
  const list = spec.map.get("responses");
  const scripted = Array.isArray(list)
    ? list.filter((v): v is Dict => v instanceof Dict).map(parseResponse)
    : [];
  return scripted.length > 0 ? scripted : [parseResponse(spec)];
}

export class HttpMockRegistry {
  private mocks: HttpMock[] = [];
  private log: MockCall[] = [];

  register(method: string, pattern: string, responses: readonly MockResponse[]): void {
    this.mocks = this.mocks.filter((m) => !(m.method === method && m.pattern === pattern));
    this.mocks.push({ method, pattern, responses, next: 0 });
  }

  clear(): void {
    this.mocks = [];
    this.log = [];
  }

  /** The next scripted response for a request, recording the call; undefined when no mock matches. */
  consume(method: string, url: string, headers: Dict, body: string | null): MockResponse | undefined {
    for (const mock of this.mocks) {
      if (mock.method !== "*" && mock.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!urlMatches(mock.pattern, url) || mock.responses.length === 0) continue;
      const last = mock.responses.length - 1;
      const response = mock.responses[Math.min(mock.next, last)]!;
      if (mock.next < last) mock.next++;
      this.log.push({ method, url, headers, body });
      return response;
    }
    return undefined;
  }

  /** The call log as Harn dicts, credentials redacted when `redact` is set. */
  calls(redact: boolean): Value[] {
    return this.log.map((call) => {
      const headers = new Map<string, Value>();
      for (const [k, v] of call.headers.map)
        headers.set(k, redact && SENSITIVE_HEADERS.has(k.toLowerCase()) ? "[redacted]" : v);
      return Dict.of({
        method: call.method,
        url: redact ? redactUrl(call.url) : call.url,
        headers: new Dict(headers),
        body: call.body,
      });
    });
  }
}
