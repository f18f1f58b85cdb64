// A token bucket per key (provider + scope): `capacity` tokens, refilled
// by `refillTokens` every `refillIntervalMs` of the injected clock. Used to
// throttle ingest and dispatch per provider; a refusal carries how long
// until the next token, which becomes a Retry-After.

export interface TokenBucketConfig {
  readonly capacity: number;
  readonly refillTokens: number;
  readonly refillIntervalMs: number;
}

interface Bucket {
  tokens: number;
  lastRefillMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: TokenBucketConfig,
    private readonly nowMs: () => number,
  ) {}

  private bucket(key: string): Bucket {
    const now = this.nowMs();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.config.capacity, lastRefillMs: now };
      this.buckets.set(key, b);
    }
    const intervals = Math.floor((now - b.lastRefillMs) / this.config.refillIntervalMs);
    if (intervals > 0) {
      b.tokens = Math.min(this.config.capacity, b.tokens + intervals * this.config.refillTokens);
      b.lastRefillMs += intervals * this.config.refillIntervalMs;
    }
    return b;
  }

  /** Takes a token if one is left. */
  tryAcquire(key: string): boolean {
    const b = this.bucket(key);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  /** Milliseconds until `key` has a token again (0 when it has one now). */
  retryAfterMs(key: string): number {
    const b = this.bucket(key);
    return b.tokens >= 1 ? 0 : b.lastRefillMs + this.config.refillIntervalMs - this.nowMs();
  }
}
