// What every outbound connector client shares: its failures, how arguments
// are read, and one HTTP exchange through the run's transport after the
// egress policy has had its say. Connectors talk to provider APIs directly
// (not through `http_*` mocks), as the reference's connector clients do;
// tests point them at a local server with `api_base_url`.

import type { JsonObject, JsonValue } from "../../llm/json.ts";
import type { Transport, TransportResponse } from "../../llm/transport/types.ts";
import type { VmError } from "../../vm/errors.ts";

/** A connector call that failed; the message is what the script's catch sees. */
export class ConnectorError extends Error {}

/** The egress verdict blocks the request: the policy's own error is thrown as is. */
export class ConnectorEgressBlocked extends Error {
  constructor(readonly error: VmError) {
    super("egress blocked");
  }
}

/** One request a provider client makes. */
export interface ConnectorRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  /** Sent as JSON (with a JSON content type) when present. */
  readonly json?: JsonValue;
  /** Sent as is (the caller sets its content type); ignored when `json` is given. */
  readonly raw?: string;
}

export interface ConnectorSite {
  readonly transport: Transport;
  /** The egress policy's error for `surface` reaching `url`, if it blocks it. */
  readonly egress: (surface: string, url: string) => VmError | undefined;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Aborts the call's requests (the calling task was cancelled). */
  readonly signal?: AbortSignal;
}

/** Outbound connector requests time out after this long, as the reference's do. */
const TIMEOUT_MS = 30_000;

export async function send(
  site: ConnectorSite,
  provider: string,
  userAgent: string,
  req: ConnectorRequest,
): Promise<TransportResponse> {
  const blocked = site.egress(`connector_call:${provider}`, req.url);
  if (blocked !== undefined) throw new ConnectorEgressBlocked(blocked);
  const headers: [string, string][] = [["User-Agent", userAgent], ...req.headers];
  if (req.json !== undefined) headers.push(["Content-Type", "application/json"]);
  try {
    return await site.transport.send({
      method: req.method,
      url: req.url,
      headers,
      ...(req.json !== undefined
        ? { body: JSON.stringify(req.json) }
        : req.raw !== undefined && { body: req.raw }),
      timeoutMs: TIMEOUT_MS,
      ...(site.signal !== undefined && { signal: site.signal }),
    });
  } catch (e) {
    throw new ConnectorError(e instanceof Error ? e.message : String(e));
  }
}

/** A JSON response body; a body that is not JSON is a transport failure. */
export async function jsonBody(response: TransportResponse): Promise<JsonValue> {
  const text = await response.text();
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new ConnectorError(`error decoding response body: ${(e as Error).message}`);
  }
}

// ---- reading call arguments -------------------------------------------------

export function optText(args: JsonObject, key: string): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ConnectorError(`invalid type for \`${key}\`: expected a string`);
  return v;
}

export function text(args: JsonObject, key: string): string {
  const v = optText(args, key);
  if (v === undefined) throw new ConnectorError(`missing field \`${key}\``);
  return v;
}

export function optInt(args: JsonObject, key: string): number | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ConnectorError(`invalid type for \`${key}\`: expected an integer`);
  }
  return v;
}

export function textList(args: JsonObject, key: string): string[] {
  const v = args[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new ConnectorError(`\`${key}\` must be a list of strings`);
  }
  return v as string[];
}

/** `base` joined with `path` as a URL reference (a base without a trailing slash loses its last segment). */
export function joinApiUrl(base: string, path: string): string {
  try {
    return new URL(path.replace(/^\/+/, ""), base).toString();
  } catch {
    throw new ConnectorError(`invalid API base URL \`${base}\``);
  }
}

/** Secret references name a secret store, which this runtime does not have. */
export function refuseSecret(provider: string, key: string, inline: string): never {
  throw new ConnectorError(
    `${provider} connector: \`${key}\` needs a secret store, which this runtime does not provide; pass \`${inline}\` instead`,
  );
}
