// Retry policy: retry-after parsing (seconds, HTTP dates, caps), jittered
// exponential backoff, which statuses/methods/errors are retried, and the
// retry loop honouring retry-after only on 429/503.

import assert from "node:assert/strict";
import { test } from "node:test";
import { TransportError } from "./errors.ts";
import {
  MAX_RETRY_DELAY_MS,
  NO_RETRY,
  parseRetryAfter,
  type RetryPolicy,
  retryDelayMs,
  shouldRetryError,
  shouldRetryStatus,
  withRetries,
} from "./retry.ts";

const policy = (max: number, extra: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...NO_RETRY,
  maxRetries: max,
  backoffMs: 100,
  ...extra,
});

test("retry-after: delta seconds, fractions, HTTP dates, caps and junk", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("0", now), 0);
  assert.equal(parseRetryAfter(" 2 ", now), 2000);
  assert.equal(parseRetryAfter("1.5", now), 1500);
  assert.equal(parseRetryAfter("-3", now), 0);
  assert.equal(parseRetryAfter("100000", now), MAX_RETRY_DELAY_MS);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter("", now), undefined);
});

test("backoff doubles per attempt with ±25% jitter, never below retry-after, capped", () => {
  assert.equal(
    retryDelayMs(0, 100, undefined, () => 0.5),
    100,
  );
  assert.equal(
    retryDelayMs(2, 100, undefined, () => 0.5),
    400,
  );
  assert.equal(
    retryDelayMs(1, 100, undefined, () => 0),
    150,
  );
  assert.equal(
    retryDelayMs(1, 100, undefined, () => 1),
    250,
  );
  assert.equal(
    retryDelayMs(0, 0, 2000, () => 0.5),
    2000,
  );
  assert.equal(
    retryDelayMs(40, 1000, undefined, () => 0.5),
    MAX_RETRY_DELAY_MS,
  );
});

test("statuses and methods: idempotent methods only unless opted in", () => {
  assert.ok(shouldRetryStatus(policy(1), "get", 503, 0));
  assert.ok(!shouldRetryStatus(policy(1), "GET", 503, 1), "attempts exhausted");
  assert.ok(!shouldRetryStatus(policy(1), "POST", 503, 0), "POST is not retried by default");
  assert.ok(shouldRetryStatus(policy(1, { retryableMethods: new Set(["POST"]) }), "POST", 503, 0));
  assert.ok(!shouldRetryStatus(policy(1), "GET", 404, 0));
  assert.ok(shouldRetryError(policy(1), "GET", new TransportError("connect", "refused"), 0));
  assert.ok(!shouldRetryError(policy(1), "GET", new TransportError("protocol", "bad"), 0));
  assert.ok(!shouldRetryError(policy(1), "GET", new Error("other"), 0));
});

test("the retry loop honours retry-after on 429/503 only and discards dropped responses", async () => {
  const slept: number[] = [];
  const discarded: number[] = [];
  const script = [{ status: 429, retryAfter: "2" }, { status: 500, retryAfter: "9" }, { status: 200 }];
  const outcome = await withRetries(
    policy(3, { backoffMs: 10 }),
    "GET",
    async (n) => ({ ...script[n]!, discard: () => discarded.push(n) }),
    { sleep: async (ms) => void slept.push(ms), now: () => 0, random: () => 0.5 },
  );
  assert.equal(outcome.status, 200);
  assert.deepEqual(slept, [2000, 20]);
  assert.deepEqual(discarded, [0, 1]);
});

test("the retry loop retries transport failures and rethrows the last one", async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(
      policy(2, { backoffMs: 0 }),
      "GET",
      async () => {
        calls++;
        throw new TransportError("timeout", "slow");
      },
      { sleep: async () => {}, now: () => 0 },
    ),
    /slow/,
  );
  assert.equal(calls, 3);
});
