// Turning an `http_*` options dict into a request: timeouts and the retry
// policy, then headers (explicit `headers`, `auth` shorthands), the body
// or a multipart form, and query parameters appended to the URL. Header
// names are recorded lower-cased for the mock log, as the reference does.

import type { ProxyConfig } from "../../llm/transport/types.ts";
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_RETRYABLE_METHODS,
  DEFAULT_RETRYABLE_STATUSES,
  type RetryPolicy,
} from "../../llm/transport/retry.ts";
import { display } from "../../vm/display.ts";
import { BytesValue, Dict, type Value } from "../../vm/values.ts";
import { decodeBase64, encodeBase64 } from "../data/encoding.ts";
import { boolOption, dictOption, fail, intOption, msOption } from "./options.ts";

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The boundary mocks record, so tests can assert on a stable body. */
export const MOCK_MULTIPART_BOUNDARY = "harn-boundary";

export interface HttpConfig {
  readonly timeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly retry: RetryPolicy;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly decompress: boolean;
  readonly proxy?: ProxyConfig;
}

function nonEmptyText(v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = display(v);
  return text === "" ? undefined : text;
}

/** `proxy: "http://host:port"` or `{url, no_proxy}`, with `proxy_auth: {user, pass | password}`. */
function parseProxy(options: Dict): ProxyConfig | undefined {
  const raw = options.map.get("proxy");
  const url = raw instanceof Dict ? nonEmptyText(raw.map.get("url")) : nonEmptyText(raw);
  if (url === undefined) return undefined;
  const noProxy = raw instanceof Dict ? nonEmptyText(raw.map.get("no_proxy")) : undefined;
  const auth = dictOption(options, "proxy_auth");
  const username = auth && nonEmptyText(auth.map.get("user"));
  const password = auth && (nonEmptyText(auth.map.get("pass")) ?? nonEmptyText(auth.map.get("password")));
  return {
    url,
    ...(username !== undefined && { username, password: password ?? "" }),
    ...(noProxy !== undefined && { noProxy }),
  };
}

const TLS_KEYS = [
  "ca_bundle_path",
  "client_cert_path",
  "client_key_path",
  "client_identity_path",
  "pinned_sha256",
];

/** Custom TLS trust and client identities are not implemented; refusing beats silently ignoring them. */
function rejectTlsOptions(options: Dict): void {
  const tls = dictOption(options, "tls");
  const used = TLS_KEYS.filter((k) => {
    const v = tls?.map.get(k);
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && display(v) !== "";
  });
  if (used.length > 0) throw fail(`http: tls option ${used.join(", ")} is not supported yet`);
}

function listOption(options: Dict, key: string): Value[] | undefined {
  const v = options.map.get(key);
  return Array.isArray(v) ? v : undefined;
}

function retryStatuses(options: Dict): Set<number> {
  const statuses = (listOption(options, "retry_on") ?? [])
    .filter((v): v is number => typeof v === "number" && v >= 0 && v <= 65535)
    .map(Number);
  return new Set(statuses.length > 0 ? statuses : DEFAULT_RETRYABLE_STATUSES);
}

function retryMethods(options: Dict): Set<string> {
  const methods = (listOption(options, "retry_methods") ?? []).map((v) => display(v).trim().toUpperCase());
  const named = methods.filter((m) => m !== "");
  return new Set(named.length > 0 ? named : DEFAULT_RETRYABLE_METHODS);
}

/**
 * Timeouts: `total_timeout_ms`, else `timeout_ms`, else `timeout` (ms), 30 s
 * by default. Retries: `retry: {max, backoff_ms}` or the older
 * `retries`/`backoff` keys; none by default.
 */
export function parseHttpConfig(options: Dict): HttpConfig {
  const total = intOption(options, "total_timeout_ms");
  const timeoutMs = Math.max(
    total !== undefined && total >= 0
      ? total
      : (msOption(options, "timeout_ms") ?? msOption(options, "timeout") ?? DEFAULT_TIMEOUT_MS),
    0,
  );
  const retry = dictOption(options, "retry");
  const max = (retry && intOption(retry, "max")) ?? intOption(options, "retries") ?? 0;
  const backoff =
    (retry && intOption(retry, "backoff_ms")) ?? intOption(options, "backoff") ?? DEFAULT_BACKOFF_MS;
  const connect = msOption(options, "connect_timeout_ms");
  rejectTlsOptions(options);
  const proxy = parseProxy(options);
  return {
    ...(proxy !== undefined && { proxy }),
    timeoutMs,
    ...(connect !== undefined && { connectTimeoutMs: Math.max(connect, 0) }),
    retry: {
      maxRetries: Math.max(max, 0),
      backoffMs: Math.max(backoff, 0),
      retryableStatuses: retryStatuses(options),
      retryableMethods: retryMethods(options),
      respectRetryAfter: boolOption(options, "respect_retry_after", true),
    },
    followRedirects: boolOption(options, "follow_redirects", true),
    maxRedirects: Math.max(intOption(options, "max_redirects") ?? 10, 0),
    decompress: boolOption(options, "decompress", true),
  };
}

export interface MultipartField {
  readonly name: string;
  readonly value: Uint8Array;
  readonly filename?: string;
  readonly contentType?: string;
}

export interface RequestParts {
  readonly method: string;
  /** Headers to send, in order. */
  readonly headers: [string, string][];
  /** The same headers with lower-cased names, for the mock log. */
  readonly recorded: Dict;
  /** Text body as recorded by mocks (the multipart body uses the fixed mock boundary). */
  readonly body: string | null;
  readonly multipart?: readonly MultipartField[];
}

/** Reads a multipart part's file (path relative to the task's cwd) for the `path` key. */
export type FileReader = (path: string) => { readonly bytes: Uint8Array; readonly name: string };

function nonEmpty(v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = display(v);
  return text === "" ? undefined : text;
}

function multipartField(entry: Value, readFile: FileReader): MultipartField {
  if (!(entry instanceof Dict)) throw fail("http: multipart entries must be dicts");
  const name = nonEmpty(entry.map.get("name"));
  if (name === undefined) throw fail("http: multipart entry requires name");
  const contentType = nonEmpty(entry.map.get("content_type")) ?? nonEmpty(entry.map.get("mime_type"));
  let filename = nonEmpty(entry.map.get("filename"));
  let value: Uint8Array;
  const path = entry.map.get("path");
  const base64 = entry.map.get("value_base64") ?? entry.map.get("base64");
  if (path !== undefined) {
    const file = readFile(display(path));
    filename ??= file.name;
    value = file.bytes;
  } else if (base64 !== undefined) {
    try {
      value = decodeBase64(display(base64));
    } catch (e) {
      throw fail(`http: invalid multipart base64 value: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    const raw = entry.map.get("value");
    if (raw === undefined) throw fail("http: multipart entry requires value, value_base64, or path");
    value = raw instanceof BytesValue ? raw.bytes : new TextEncoder().encode(display(raw));
  }
  return {
    name,
    value,
    ...(filename !== undefined && { filename }),
    ...(contentType !== undefined && { contentType }),
  };
}

/** The multipart/form-data body for `fields` with `boundary`. */
export function multipartBody(fields: readonly MultipartField[], boundary: string): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const f of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"`;
    if (f.filename !== undefined) head += `; filename="${f.filename}"`;
    head += "\r\n";
    if (f.contentType !== undefined) head += `Content-Type: ${f.contentType}\r\n`;
    chunks.push(enc.encode(`${head}\r\n`), f.value, enc.encode("\r\n"));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function authorization(auth: Value | undefined): string | undefined {
  if (typeof auth === "string") return auth;
  if (!(auth instanceof Dict)) return undefined;
  const bearer = auth.map.get("bearer");
  if (bearer !== undefined) return `Bearer ${display(bearer)}`;
  const basic = auth.map.get("basic");
  if (basic instanceof Dict) {
    const user = basic.map.has("user") ? display(basic.get("user")) : "";
    const password = basic.map.has("password") ? display(basic.get("password")) : "";
    return `Basic ${encodeBase64(new TextEncoder().encode(`${user}:${password}`))}`;
  }
  return undefined;
}

/** Rejects header text that no HTTP stack would send (control characters, bad names). */
function checkHeader(name: string, value: string): void {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw fail(`http: invalid header name '${name}'`);
  if (/[\0\r\n]/.test(value)) throw fail(`http: invalid header value for '${name}'`);
}

export function parseRequestParts(method: string, options: Dict, readFile: FileReader): RequestParts {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) throw fail(`http: invalid method '${method}'`);
  const headers: [string, string][] = [];
  const recorded = new Map<string, Value>();
  const auth = authorization(options.map.get("auth"));
  if (auth !== undefined) {
    checkHeader("Authorization", auth);
    headers.push(["Authorization", auth]);
    recorded.set("authorization", auth);
  }
  const explicit = dictOption(options, "headers");
  if (explicit) {
    for (const key of explicit.keys()) {
      const value = display(explicit.get(key));
      checkHeader(key, value);
      const lower = key.toLowerCase();
      const at = headers.findIndex(([k]) => k.toLowerCase() === lower);
      if (at >= 0) headers.splice(at, 1);
      headers.push([key, value]);
      recorded.set(lower, value);
    }
  }
  const rawMultipart = options.map.get("multipart");
  if (rawMultipart !== undefined) {
    if (!Array.isArray(rawMultipart)) throw fail("http: multipart must be a list");
    if (options.map.has("body")) throw fail("http: body and multipart options are mutually exclusive");
    const fields = rawMultipart.map((e) => multipartField(e, readFile));
    recorded.set("content-type", `multipart/form-data; boundary=${MOCK_MULTIPART_BOUNDARY}`);
    const body = new TextDecoder().decode(multipartBody(fields, MOCK_MULTIPART_BOUNDARY));
    return { method, headers, recorded: new Dict(recorded), body, multipart: fields };
  }
  const body = options.map.get("body");
  return { method, headers, recorded: new Dict(recorded), body: body === undefined ? null : display(body) };
}

/** `url` with the `query` option's pairs appended (nil values skipped). */
export function urlWithQuery(url: string, options: Dict, builtin: string): string {
  const query = dictOption(options, "query");
  if (query === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw fail(`${builtin}: invalid URL '${url}': ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const key of query.keys()) {
    const v = query.get(key);
    if (v !== null) parsed.searchParams.append(key, display(v));
  }
  return parsed.toString();
}
