// Trigger configuration parsing, event normalisation, retry schedules and
// DLQ error classes.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Closure, Dict } from "../../vm/values.ts";
import { retryDelayMs } from "./binding.ts";
import { parseTriggerConfig } from "./config.ts";
import { normalizeTriggerEvent } from "./event.ts";
import { classifyDlqError } from "./topics.ts";

const handler = new Closure({ name: "on_event" } as never, [], { globals: [], file: "" });
const ids = () => "fixed";

test("a minimal config takes the documented defaults", () => {
  const spec = parseTriggerConfig(Dict.of({ kind: "issue.opened", provider: "github", handler }), ids);
  assert.equal(spec.id, "dynamic_trigger_fixed");
  assert.equal(spec.autonomyTier, "act_auto");
  assert.equal(spec.retry.maxAttempts, 7);
  assert.equal(spec.retry.policy.kind, "svix");
  assert.equal(spec.whenBudget, null);
  assert.deepEqual(spec.matchEvents, []);
});

test("budgets, retries and match events are parsed", () => {
  const spec = parseTriggerConfig(
    Dict.of({
      id: "t",
      kind: "k",
      provider: "webhook",
      handler,
      when: handler,
      when_budget: Dict.of({ tokens_max: 500, timeout: "5s" }),
      budget: Dict.of({ max_cost_usd: 2, on_budget_exhausted: "warn" }),
      retry: Dict.of({ max: 0, backoff: "immediate" }),
      match: Dict.of({ events: ["a", "b"] }),
    }),
    ids,
  );
  assert.deepEqual(spec.whenBudget, { maxCostUsd: 2, tokensMax: 500, timeoutMs: 5000 });
  assert.equal(spec.onBudgetExhausted, "warn");
  assert.deepEqual(spec.retry, { maxAttempts: 1, policy: { kind: "linear", delayMs: 0 } });
  assert.deepEqual(spec.matchEvents, ["a", "b"]);
});

test("malformed configs name the field", () => {
  const base = { kind: "k", provider: "p", handler };
  const bad = (extra: Record<string, unknown>, pattern: RegExp): void =>
    assert.throws(() => parseTriggerConfig(Dict.of({ ...base, ...extra } as never), ids), pattern);
  bad({ handler: "https://example.com" }, /`handler` string must use/);
  bad({ handler: "worker://queue" }, /need a remote dispatcher/);
  bad({ kind: null }, /missing string field `kind`/);
  bad({ events: ["a", 1] }, /`events` entries must be strings/);
  bad(
    { when: handler, when_budget: Dict.of({ timeout: "5 fortnights" }) },
    /unsupported when_budget.timeout unit/,
  );
  bad(
    { budget: Dict.of({ on_budget_exhausted: "panic" }) },
    /unsupported budget.on_budget_exhausted 'panic'/,
  );
  bad({ budget: Dict.of({ max_autonomous_decisions_per_day: 0 }) }, /must be greater than or equal to 1/);
});

test("events get ids, a trace, headers and a provider payload", () => {
  let n = 0;
  const clock = { nowMs: () => 0, uuid: () => `u${n++}` };
  const e = normalizeTriggerEvent(Dict.of({ provider: "linear", kind: "issue.update", extra: 1 }), clock);
  assert.equal(e.get("id"), "trigger_evt_u0");
  assert.equal(e.get("trace_id"), "trace_u2");
  assert.equal(e.get("received_at"), "1970-01-01T00:00:00.000Z");
  assert.equal(e.map.has("extra"), false, "unknown fields are dropped");
  const payload = e.get("provider_payload") as Dict;
  assert.equal(payload.get("event"), "issue");
  assert.equal(payload.get("action"), "update");
  assert.equal((payload.get("raw") as Dict).get("extra"), 1);
  assert.equal((e.get("signature_status") as Dict).get("state"), "unsigned");
  assert.throws(
    () => normalizeTriggerEvent(Dict.of({ provider: "x", kind: "y", headers: Dict.of({ a: 1 }) }), clock),
    /headers must be a dict of strings/,
  );
});

test("retry schedules and DLQ classes", () => {
  assert.deepEqual(
    [1, 2, 3, 9].map((a) => retryDelayMs({ kind: "svix" }, a)),
    [0, 5_000, 300_000, 36_000_000],
  );
  assert.deepEqual(
    [1, 2].map((a) => retryDelayMs({ kind: "linear", delayMs: 100 }, a)),
    [0, 100],
  );
  assert.equal(classifyDlqError("trigger budget exhausted: daily"), "budget_exhausted");
  assert.equal(classifyDlqError("Deadline exceeded"), "handler_timeout");
  assert.equal(classifyDlqError("provider returned 503 upstream"), "provider_5xx");
  assert.equal(classifyDlqError("handler threw"), "handler_panic");
  assert.equal(classifyDlqError("boom"), "unknown");
});
