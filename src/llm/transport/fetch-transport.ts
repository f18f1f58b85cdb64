// The default Transport, built on the web-standard `fetch` (undici inside
// Node, the browser's own elsewhere), so this folder needs no node:*.
// Redirects are followed here rather than by fetch so each hop can be
// checked (egress policy) and counted; the deadline is one timer that
// covers connecting, the headers and the whole body, as the reference's
// per-request timeout does.

import { TransportError } from "./errors.ts";
import type { Transport, TransportRequest, TransportResponse } from "./types.ts";
import { concatBytes } from "../../vm/bytes.ts";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 10;

/** Codes Node and undici put on a failed connection's `cause`. */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

function causeOf(error: unknown): { code?: string; message?: string } | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return typeof cause === "object" && cause !== null
    ? (cause as { code?: string; message?: string })
    : undefined;
}

/** A fetch failure as a TransportError, with the reason the platform gave. */
function classify(error: unknown, url: string, deadline: Deadline): TransportError {
  if (error instanceof TransportError) return error;
  if (deadline.expired)
    return new TransportError("timeout", `operation timed out after ${deadline.ms}ms (${url})`);
  if (deadline.callerAborted) return new TransportError("aborted", `request aborted (${url})`);
  const cause = causeOf(error);
  const code = cause?.code ?? "";
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return new TransportError("timeout", `connection timed out (${url}): ${detail}`);
  }
  if (CONNECT_CODES.has(code) || code.startsWith("ERR_TLS") || code.includes("CERT")) {
    return new TransportError("connect", `connection failed (${url}): ${detail}`);
  }
  if (error instanceof TypeError && /invalid|url/i.test(detail) && !/fetch failed/.test(error.message)) {
    return new TransportError("invalid_request", `invalid request (${url}): ${detail}`);
  }
  return new TransportError("connect", `error sending request (${url}): ${detail}`);
}

/** One abort controller serving the caller's signal and the request deadline. */
class Deadline {
  readonly controller = new AbortController();
  expired = false;
  callerAborted = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort = (): void => {
    this.callerAborted = true;
    this.controller.abort();
  };

  constructor(
    readonly ms: number | undefined,
    private readonly caller: AbortSignal | undefined,
  ) {
    if (ms !== undefined) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.controller.abort();
      }, ms);
      // An in-flight request holds its socket open anyway; a body nobody reads must not pin the process.
      (this.timer as { unref?: () => void }).unref?.();
    }
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.caller?.removeEventListener("abort", this.onCallerAbort);
  }
}

function headerMap(headers: Headers): Map<string, string> {
  const map = new Map<string, string>();
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    const prior = map.get(key);
    map.set(key, prior === undefined ? value : `${prior}${key === "set-cookie" ? "\n" : ", "}${value}`);
  });
  return map;
}

type FetchBody = NonNullable<RequestInit["body"]>;

function bodyInit(body: string | Uint8Array | undefined): FetchBody | undefined {
  if (body === undefined) return undefined;
  return typeof body === "string" ? body : (body as unknown as FetchBody);
}

class FetchResponse implements TransportResponse {
  private consumed = false;
  readonly headers: ReadonlyMap<string, string>;
  constructor(
    private readonly response: Response,
    readonly url: string,
    private readonly deadline: Deadline,
  ) {
    this.headers = headerMap(response.headers);
  }

  get status(): number {
    return this.response.status;
  }

  async *chunks(): AsyncIterable<Uint8Array> {
    if (this.consumed) throw new TransportError("protocol", "response body already read");
    this.consumed = true;
    const body = this.response.body;
    if (body === null) {
      this.deadline.clear();
      return;
    }
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } catch (error) {
      throw classify(error, this.url, this.deadline);
    } finally {
      this.deadline.clear();
      reader.releaseLock();
    }
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    return concatBytes(parts);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  cancel(): void {
    this.deadline.clear();
    if (!this.consumed) {
      this.consumed = true;
      this.response.body?.cancel().catch(() => {});
    }
  }
}

/** The redirect target of a 3xx response, resolved against the request URL. */
function redirectTarget(response: Response, from: string): string | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = response.headers.get("location");
  if (location === null) return undefined;
  try {
    return new URL(location, from).toString();
  } catch {
    throw new TransportError("protocol", `invalid redirect location ${JSON.stringify(location)} (${from})`);
  }
}

/** A fetch-based Transport; `fetchImpl` lets tests and embedders inject their own fetch. */
export function fetchTransport(fetchImpl: typeof fetch = (...a) => globalThis.fetch(...a)): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      if (request.proxy !== undefined) {
        throw new TransportError("invalid_request", "the fetch transport cannot send through a proxy");
      }
      const deadline = new Deadline(request.timeoutMs, request.signal);
      let method = request.method.toUpperCase();
      let url = request.url;
      let body = bodyInit(request.body);
      const follow = request.followRedirects ?? true;
      const maxRedirects = request.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
      try {
        for (let hops = 0; ; hops++) {
          const response = await fetchImpl(url, {
            method,
            headers: request.headers.map(([k, v]) => [k, v] as [string, string]),
            ...(body !== undefined && { body }),
            redirect: "manual",
            signal: deadline.controller.signal,
          });
          const target = follow ? redirectTarget(response, url) : undefined;
          if (target === undefined) return new FetchResponse(response, url, deadline);
          response.body?.cancel().catch(() => {});
          if (hops >= maxRedirects)
            throw new TransportError("protocol", `too many redirects (${request.url})`);
          if (request.allowRedirect && !request.allowRedirect(target)) {
            throw new TransportError("protocol", `redirect to ${target} was refused`);
          }
          // 303, and 301/302 after a POST, turn into a body-less GET (as browsers and reqwest do).
          if (
            response.status === 303 ||
            ((response.status === 301 || response.status === 302) && method === "POST")
          ) {
            method = "GET";
            body = undefined;
          }
          url = target;
        }
      } catch (error) {
        deadline.clear();
        throw classify(error, url, deadline);
      }
    },
  };
}
