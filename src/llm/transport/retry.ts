// Retry policy for HTTP exchanges: which statuses and methods may be
// retried, how long to wait between attempts, and how to read a server's
// `retry-after`. The defaults follow the reference runtime: 408/429/5xx
// gateway statuses, idempotent methods only (POST and PATCH must opt in,
// since replaying them can duplicate side effects), exponential backoff
// with ±25% jitter, and every wait capped at one minute.

import { TransportError } from "./errors.ts";

export const DEFAULT_RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];
export const DEFAULT_RETRYABLE_METHODS: readonly string[] = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"];
export const DEFAULT_BACKOFF_MS = 1000;
/** No single wait (backoff or retry-after) exceeds this. */
export const MAX_RETRY_DELAY_MS = 60_000;

export interface RetryPolicy {
  /** Retries after the first attempt (0 = one attempt only). */
  readonly maxRetries: number;
  /** Base delay; attempt n waits about base * 2^n. */
  readonly backoffMs: number;
  readonly retryableStatuses: ReadonlySet<number>;
  /** Upper-case method names. */
  readonly retryableMethods: ReadonlySet<string>;
  /** Wait at least as long as a 429/503 response's retry-after asks. */
  readonly respectRetryAfter: boolean;
}

export const NO_RETRY: RetryPolicy = {
  maxRetries: 0,
  backoffMs: DEFAULT_BACKOFF_MS,
  retryableStatuses: new Set(DEFAULT_RETRYABLE_STATUSES),
  retryableMethods: new Set(DEFAULT_RETRYABLE_METHODS),
  respectRetryAfter: true,
};

/**
 * A retry-after value in ms: delta-seconds (fractions allowed) or an HTTP
 * date. Negative or non-finite seconds mean "now"; unparsable text is
 * undefined. Capped at MAX_RETRY_DELAY_MS.
 */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (text === "") return undefined;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf(inity)?$|^nan$/i.test(text)) {
    const seconds = Number(text.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
    if (!Number.isFinite(seconds) || seconds < 0) return 0;
    return Math.min(Math.floor(seconds * 1000), MAX_RETRY_DELAY_MS);
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - nowMs, 0), MAX_RETRY_DELAY_MS);
}

/** Wait before retry number `attempt` (0-based): jittered exponential backoff, at least `retryAfterMs`. */
export function retryDelayMs(
  attempt: number,
  backoffMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const base = backoffMs * 2 ** Math.min(attempt, 30);
  const jitter = 0.75 + random() * 0.5;
  const exponential = Math.min(Math.floor(base * jitter), MAX_RETRY_DELAY_MS);
  return Math.max(exponential, Math.min(retryAfterMs ?? 0, MAX_RETRY_DELAY_MS));
}

function methodRetryable(policy: RetryPolicy, method: string): boolean {
  return policy.retryableMethods.has(method.toUpperCase());
}

/** Should a response with `status` on attempt `attempt` (0-based) be retried? */
export function shouldRetryStatus(
  policy: RetryPolicy,
  method: string,
  status: number,
  attempt: number,
): boolean {
  return (
    attempt < policy.maxRetries && methodRetryable(policy, method) && policy.retryableStatuses.has(status)
  );
}

/** Should a failed exchange be retried? Only timeouts and connection failures are. */
export function shouldRetryError(
  policy: RetryPolicy,
  method: string,
  error: unknown,
  attempt: number,
): boolean {
  return (
    attempt < policy.maxRetries &&
    methodRetryable(policy, method) &&
    error instanceof TransportError &&
    error.isRetryable
  );
}

/** What one attempt produced, as far as the retry loop needs to know. */
export interface AttemptOutcome {
  readonly status: number;
  /** The retry-after header, if the response carried one. */
  readonly retryAfter?: string | undefined;
  /** Frees the response when it is dropped for a retry. */
  discard?(): void;
}

export interface RetryEnvironment {
  sleep(ms: number): Promise<void>;
  now(): number;
  random?(): number;
}

/**
 * Runs `attempt` until it yields a response that is not retried, or fails
 * with an error that is not. Retry-after is honoured only on 429 and 503,
 * the statuses whose meaning includes "come back later".
 */
export async function withRetries<T extends AttemptOutcome>(
  policy: RetryPolicy,
  method: string,
  attempt: (n: number) => Promise<T>,
  env: RetryEnvironment,
): Promise<T> {
  for (let n = 0; ; n++) {
    let outcome: T;
    try {
      outcome = await attempt(n);
    } catch (error) {
      if (!shouldRetryError(policy, method, error, n)) throw error;
      await env.sleep(retryDelayMs(n, policy.backoffMs, undefined, env.random));
      continue;
    }
    if (!shouldRetryStatus(policy, method, outcome.status, n)) return outcome;
    const honour = policy.respectRetryAfter && (outcome.status === 429 || outcome.status === 503);
    const after =
      honour && outcome.retryAfter !== undefined ? parseRetryAfter(outcome.retryAfter, env.now()) : undefined;
    outcome.discard?.();
    await env.sleep(retryDelayMs(n, policy.backoffMs, after, env.random));
  }
}
