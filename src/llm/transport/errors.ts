// One error class for everything that can go wrong below HTTP semantics.
// A status code is never an error here (callers decide what 4xx/5xx mean);
// `kind` says what failed so retry policies can ask `isRetryable` instead
// of parsing messages.

export type TransportErrorKind =
  /** The deadline passed before the exchange finished. */
  | "timeout"
  /** No connection: refused, unreachable, DNS failure, TLS handshake. */
  | "connect"
  /** The caller aborted (task cancelled). */
  | "aborted"
  /** Redirect loop, redirect refused, malformed response, body read failure. */
  | "protocol"
  /** The request itself is unusable (bad URL, bad header). */
  | "invalid_request";

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }

  /** Timeouts and connection failures are worth another attempt; the rest are not. */
  get isRetryable(): boolean {
    return this.kind === "timeout" || this.kind === "connect";
  }
}
