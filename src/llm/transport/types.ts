// The transport contract shared by the `http_*` builtins and the LLM
// providers: one request shape, one streamed response shape, and one
// `Transport` interface so tests and embedders can swap the network for a
// local server, a recorder or a replayer without touching the callers.

/** Header pairs in the order given; names keep the caller's spelling. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** A forward proxy for one request (HTTP targets go through it directly, HTTPS ones through CONNECT). */
export interface ProxyConfig {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Comma-separated hosts (or `.suffix`es, or `*`) that bypass the proxy. */
  readonly noProxy?: string;
}

export interface TransportRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderList;
  readonly body?: string | Uint8Array;
  /** Deadline for the whole exchange, body included (ms). */
  readonly timeoutMs?: number;
  /** Deadline for establishing the response headers (ms). */
  readonly connectTimeoutMs?: number;
  /** Follow 3xx responses (default true). */
  readonly followRedirects?: boolean;
  /** Redirects followed before giving up (default 10). */
  readonly maxRedirects?: number;
  /** Asked before following a redirect; false stops with a TransportError. */
  readonly allowRedirect?: (url: string) => boolean;
  /** Send through this forward proxy; transports that cannot must fail with `invalid_request`. */
  readonly proxy?: ProxyConfig;
  /** Aborting cancels the exchange (task cancellation). */
  readonly signal?: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  /** Final URL after redirects. */
  readonly url: string;
  /** Header names lower-cased; repeated headers joined with ", " (set-cookie with "\n"). */
  readonly headers: ReadonlyMap<string, string>;
  /** Body chunks as they arrive; read the body once, by one of the three readers. */
  chunks(): AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  /** Releases the connection without reading the rest of the body. */
  cancel(): void;
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
}

/** Case-insensitive lookup in a lower-cased header map. */
export function headerValue(headers: ReadonlyMap<string, string>, name: string): string | undefined {
  return headers.get(name.toLowerCase());
}

/** True when `host` is listed in a no_proxy value (exact, `.suffix`/subdomain, or `*`). */
export function bypassesProxy(noProxy: string | undefined, host: string): boolean {
  if (noProxy === undefined) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return noProxy
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "")
    .some((e) => e === "*" || h === e.replace(/^\./, "") || h.endsWith(e.startsWith(".") ? e : `.${e}`));
}
