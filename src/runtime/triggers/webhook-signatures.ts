// HMAC signature schemes of inbound webhooks, verified before an event is
// accepted, and the matching signers (what a sender computes; tests and
// local tooling use them to produce valid deliveries).
//
//   github    X-Hub-Signature-256: sha256=<hex HMAC(secret, body)>
//   notion    X-Notion-Signature:  sha256=<hex HMAC(secret, body)>
//   linear    Linear-Signature:    <hex HMAC(secret, body)>, plus the body's
//             `webhookTimestamp` (ms) inside the tolerance window
//   slack     X-Slack-Signature:   v0=<hex HMAC(secret, "v0:<ts>:<body>")>,
//             X-Slack-Request-Timestamp (s) inside the window
//   standard  (Standard Webhooks) webhook-signature: space-separated
//             "v1,<base64 HMAC(key, "<id>.<ts>.<body>")>", the key being the
//             base64 after "whsec_"; webhook-id, webhook-timestamp (s)
//
// Comparisons are constant-time over equal-length digests.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { concatBytes } from "../../vm/bytes.ts";

export type SignatureScheme = "github" | "notion" | "linear" | "slack" | "standard";

export type ConnectorErrorKind =
  | "missing_header"
  | "invalid_header"
  | "invalid_signature"
  | "timestamp_window"
  | "duplicate"
  | "invalid_body";

/** Why an inbound delivery was refused; `kind` lets callers count rejections by cause. */
export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface InboundRequest {
  /** Header names are matched case-insensitively. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

export function header(req: InboundRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of req.headers) if (k.toLowerCase() === want) return v;
  return undefined;
}

function requiredHeader(req: InboundRequest, name: string): string {
  const v = header(req, name);
  if (v === undefined) throw new ConnectorError("missing_header", `missing required header \`${name}\``);
  return v;
}

function mac(secret: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, secret, message);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string, what: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new ConnectorError("invalid_header", `invalid header \`${what}\`: not valid base64`);
  }
}

function fromHex(text: string, what: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
    throw new ConnectorError("invalid_header", `invalid header \`${what}\`: not valid hex`);
  }
  return hexToBytes(text.toLowerCase());
}

/** The raw key of a Standard Webhooks secret (`whsec_<base64>`, or the secret's bytes). */
function standardKey(secret: string): Uint8Array {
  return secret.startsWith("whsec_")
    ? fromBase64(secret.slice("whsec_".length), "signing secret")
    : utf8ToBytes(secret);
}

function checkWindow(timestampMs: number, nowMs: number, toleranceSecs: number): void {
  if (Math.abs(nowMs - timestampMs) > toleranceSecs * 1000) {
    throw new ConnectorError(
      "timestamp_window",
      `timestamp ${new Date(timestampMs).toISOString()} is outside the allowed verification window of ${toleranceSecs}s around ${new Date(nowMs).toISOString()}`,
    );
  }
}

function seconds(text: string, name: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new ConnectorError("invalid_header", `invalid header \`${name}\`: expected unix seconds`);
  return Number(text.trim()) * 1000;
}

const SIGNATURE_HEADER: Record<SignatureScheme, string> = {
  github: "X-Hub-Signature-256",
  notion: "X-Notion-Signature",
  linear: "Linear-Signature",
  slack: "X-Slack-Signature",
  standard: "webhook-signature",
};

/** Throws a ConnectorError unless `req` carries a valid signature by `secret` within the tolerance. */
export function verifySignature(
  scheme: SignatureScheme,
  secret: string,
  req: InboundRequest,
  nowMs: number,
  toleranceSecs: number,
): void {
  const name = SIGNATURE_HEADER[scheme];
  const given = requiredHeader(req, name).trim();
  const bad = (): never => {
    throw new ConnectorError("invalid_signature", `${scheme} signature verification failed`);
  };
  switch (scheme) {
    case "github":
    case "notion":
    case "linear": {
      const hex = scheme === "linear" ? given : given.startsWith("sha256=") ? given.slice(7) : null;
      if (hex === null)
        throw new ConnectorError("invalid_header", `invalid header \`${name}\`: expected \`sha256=\` prefix`);
      if (!equalBytes(mac(utf8ToBytes(secret), req.body), fromHex(hex, name))) bad();
      if (scheme === "linear") checkWindow(linearTimestamp(req), nowMs, toleranceSecs);
      return;
    }
    case "slack": {
      if (!given.startsWith("v0="))
        throw new ConnectorError("invalid_header", `invalid header \`${name}\`: expected \`v0=\` prefix`);
      const ts = requiredHeader(req, "X-Slack-Request-Timestamp").trim();
      checkWindow(seconds(ts, "X-Slack-Request-Timestamp"), nowMs, toleranceSecs);
      const base = concatBytes([utf8ToBytes(`v0:${ts}:`), req.body]);
      if (!equalBytes(mac(utf8ToBytes(secret), base), fromHex(given.slice(3), name))) bad();
      return;
    }
    case "standard": {
      const id = requiredHeader(req, "webhook-id");
      const ts = requiredHeader(req, "webhook-timestamp").trim();
      checkWindow(seconds(ts, "webhook-timestamp"), nowMs, toleranceSecs);
      const expected = mac(standardKey(secret), concatBytes([utf8ToBytes(`${id}.${ts}.`), req.body]));
      const candidates = given.split(/\s+/).filter((entry) => entry.startsWith("v1,"));
      if (candidates.length === 0)
        throw new ConnectorError(
          "invalid_header",
          `invalid header \`${name}\`: missing \`v1,\` signature entry`,
        );
      if (!candidates.some((c) => equalBytes(expected, fromBase64(c.slice(3), name)))) bad();
      return;
    }
  }
}

/** `webhookTimestamp` (ms) from a Linear body. */
function linearTimestamp(req: InboundRequest): number {
  try {
    const body = JSON.parse(new TextDecoder().decode(req.body)) as { webhookTimestamp?: unknown };
    const ts = Number(body.webhookTimestamp);
    if (Number.isFinite(ts)) return ts;
  } catch {
    // fall through to the error below
  }
  throw new ConnectorError("invalid_body", "linear webhook body is missing `webhookTimestamp`");
}

/** The headers a sender attaches to `body` under `scheme` (timestamp in ms; `id` for standard). */
export function signatureHeaders(
  scheme: SignatureScheme,
  secret: string,
  body: Uint8Array,
  timestampMs: number,
  id = "msg",
): Map<string, string> {
  const ts = String(Math.floor(timestampMs / 1000));
  const key = utf8ToBytes(secret);
  switch (scheme) {
    case "github":
    case "notion":
      return new Map([[SIGNATURE_HEADER[scheme], `sha256=${bytesToHex(mac(key, body))}`]]);
    case "linear":
      return new Map([[SIGNATURE_HEADER.linear, bytesToHex(mac(key, body))]]);
    case "slack":
      return new Map([
        ["X-Slack-Signature", `v0=${bytesToHex(mac(key, concatBytes([utf8ToBytes(`v0:${ts}:`), body])))}`],
        ["X-Slack-Request-Timestamp", ts],
      ]);
    case "standard":
      return new Map([
        ["webhook-id", id],
        ["webhook-timestamp", ts],
        [
          "webhook-signature",
          `v1,${toBase64(mac(standardKey(secret), concatBytes([utf8ToBytes(`${id}.${ts}.`), body])))}`,
        ],
      ]);
  }
}
