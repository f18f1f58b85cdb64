// Evaluating a binding's `when` predicate before dispatch. The predicate is
// Harn code that may call a model, so it is guarded:
// - a circuit breaker: three failures in a row (a throw, a non-bool result)
//   short-circuit the predicate to false for five minutes ("circuit_open");
// - per-binding daily/hourly spend limits, checked before and after;
// - `when_budget` {max_cost_usd, tokens_max, timeout} per evaluation: going
//   over makes the predicate false ("budget_exceeded"), unless the binding's
//   budget says `on_budget_exhausted: "warn"`;
// - replay determinism: an evaluation that called a model records its
//   verdict, and replaying that event reuses the verdict ("cached") instead
//   of asking the model again. (The reference caches each model response
//   and re-runs the predicate; reusing the verdict gives replays the same
//   answer without needing a hook inside llm_call.)
// Every evaluation appends a `predicate.evaluated` lifecycle event.

import { display } from "../../vm/display.ts";
import { ErrorKind, VmError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, EnumValue, HFloat, RESULT_ENUM, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import type { TriggerBinding } from "./binding.ts";
import type { DispatchContext } from "./dispatch-context.ts";
import { eventId } from "./event.ts";
import { invokeForDispatch } from "./invoke.ts";
import { TRIGGER_INBOX_TOPIC } from "./topics.ts";
import { policyForTier } from "./trust-graph.ts";

/** LLM usage so far on this VM; a predicate's usage is the difference across its run. */
export interface UsageProbe {
  read(): { readonly tokens: number; readonly costUsd: number; readonly calls: number };
}

export interface PredicateVerdict {
  readonly result: boolean;
  readonly costUsd: number;
  readonly tokens: number;
  readonly latencyMs: number;
  readonly cached: boolean;
  readonly reason: string | null;
  /** Set when a budget decided the verdict. */
  readonly strategy: string | null;
}

const BREAKER_FAILURES = 3;
const BREAKER_OPEN_MS = 5 * 60 * 1000;
const CACHE_KIND = "predicate_llm_cache";

export interface PredicateDeps {
  readonly vm: Vm;
  readonly log: () => EventLog;
  readonly nowMs: () => number;
  readonly usage: UsageProbe;
  /** Appends a lifecycle event about `binding` and the event being dispatched. */
  readonly lifecycle: (kind: string, payload: Record<string, Value>) => void;
}

function usd(n: number): HFloat {
  return new HFloat(n);
}

/** What a predicate returned, as a verdict or the reason it is not one. */
function asBool(v: Value): { ok: true; value: boolean } | { ok: false; reason: string } {
  if (typeof v === "boolean") return { ok: true, value: v };
  if (v instanceof EnumValue && v.enumName === RESULT_ENUM) {
    const inner = v.fields[0] ?? null;
    if (v.variant === "Err") return { ok: false, reason: display(inner) };
    if (typeof inner === "boolean") return { ok: true, value: inner };
    return { ok: false, reason: `predicate Result.Ok payload must be bool, got ${typeof inner}` };
  }
  return { ok: false, reason: "predicate must return bool or Result<bool, _>" };
}

function errorText(e: unknown): string {
  if (e instanceof VmError) return e.kind === ErrorKind.Thrown ? display(e.thrown) : e.display(display);
  return e instanceof Error ? e.message : String(e);
}

function cachedVerdict(log: EventLog, bindingId: string, originalEventId: string): boolean | null {
  for (const { event } of log.read(TRIGGER_INBOX_TOPIC)) {
    const p = event.payload;
    if (event.kind !== CACHE_KIND || !(p instanceof Dict)) continue;
    if (p.get("trigger_id") === bindingId && p.get("event_id") === originalEventId) {
      const result = p.get("result");
      return typeof result === "boolean" ? result : null;
    }
  }
  return null;
}

/** The spend limit a binding has hit ("daily_budget_exceeded" / "hourly_budget_exceeded"), if any. */
function spendLimitHit(binding: TriggerBinding, extraMicros: number): string | null {
  const { dailyCostUsd, hourlyCostUsd } = binding.spec;
  const m = binding.metrics;
  if (dailyCostUsd !== null && m.costTodayMicros + extraMicros > dailyCostUsd * 1e6)
    return "daily_budget_exceeded";
  if (hourlyCostUsd !== null && m.costHourMicros + extraMicros > hourlyCostUsd * 1e6)
    return "hourly_budget_exceeded";
  return null;
}

export async function evaluatePredicate(
  deps: PredicateDeps,
  caller: Task,
  binding: TriggerBinding,
  event: Dict,
  dispatch: DispatchContext,
): Promise<PredicateVerdict> {
  const predicate = binding.spec.when!;
  const replayOf = dispatch.replayOfEventId;
  const strategy = binding.spec.onBudgetExhausted;
  const base = { costUsd: 0, tokens: 0, latencyMs: 0, cached: false };
  const record = (v: PredicateVerdict): PredicateVerdict => {
    deps.lifecycle("predicate.evaluated", {
      trigger_id: binding.id,
      event_id: eventId(event),
      result: v.result,
      cost_usd: usd(v.costUsd),
      tokens: v.tokens,
      latency_ms: v.latencyMs,
      cached: v.cached,
      reason: v.reason,
      on_budget_exhausted: v.strategy,
      replay_of_event_id: replayOf,
    });
    return v;
  };
  const budgetEvent = (reason: string, costUsd: number, tokens: number | null): void => {
    deps.lifecycle("predicate.budget_exceeded", {
      trigger_id: binding.id,
      event_id: eventId(event),
      reason,
      strategy,
      expected_cost_usd: usd(costUsd),
      cost_usd: usd(costUsd),
      tokens,
      daily_limit_usd: binding.spec.dailyCostUsd === null ? null : usd(binding.spec.dailyCostUsd),
      hourly_limit_usd: binding.spec.hourlyCostUsd === null ? null : usd(binding.spec.hourlyCostUsd),
      cost_today_usd: usd(binding.metrics.costTodayMicros / 1e6),
      cost_hour_usd: usd(binding.metrics.costHourMicros / 1e6),
      replay_of_event_id: replayOf,
    });
  };

  const now = deps.nowMs();
  if (binding.breakerOpenUntilMs !== null && binding.breakerOpenUntilMs > now) {
    return record({ ...base, result: false, reason: "circuit_open", strategy: null });
  }
  const limitBefore = spendLimitHit(binding, 0);
  if (limitBefore !== null) {
    budgetEvent(limitBefore, 0, null);
    return record({ ...base, result: strategy === "warn", reason: limitBefore, strategy });
  }
  if (replayOf !== null) {
    const cached = cachedVerdict(deps.log(), binding.id, replayOf);
    if (cached !== null)
      return record({ ...base, result: cached, cached: true, reason: null, strategy: null });
  }

  const before = deps.usage.read();
  const started = deps.nowMs();
  let result = false;
  let reason: string | null = null;
  let failed = false;
  try {
    const budget = binding.spec.whenBudget;
    const value = await invokeForDispatch(deps.vm, caller, predicate, event, {
      dispatch,
      policy: policyForTier(dispatch.autonomyTier),
      timeoutMs: budget?.timeoutMs ?? null,
      timeoutMessage: "predicate evaluation timed out",
    });
    const verdict = asBool(value);
    if (verdict.ok) result = verdict.value;
    else [failed, reason] = [true, verdict.reason];
  } catch (e) {
    [failed, reason] = [true, errorText(e)];
  }
  const after = deps.usage.read();
  const tokens = after.tokens - before.tokens;
  const costUsd = after.costUsd - before.costUsd;
  const latencyMs = deps.nowMs() - started;
  if (replayOf === null && after.calls > before.calls && !failed) {
    const payload = Dict.of({
      trigger_id: binding.id,
      event_id: eventId(event),
      result,
      calls: after.calls - before.calls,
    });
    deps.log().append(TRIGGER_INBOX_TOPIC, logEvent(CACHE_KIND, payload, deps.nowMs()));
  }
  const micros = Math.round(costUsd * 1e6);
  if (micros > 0) binding.addCost(micros);

  let decidedBy: string | null = null;
  const budget = binding.spec.whenBudget;
  const timedOut = reason === "predicate evaluation timed out";
  const overBudget =
    budget !== null &&
    ((budget.tokensMax !== null && tokens > budget.tokensMax) ||
      (budget.maxCostUsd !== null && costUsd > budget.maxCostUsd));
  if (overBudget || timedOut) {
    if (strategy !== "warn") result = false;
    else if (timedOut) result = true;
    reason = "budget_exceeded";
    decidedBy = strategy;
    budgetEvent("budget_exceeded", costUsd, tokens);
    deps.lifecycle("predicate.invocation_budget_exceeded", {
      trigger_id: binding.id,
      event_id: eventId(event),
      max_cost_usd: budget?.maxCostUsd === null || budget === null ? null : usd(budget.maxCostUsd),
      tokens_max: budget?.tokensMax ?? null,
      cost_usd: usd(costUsd),
      tokens,
      replay_of_event_id: replayOf,
    });
  }
  const limitAfter = spendLimitHit(binding, 0);
  if (limitAfter !== null) {
    if (strategy !== "warn") result = false;
    reason = limitAfter;
    decidedBy = strategy;
    budgetEvent(limitAfter, 0, null);
  }

  if (failed) {
    binding.predicateFailures++;
    if (binding.predicateFailures >= BREAKER_FAILURES) binding.breakerOpenUntilMs = now + BREAKER_OPEN_MS;
  } else {
    binding.predicateFailures = 0;
    binding.breakerOpenUntilMs = null;
  }
  return record({ result, costUsd, tokens, latencyMs, cached: false, reason, strategy: decidedBy });
}
