// Harness scenarios for dispatch: retries on a backoff schedule, dead
// letters, replay out of the DLQ, destination circuits, the cost guard and
// token-bucket throttling. Each runs the real TriggerService with native
// (TypeScript) handlers on a virtual clock and reads back what the
// dispatcher recorded in its event log.

import { type EventLog, MemoryEventLog } from "../../runtime/events/event-log.ts";
import {
  type BindingSpec,
  DEFAULT_MAX_ATTEMPTS,
  type HandlerTarget,
  type NativeHandler,
  type RetryConfig,
} from "../../runtime/triggers/binding.ts";
import { fingerprintOf } from "../../runtime/triggers/config.ts";
import { normalizeTriggerEvent } from "../../runtime/triggers/event.ts";
import { TriggerService } from "../../runtime/triggers/service.ts";
import { TokenBuckets } from "../../runtime/triggers/token-bucket.ts";
import { TRIGGERS_LIFECYCLE_TOPIC } from "../../runtime/triggers/topics.ts";
import type { VirtualClock } from "../../runtime/triggers/virtual-clock.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { emittedEvent, type HarnessAttempt, type HarnessContext, type Scenario } from "./trigger-harness.ts";

export function nativeHandler(name: string, run: (event: Dict) => Value | Promise<Value>): NativeHandler {
  return { kind: "native", name, run: async (event) => run(event) };
}

/** A dynamic binding spec for harness scenarios. */
export function harnessSpec(
  id: string,
  handler: HandlerTarget,
  options: {
    retry?: RetryConfig;
    when?: HandlerTarget;
    dailyCostUsd?: number;
    source?: "dynamic" | "manifest";
    kind?: string;
  } = {},
): BindingSpec {
  const spec: Omit<BindingSpec, "fingerprint"> = {
    id,
    source: options.source ?? "dynamic",
    kind: options.kind ?? "harness.event",
    provider: "webhook",
    autonomyTier: "act_auto",
    handler,
    when: options.when ?? null,
    whenBudget: null,
    retry: options.retry ?? { maxAttempts: DEFAULT_MAX_ATTEMPTS, policy: { kind: "svix" } },
    matchEvents: [],
    dedupeKey: null,
    filter: null,
    dailyCostUsd: options.dailyCostUsd ?? null,
    hourlyCostUsd: null,
    onBudgetExhausted: "false",
    maxConcurrent: null,
    manifestPath: null,
    packageName: null,
  };
  return { ...spec, fingerprint: fingerprintOf(spec) };
}

export interface HarnessRuntime {
  readonly service: TriggerService;
  readonly log: EventLog;
  fire(bindingId: string, dedupeKey: string): Promise<Dict>;
}

/** A TriggerService on its own log and the scenario's virtual clock. */
export function harnessRuntime(h: HarnessContext): HarnessRuntime {
  const { vm, caller, clock } = h;
  const log = new MemoryEventLog();
  const service = new TriggerService({
    vm,
    clock,
    usage: { read: () => ({ tokens: 0, costUsd: 0, calls: 0 }) },
    sleep: clock.sleep,
    log: () => log,
  });
  return {
    service,
    log,
    fire: (bindingId, dedupeKey) =>
      service.fire(
        caller,
        bindingId,
        null,
        Dict.of({ provider: "webhook", kind: "harness.event", dedupe_key: dedupeKey }),
      ),
  };
}

/** The attempts the dispatcher recorded for `eventId`, timed on the virtual clock. */
function recordedAttempts(rt: HarnessRuntime, clock: VirtualClock, eventId: string): HarnessAttempt[] {
  const attempts: HarnessAttempt[] = [];
  for (const { event } of rt.log.read(TRIGGERS_LIFECYCLE_TOPIC)) {
    const p = event.payload;
    if (!(p instanceof Dict) || p.get("event_id") !== eventId) continue;
    const at = event.occurredAtMs - clock.startMs;
    const replayOf = p.get("replay_of_event_id");
    const last = attempts[attempts.length - 1];
    switch (event.kind) {
      case "DispatchStarted":
        attempts.push({
          attempt: Number(p.get("attempt")),
          atMs: at,
          status: "started",
          replayOf: typeof replayOf === "string" ? replayOf : null,
        });
        break;
      case "DispatchFailed":
        if (last)
          attempts[attempts.length - 1] = {
            ...last,
            status: "retryable_error",
            error: String(p.get("error")),
          };
        break;
      case "RetryScheduled":
        if (last) attempts[attempts.length - 1] = { ...last, backoffMs: Number(p.get("delay_ms")) };
        break;
      case "DispatchSucceeded":
        if (last)
          attempts[attempts.length - 1] = { ...last, status: last.replayOf ? "replayed" : "dispatched" };
        break;
      case "DlqMoved":
        if (last)
          attempts[attempts.length - 1] = {
            ...last,
            status: p.get("reason") === "circuit_open" ? "circuit_opened" : "dlq",
          };
        break;
    }
  }
  return attempts;
}

/** DLQ entries as the harness reports them; `attempts` counts every dispatch attempt of the event. */
function dlqEntries(rt: HarnessRuntime, states: "pending" | "all") {
  const latest = new Map<string, Dict>();
  for (const { event } of rt.log.read("trigger.dlq")) {
    if (event.payload instanceof Dict) latest.set(String(event.payload.get("id")), event.payload);
  }
  const started = (eventId: string): number =>
    rt.log
      .read(TRIGGERS_LIFECYCLE_TOPIC)
      .filter(
        (r) => r.event.kind === "DispatchStarted" && (r.event.payload as Dict).get("event_id") === eventId,
      ).length;
  return [...latest.values()]
    .filter((e) => states === "all" || e.get("state") === "pending")
    .map((e) => {
      const history = e.get("retry_history") as Dict[];
      const replayed = history.some((a) => a.get("status") === "replay_succeeded");
      const eventId = String(e.get("event_id"));
      return {
        id: String(e.get("id")),
        eventId,
        bindingId: String(e.get("binding_id")),
        state: replayed ? "replayed" : String(e.get("state")),
        error: String(e.get("error")),
        attempts: started(eventId),
        replayed,
      };
    });
}

const retries: Scenario = async (h) => {
  const rt = harnessRuntime(h);
  let calls = 0;
  const handler = nativeHandler("rate_limited_sink", () => {
    if (++calls < 3) throw new Error("rate_limit");
    return Dict.of({ delivered: true });
  });
  const retry: RetryConfig = { maxAttempts: 3, policy: { kind: "exponential", baseMs: 100, capMs: 60_000 } };
  rt.service.registry.register(harnessSpec("dispatcher.retry", handler, { retry }));
  const handle = await rt.fire("dispatcher.retry", "retry-key");
  const attempts = recordedAttempts(rt, h.clock, String(handle.get("event_id")));
  const emitted =
    handle.get("status") === "dispatched"
      ? [emittedEvent("dispatcher.retry", 1, recordedEvent(rt), "dispatched_after_retry")]
      : [];
  return {
    ok: attempts.map((a) => a.atMs).join(",") === "0,100,300" && emitted.length === 1,
    summary: "dispatcher retries retryable failures with doubling backoff",
    emitted,
    attempts,
  };
};

/** The event the service recorded last (what a handler was given). */
function recordedEvent(rt: HarnessRuntime): Dict {
  const records = rt.log.read("triggers.events");
  const p = records[records.length - 1]?.event.payload;
  return p instanceof Dict ? (p.get("event") as Dict) : new Dict();
}

const permanentFailure: Scenario = async (h) => {
  const rt = harnessRuntime(h);
  const handler = nativeHandler("broken_sink", () => {
    throw new Error("permanent_failure");
  });
  rt.service.registry.register(
    harnessSpec("dispatcher.dlq", handler, {
      retry: { maxAttempts: 1, policy: { kind: "linear", delayMs: 0 } },
    }),
  );
  const handle = await rt.fire("dispatcher.dlq", "dlq-key");
  const dlq = dlqEntries(rt, "pending");
  return {
    ok: handle.get("status") === "dlq" && dlq.length === 1,
    summary: "permanent dispatcher failures land in the DLQ immediately",
    attempts: recordedAttempts(rt, h.clock, String(handle.get("event_id"))),
    dlq,
    details: Dict.of({ event_id: handle.get("event_id") }),
  };
};

const replayFromDlq: Scenario = async (h) => {
  const rt = harnessRuntime(h);
  let fixed = false;
  const handler = nativeHandler("recovering_sink", () => {
    if (!fixed) throw new Error("permanent_failure");
    return Dict.of({ delivered: true });
  });
  rt.service.registry.register(
    harnessSpec("dispatcher.replay", handler, {
      retry: { maxAttempts: 1, policy: { kind: "linear", delayMs: 0 } },
    }),
  );
  const first = await rt.fire("dispatcher.replay", "replay-key");
  const eventId = String(first.get("event_id"));
  h.clock.advance(5_000);
  fixed = true;
  const replay = await rt.service.replay(h.caller, eventId);
  const attempts = recordedAttempts(rt, h.clock, eventId);
  const dlq = dlqEntries(rt, "all");
  const emitted =
    replay.get("status") === "dispatched"
      ? [emittedEvent("dispatcher.replay", 1, recordedEvent(rt), "replayed_from_dlq", eventId)]
      : [];
  return {
    ok: first.get("status") === "dlq" && emitted.length === 1 && dlq[0]?.replayed === true,
    summary: "DLQ replay re-fires the stored event and annotates lineage",
    emitted,
    attempts,
    dlq,
    details: Dict.of({ replay_of_event_id: eventId }),
  };
};

const circuitTrips: Scenario = async (h) => {
  const rt = harnessRuntime(h);
  let healthy = false;
  const handler = nativeHandler("reviewer_prod_triage", () => {
    if (!healthy) throw new Error("provider 503");
    return Dict.of({ delivered: true });
  });
  rt.service.registry.register(
    harnessSpec("circuit.fixture", handler, {
      retry: { maxAttempts: 10, policy: { kind: "linear", delayMs: 0 } },
    }),
  );
  const tripped = await rt.fire("circuit.fixture", "circuit-1");
  const attempts = recordedAttempts(rt, h.clock, String(tripped.get("event_id")));
  const dlq = dlqEntries(rt, "pending");
  const fastFail = await rt.fire("circuit.fixture", "circuit-2");
  const fastFailed =
    fastFail.get("status") === "dlq" && String(fastFail.get("error")).includes("circuit open");
  h.clock.advance(60_000);
  healthy = true;
  const probe = await rt.fire("circuit.fixture", "circuit-3");
  const after = await rt.fire("circuit.fixture", "circuit-4");
  const closes = probe.get("status") === "dispatched" && after.get("status") === "dispatched";
  return {
    ok: attempts.length === 5 && dlq.length === 1 && fastFailed && closes,
    summary: "five consecutive destination failures open the circuit and send dependent events to DLQ",
    attempts,
    dlq: dlq.slice(0, 1),
    details: Dict.of({
      destination: "local://reviewer_prod_triage",
      opened: tripped.get("status") === "dlq",
      fast_failed: fastFailed,
      probe_closes_after_success: closes,
    }),
  };
};

const costGuard: Scenario = async (h) => {
  const rt = harnessRuntime(h);
  let handled = 0;
  const handler = nativeHandler("billable_sink", () => ++handled);
  const predicate = nativeHandler("always", () => true);
  const binding = rt.service.registry.register(
    harnessSpec("cost.fixture", handler, { when: predicate, dailyCostUsd: 1 }),
  );
  // Today's spend already past the daily limit.
  binding.addCost(1_250_000);
  const handle = await rt.fire("cost.fixture", "cost-1");
  const result = handle.get("result");
  const reason = result instanceof Dict ? result.get("reason") : null;
  const blocked = handled === 0 && reason === "daily_budget_exceeded";
  return {
    ok: blocked,
    summary: "budget guard aborts dispatch before work starts when spend is exhausted",
    attempts: [
      {
        attempt: 1,
        atMs: h.clock.elapsedMs(),
        status: blocked ? "cost_guard_blocked" : "dispatched",
        error: blocked ? "daily_cost_usd_exceeded" : null,
      },
    ],
    details: Dict.of({ projected_cost_usd: binding.metrics.costTodayMicros / 1e6, limit_usd: 1.0 }),
  };
};

const rateLimit: Scenario = (h) => {
  const buckets = new TokenBuckets({ capacity: 1, refillTokens: 1, refillIntervalMs: 60_000 }, () =>
    h.clock.nowMs(),
  );
  const firstAt = h.clock.elapsedMs();
  const first = buckets.tryAcquire("webhook:fixture");
  const blocked = !buckets.tryAcquire("webhook:fixture");
  const wait = buckets.retryAfterMs("webhook:fixture");
  h.clock.advance(wait);
  const secondAt = h.clock.elapsedMs();
  const second = buckets.tryAcquire("webhook:fixture");
  const events = ["rate-limit-1", "rate-limit-2"].map((key) =>
    normalizeTriggerEvent(Dict.of({ provider: "webhook", kind: "harness.event", dedupe_key: key }), h.clock),
  );
  return {
    ok: first && blocked && second,
    summary: "provider-scoped rate limits throttle subsequent dispatches",
    emitted: [
      emittedEvent("rate.limit", 1, events[0]!, "immediate"),
      emittedEvent("rate.limit", 1, events[1]!, "after_throttle"),
    ],
    attempts: [
      { attempt: 1, atMs: firstAt, status: "dispatched" },
      { attempt: 2, atMs: secondAt, status: "dispatched_after_throttle", backoffMs: wait },
    ],
    details: Dict.of({ throttled_for_ms: secondAt - firstAt }),
  };
};

const ingestSaturation: Scenario = (h) => {
  const buckets = new TokenBuckets({ capacity: 1, refillTokens: 1, refillIntervalMs: 60_000 }, () =>
    h.clock.nowMs(),
  );
  const admitted = buckets.tryAcquire("github:ingest");
  const saturated = !buckets.tryAcquire("github:ingest");
  const retryAfter = buckets.retryAfterMs("github:ingest");
  return {
    ok: admitted && saturated,
    summary: "ingest token bucket admits the first webhook and returns Retry-After on saturation",
    attempts: [
      { attempt: 1, atMs: h.clock.elapsedMs(), status: "ingest_admitted" },
      {
        attempt: 2,
        atMs: h.clock.elapsedMs(),
        status: "ingest_saturated",
        error: "503 Retry-After",
        backoffMs: retryAfter,
      },
    ],
    details: Dict.of({ status: 503, retry_after_ms: retryAfter }),
  };
};

export const DISPATCH_SCENARIOS: ReadonlyArray<readonly [string, Scenario]> = [
  ["dispatcher_retries_with_exponential_backoff", retries],
  ["dlq_on_permanent_failure", permanentFailure],
  ["replay_refires_from_dlq", replayFromDlq],
  ["orchestrator_circuit_breaker_trips", circuitTrips],
  ["cost_guard_short_circuits", costGuard],
  ["rate_limit_throttles", rateLimit],
  ["orchestrator_backpressure_ingest_saturation", ingestSaturation],
];
