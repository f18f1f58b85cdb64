// A2A push notifications: an agent we delegated a task to reports its
// status by POSTing `{statusUpdate: {taskId, status: {state}}}` with
// `Authorization: Bearer <JWT>`. The JWT (HS256, key chosen by `kid` from a
// configured JWK set of `oct` keys) must be issued by the expected agent,
// for our endpoint, unexpired, and carry the expected opaque token; its
// `jti` is single-use, claimed through the inbox so a replayed
// notification is refused. The event kind is `a2a.task.<state>`.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { Dict } from "../../vm/values.ts";
import { fromJsonTree } from "../events/json-data.ts";
import { isoAt, type TriggerClock } from "./event.ts";
import { DEFAULT_RETENTION_MS, type InboxDedupe } from "./inbox.ts";
import { ConnectorError, header, type InboundRequest } from "./webhook-signatures.ts";

export interface A2aPushConfig {
  readonly expectedIss: string;
  readonly expectedAud: string;
  readonly expectedToken: string | null;
  /** Symmetric keys by key id (raw bytes). */
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

function base64UrlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    throw new ConnectorError("invalid_header", "invalid header `authorization`: malformed JWT");
  }
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function json(bytes: Uint8Array): Record<string, unknown> {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConnectorError("invalid_header", "invalid header `authorization`: malformed JWT");
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The verified claims of the bearer token. */
export function verifyA2aJwt(
  config: A2aPushConfig,
  req: InboundRequest,
  nowMs: number,
): Record<string, unknown> {
  const auth = header(req, "authorization");
  if (auth === undefined)
    throw new ConnectorError("missing_header", "missing required header `authorization`");
  const token = auth.startsWith("Bearer ") ? auth.slice(7).trim() : null;
  const parts = token?.split(".") ?? [];
  if (parts.length !== 3)
    throw new ConnectorError("invalid_header", "invalid header `authorization`: expected a Bearer JWT");
  const [h, p, sig] = parts as [string, string, string];
  const head = json(base64UrlDecode(h));
  if (head.alg !== "HS256")
    throw new ConnectorError("invalid_signature", `unsupported JWT algorithm ${String(head.alg)}`);
  const key = config.keys.get(String(head.kid ?? ""));
  if (key === undefined)
    throw new ConnectorError("invalid_signature", `unknown JWT key id ${String(head.kid)}`);
  const expected = hmac(sha256, key, utf8ToBytes(`${h}.${p}`));
  if (!constantTimeEqual(expected, base64UrlDecode(sig))) {
    throw new ConnectorError("invalid_signature", "a2a push JWT signature verification failed");
  }
  const claims = json(base64UrlDecode(p));
  const reject = (why: string): never => {
    throw new ConnectorError("invalid_signature", `a2a push JWT rejected: ${why}`);
  };
  if (claims.iss !== config.expectedIss) reject("unexpected issuer");
  if (claims.aud !== config.expectedAud) reject("unexpected audience");
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= nowMs) reject("expired");
  if (config.expectedToken !== null && claims.token !== config.expectedToken) reject("unexpected token");
  if (typeof claims.jti !== "string" || claims.jti === "") reject("missing jti");
  return claims;
}

/** An HS256 JWT over `claims` (what a pushing agent sends). */
export function signA2aJwt(claims: Record<string, unknown>, kid: string, key: Uint8Array): string {
  const head = base64UrlEncode(utf8ToBytes(JSON.stringify({ alg: "HS256", typ: "JWT", kid })));
  const body = base64UrlEncode(utf8ToBytes(JSON.stringify(claims)));
  return `${head}.${body}.${base64UrlEncode(hmac(sha256, key, utf8ToBytes(`${head}.${body}`)))}`;
}

/** Verifies and normalizes one push; throws ConnectorError("duplicate") for a reused jti. */
export function normalizeA2aPush(
  config: A2aPushConfig,
  bindingId: string,
  req: InboundRequest,
  inbox: InboxDedupe,
  clock: TriggerClock,
): Dict {
  const claims = verifyA2aJwt(config, req, clock.nowMs());
  const jti = String(claims.jti);
  if (!inbox.claim(bindingId, jti, DEFAULT_RETENTION_MS)) {
    throw new ConnectorError(
      "duplicate",
      `a2a push jti \`${jti}\` was already used for binding \`${bindingId}\``,
    );
  }
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(new TextDecoder().decode(req.body)) as Record<string, unknown>;
  } catch {
    throw new ConnectorError("invalid_body", "a2a push body is not valid JSON");
  }
  const update = (body.statusUpdate ?? {}) as Record<string, unknown>;
  const status = (update.status ?? {}) as Record<string, unknown>;
  const taskId = typeof update.taskId === "string" ? update.taskId : null;
  const state = typeof status.state === "string" ? status.state : "unknown";
  const kind = `a2a.task.${state}`;
  const raw = fromJsonTree(body);
  return Dict.of({
    id: `trigger_evt_${clock.uuid()}`,
    provider: "a2a-push",
    kind,
    received_at: isoAt(clock.nowMs()),
    occurred_at: null,
    dedupe_key: jti,
    trace_id: `trace_${clock.uuid()}`,
    tenant_id: null,
    headers: new Dict(),
    provider_payload: Dict.of({
      provider: "a2a-push",
      task_id: taskId,
      task_state: state,
      artifact: null,
      sender: String(claims.iss),
      raw,
      kind,
    }),
    signature_status: Dict.of({ state: "verified" }),
  });
}
